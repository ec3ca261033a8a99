// The Token Inspector panel: one panel, reused; the host verifies and posts data, the webview renders it.
import * as vscode from 'vscode';
import { diffTokens, shownClaimValue } from '../core/explain/tokenDiff.ts';
import { tokenVerdict } from '../core/explain/verdict.ts';
import { redactToken } from '../core/redact.ts';
import type { JsonValue } from '../core/types.ts';
import { decodeInput } from '../core/verify/inspect.ts';
import type { DecodedInput, DecodedItem, InspectOutcome } from '../core/verify/inspect.ts';
import type {
  HostToInspector,
  InputSource,
  InspectorComparison,
  InspectorState,
  InspectorToken,
} from '../shared/protocol.ts';
import type { KeyService } from './keyService.ts';
import type { Log } from './log.ts';
import { parseInspectorMessage } from './messages.ts';
import { ReadyGate } from './readyGate.ts';
import type { Delivery } from './readyGate.ts';
import type { RequestLine } from './tokenSource.ts';
import { trustInfo } from './trust.ts';
import type { Verifier } from './verification.ts';
import { webviewHtml, webviewOptions } from './webviewHtml.ts';

/** What the Inspector needs from the rest of the extension. */
export interface InspectorDeps {
  extensionUri: vscode.Uri;
  verifier: Verifier;
  keys: KeyService;
  log: Log;
  /**
   * Hands a token (as the Inspector found and decoded it) to the Authorizer Simulator and reveals it, with the
   * request it came with when known.
   */
  simulate(item: DecodedItem, request: RequestLine | undefined): Promise<void>;
}

export const INSPECTOR_VIEW_TYPE = 'authDebugger.inspector';

/**
 * The single Token Inspector panel. Holds the inspected text, its report and any comparison in the extension
 * host's memory only (never on disk, never in webview state): a hidden or reloaded webview gets them re-posted
 * when it says ready again.
 */
export class InspectorPanel implements vscode.Disposable {
  private static current: InspectorPanel | undefined;

  private readonly disposables: vscode.Disposable[] = [];
  private readonly gate = new ReadyGate<HostToInspector>(inspectorDelivery);
  /** The input, parsed and decoded once when it arrives; "Verify again" and "Reload keys" reuse it. */
  private input: DecodedInput = decodeInput('');
  private source: InputSource = 'input box';
  /** The request the input came with ("Simulate" takes it). */
  private request: RequestLine | undefined;
  private inputSerial = 0;
  private run = 0;
  /** How many times a (re)loaded webview said ready (extension-host tests: a view switch reloads it). */
  private readyCount = 0;
  private disposed = false;
  /** performance.now() when the panel was created, until its first render was posted (for the log). */
  private openedAt: number | undefined = performance.now();

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly deps: InspectorDeps,
  ) {
    panel.webview.html = webviewHtml(panel.webview, deps.extensionUri, 'inspector', 'Token Inspector');
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'icon.png');
    this.gate.arm((message) => void panel.webview.postMessage(message));
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((message: unknown) => this.onMessage(message)),
      // A hidden panel's webview is destroyed (no retainContextWhenHidden) and reloads when shown again.
      panel.onDidChangeViewState(({ webviewPanel }) => {
        if (!webviewPanel.visible) this.gate.arm();
      }),
    );
  }

  /** The state last rendered, if any (exported for the extension-host tests). */
  get state(): InspectorState | undefined {
    const shown = this.gate.stateOf(VIEW_SLOT);
    return shown?.type === 'render' ? shown.state : undefined;
  }

  /** How many times the webview said ready: each time it got the kept state again (extension-host tests). */
  get readyHandshakes(): number {
    return this.readyCount;
  }

  /** The comparison last posted, if any (extension-host tests). */
  get comparison(): InspectorComparison | undefined {
    const shown = this.gate.stateOf(COMPARE_SLOT);
    return shown?.type === 'comparison' ? shown.comparison : undefined;
  }

  /** Handle a message as if the webview had sent it (extension-host tests: Compare, Simulate). */
  receive(raw: unknown): void {
    this.onMessage(raw);
  }

  /** The open panel, if any (tests and "Reload Keys"). */
  static get active(): InspectorPanel | undefined {
    return InspectorPanel.current;
  }

  /** Open (or reveal) the Inspector on `text` and verify it. */
  static async show(
    deps: InspectorDeps,
    text: string,
    source: InputSource,
    decoded: DecodedInput = decodeInput(text),
    request?: RequestLine,
  ): Promise<InspectorPanel> {
    let inspector = InspectorPanel.current;
    if (inspector) {
      inspector.panel.reveal(undefined, false);
    } else {
      const panel = vscode.window.createWebviewPanel(
        INSPECTOR_VIEW_TYPE,
        'Token Inspector',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
        { ...webviewOptions(deps.extensionUri), enableFindWidget: true },
      );
      inspector = new InspectorPanel(panel, deps);
      InspectorPanel.current = inspector;
    }
    inspector.input = decoded;
    inspector.source = source;
    inspector.request = request ?? pastedRequest(decoded);
    inspector.inputSerial++;
    // A comparison belongs to the input it was made for.
    if (inspector.gate.stateOf(COMPARE_SLOT) !== undefined)
      inspector.post({ type: 'comparison', comparison: undefined });
    await inspector.verify(false);
    return inspector;
  }

  /** Verify the current text again; `reload` bypasses the key cache. */
  async verify(reload: boolean): Promise<void> {
    const run = ++this.run;
    const started = performance.now();
    this.post({ type: 'busy', message: reload ? 'Reloading keys…' : 'Verifying…' });
    const networkAllowed = this.deps.verifier.networkAllowed();
    let outcome: InspectOutcome;
    try {
      outcome = await this.deps.verifier.inspectDecoded(this.input, { network: true, reload });
    } catch (error) {
      this.deps.log.error('Inspecting failed', error);
      outcome = { ok: false, message: 'The token could not be inspected; see the Auth Debugger output.' };
    }
    if (run !== this.run) return;
    if (!outcome.ok) {
      this.post({ type: 'failed', message: outcome.message, trust: trustInfo() });
      return;
    }
    const state: InspectorState = {
      tokens: outcome.items.map(({ header, report }): InspectorToken => ({
        httpHeader: header,
        kind: report.kind,
        valid: report.valid,
        header: report.header,
        payload: report.payload,
        rawHeader: report.rawHeader,
        rawPayload: report.rawPayload,
        claims: report.claims,
        lifetimeSeconds: report.lifetimeSeconds,
        checks: report.checks,
        warnings: report.warnings,
        redacted: report.redacted,
        simulatable: report.kind !== 'invalid' && report.kind !== 'jwe',
        verdict: tokenVerdict(report),
      })),
      headerBlock: outcome.headerBlock,
      valid: outcome.valid,
      source: this.source,
      inputSerial: this.inputSerial,
      verifiedAt: Date.now(),
      networkAllowed,
      trust: trustInfo(),
      request: this.request === undefined ? undefined : `${this.request.method} ${this.request.path}`,
    };
    for (const { report, header } of outcome.items) {
      const failed = report.checks.filter((c) => c.status === 'fail').map((c) => c.id);
      this.deps.log.info(
        `Inspected ${header ?? 'token'} ${report.redacted}: ${report.kind}, ${report.valid ? 'valid' : `invalid (${failed.join(', ')})`}`,
      );
    }
    this.post({ type: 'render', state });
    this.deps.log.info(`Verified in ${Math.round(performance.now() - started)} ms`);
  }

  private post(message: HostToInspector): void {
    this.gate.post(message);
  }

  private onMessage(raw: unknown): void {
    const message = parseInspectorMessage(raw);
    if (!message) return;
    switch (message.type) {
      case 'ready':
        this.readyCount++;
        this.gate.open();
        if (this.openedAt !== undefined) {
          this.deps.log.info(
            `Token Inspector webview ready ${Math.round(performance.now() - this.openedAt)} ms after it opened`,
          );
          this.openedAt = undefined;
        }
        break;
      case 'verifyAgain':
        void this.verify(false);
        break;
      case 'reloadKeys':
        this.deps.keys.clear();
        void this.verify(true);
        break;
      case 'copy':
        void vscode.env.clipboard
          .writeText(message.text)
          .then(() => this.post({ type: 'notice', message: 'Copied' }));
        break;
      case 'simulate': {
        // The token as found and decoded when the input arrived: nothing is parsed or decoded again.
        const item = this.input.ok ? this.input.items[message.index] : undefined;
        if (item !== undefined) void this.deps.simulate(item, this.request);
        break;
      }
      case 'compare':
        this.post({ type: 'comparison', comparison: this.compare(message.index, message.text) });
        break;
      default: {
        const unhandled: never = message;
        return unhandled;
      }
    }
  }

  /** Token `index` beside the pasted text's first token, claim by claim (the core's diffTokens). */
  private compare(index: number, text: string): InspectorComparison {
    const item = this.input.ok ? this.input.items[index] : undefined;
    if (item === undefined) return { ok: false, index, message: 'There is no token to compare with.' };
    const other = decodeInput(text);
    if (!other.ok) return { ok: false, index, message: `The second token: ${other.message}` };
    const otherItem = other.items.find((candidate) => candidate.decoded.token.kind !== 'invalid');
    if (otherItem === undefined)
      return { ok: false, index, message: 'The second input holds no decodable token.' };
    const diff = diffTokens(item.decoded, otherItem.decoded);
    const a = item.decoded.token;
    const shown = (claim: string, value: JsonValue | undefined): { value?: JsonValue } =>
      value === undefined ? {} : { value: shownClaimValue(claim, value) };
    const differences = diff.differences.map(({ claim, a: left, b: right }) => ({
      claim,
      ...(left === undefined ? {} : { a: shownClaimValue(claim, left) }),
      ...(right === undefined ? {} : { b: shownClaimValue(claim, right) }),
    }));
    const same = diff.same.map((claim) => ({
      claim,
      ...shown(claim, claimValue(a.header, a.payload, claim)),
    }));
    this.deps.log.info(`Compared two tokens: ${differences.length} difference(s), ${same.length} the same`);
    return {
      ok: true,
      index,
      otherRedacted: redactToken(otherItem.found.token),
      kinds: { a: a.kind, b: otherItem.decoded.token.kind },
      differences,
      same,
    };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (InspectorPanel.current === this) InspectorPanel.current = undefined;
    this.run++;
    this.gate.close();
    this.panel.dispose();
    while (this.disposables.length > 0) this.disposables.pop()?.dispose();
  }
}

const VIEW_SLOT = 'view';
const COMPARE_SLOT = 'compare';

/** The request line of a pasted request block, when it names a path. */
function pastedRequest(decoded: DecodedInput): RequestLine | undefined {
  if (!decoded.ok || decoded.request?.path === undefined) return undefined;
  return { method: decoded.request.method, path: decoded.request.path };
}

/** A claim's value in token A: `header.alg` from the header, anything else from the payload. */
function claimValue(
  header: Record<string, JsonValue> | null,
  payload: Record<string, JsonValue> | null,
  claim: string,
): JsonValue | undefined {
  const [bag, name] = claim.startsWith('header.') ? [header, claim.slice(7)] : [payload, claim];
  return bag !== null && Object.hasOwn(bag, name) ? bag[name] : undefined;
}

/** The rendered report (or failure) is what the panel shows; progress and "Copied" only matter now. */
function inspectorDelivery(message: HostToInspector): Delivery {
  switch (message.type) {
    case 'render':
    case 'failed':
      return { kind: 'state', slot: VIEW_SLOT };
    case 'comparison':
      return { kind: 'state', slot: COMPARE_SLOT };
    case 'busy':
    case 'notice':
      return { kind: 'live' };
    default: {
      const unhandled: never = message;
      return unhandled;
    }
  }
}
