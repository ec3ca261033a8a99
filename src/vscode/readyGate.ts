// One ready handshake for every webview (the Inspector panel and the simulator view alike). A webview's script
// loads after its HTML is set, and again each time VS Code re-creates a hidden webview; a message posted before
// that script says `ready` is dropped. The gate holds messages until `ready` and replays the view's state after
// every re-creation. No `vscode` import, so it is unit tested directly.

/**
 * How one message is delivered:
 * - `state`: what the view shows (latest per slot); sent when ready and sent again after every re-creation.
 * - `queued`: must arrive once (latest per slot); held until the next `ready`, then forgotten.
 * - `live`: only meaningful now (progress, "Copied"); dropped when the view is not ready.
 */
export type Delivery = { kind: 'state'; slot: string } | { kind: 'queued'; slot: string } | { kind: 'live' };

/** Sends one message to the current webview. */
export type Send<T> = (message: T) => void;

export class ReadyGate<T> {
  private send: Send<T> | undefined;
  private ready = false;
  /** Latest `state` message per slot, in first-posted slot order. */
  private readonly states = new Map<string, T>();
  /** Undelivered `queued` messages, latest per slot; a Map keeps the order slots were first queued in. */
  private readonly queued = new Map<string, T>();

  constructor(private readonly deliveryOf: (message: T) => Delivery) {}

  /** Whether the current webview has said `ready` since it was (re)loaded. */
  get isReady(): boolean {
    return this.ready;
  }

  /**
   * A webview is (re)loading its script: hold messages until it says `ready`. Pass the new webview's sender
   * when the webview itself is new; leave it out when the same webview reloads (shown again after hiding).
   */
  arm(send: Send<T> | undefined = this.send): void {
    this.send = send;
    this.ready = false;
  }

  /** The webview is gone: nothing is sent until a new one is armed. State is kept for the next one. */
  close(): void {
    this.send = undefined;
    this.ready = false;
  }

  /** The webview said `ready`: send the state, then everything queued, in order. */
  open(): void {
    if (this.send === undefined) return;
    this.ready = true;
    for (const message of this.states.values()) this.send(message);
    const pending = [...this.queued.values()];
    this.queued.clear();
    for (const message of pending) this.send(message);
  }

  /** Post now if the webview is ready, otherwise as the message's delivery says. */
  post(message: T): void {
    const delivery = this.deliveryOf(message);
    if (delivery.kind === 'state') this.states.set(delivery.slot, message);
    if (this.ready && this.send !== undefined) {
      this.send(message);
      return;
    }
    if (delivery.kind === 'queued') {
      // Re-inserting moves the slot to the end: the newest message of a slot is delivered last.
      this.queued.delete(delivery.slot);
      this.queued.set(delivery.slot, message);
    }
  }

  /** The latest `state` message of a slot (what the view shows or will show). */
  stateOf(slot: string): T | undefined {
    return this.states.get(slot);
  }
}
