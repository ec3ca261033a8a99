// The Authorizer Simulator sidebar view: lists workspace routes, runs the core's simulate, posts the result.
import * as vscode from 'vscode';
import type {
  SimulationOptions,
  SimulationRequest,
  SimulationResult,
  WhatIfEdits,
} from '../core/simulate/result.ts';
import { simulationReason } from '../core/explain/verdict.ts';
import type { VerifyDeps } from '../core/keys/types.ts';
import { redactText, redactToken } from '../core/redact.ts';
import type { JsonObject } from '../core/types.ts';
import type { DecodeResult } from '../core/verify/inspect.ts';
import type {
  HostToSimulator,
  SimulateRequest,
  SimulationHistoryItem,
  SimulationView,
  SimulatorForm,
} from '../shared/protocol.ts';
import type { ConfigIndex } from './configIndex.ts';
import { keyAccess } from './keyAccess.ts';
import { simulatorCore } from './lazyCore.ts';
import type { KeyService } from './keyService.ts';
import type { Log } from './log.ts';
import { parseSimulatorMessage } from './messages.ts';
import { readSettings } from './settings.ts';
import { ReadyGate } from './readyGate.ts';
import type { Delivery } from './readyGate.ts';
import { networkAllowed, trustInfo } from './trust.ts';
import { nowSeconds } from './verification.ts';
import { webviewHtml, webviewOptions } from './webviewHtml.ts';

export const SIMULATOR_VIEW_ID = 'authDebugger.simulator';

/** The core's simulate function. */
export type Simulate = (
  request: SimulationRequest,
  options: SimulationOptions,
  deps: VerifyDeps,
) => Promise<SimulationResult>;

/** The core's full backend event builder (contract C1), as the host loads it; undefined when denied. */
export type BuildEvent = (
  request: SimulationRequest,
  result: SimulationResult,
  now: number,
) => Promise<{ kind: string; event: JsonObject; notes?: string[] } | undefined>;

export interface SimulatorDeps {
  extensionUri: vscode.Uri;
  configs: ConfigIndex;
  keys: KeyService;
  log: Log;
  simulate: Simulate;
  /** Without it, "Copy event" copies the authorizer fragment only. */
  buildEvent?: BuildEvent;
  /** Open a token in the Token Inspector. */
  inspect(token: string): Promise<void>;
}

/** One finished simulation: what the view shows and what the core was given and answered (for "Copy event"). */
interface SimulationRecord {
  view: SimulationView;
  request: SimulationRequest;
  result: SimulationResult;
  now: number;
}

interface HistoryEntry {
  item: SimulationHistoryItem;
  form: SimulatorForm;
  record: SimulationRecord;
}

/** Recent simulations kept in memory; never persisted. */
const HISTORY_SIZE = 10;
const REDACTED_SHOWN = 48;

/** What the extension-host tests read: the form, result and history the host holds, and the handshakes seen. */
export interface SimulatorSnapshot {
  form: SimulatorForm | undefined;
  result: SimulationView | undefined;
  history: SimulationHistoryItem[];
  /** How many times a (re)loaded webview said ready. */
  readyCount: number;
  /** The last restore sent to a ready webview. */
  lastRestore: { form: SimulatorForm; result: SimulationView | undefined } | undefined;
}

/** Provides the sidebar webview. The token lives in the webview's form and in this object's memory only. */
export class SimulatorViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private readonly gate = new ReadyGate<HostToSimulator>(simulatorDelivery);
  private readonly disposables: vscode.Disposable[] = [];
  private run = 0;
  /** The last token handed over with its decode (Inspector): reused while the form still holds that token. */
  private handedOver: { token: string; decoded: DecodeResult } | undefined;
  // What the user left, held in this (extension host) object's memory only: a hidden view's webview is destroyed,
  // and webview state would put the token where VS Code persists it.
  private form: SimulatorForm | undefined;
  private last: SimulationRecord | undefined;
  private history: HistoryEntry[] = [];
  private nextHistoryId = 1;
  private readyCount = 0;
  private lastRestore: SimulatorSnapshot['lastRestore'];
  /** Settles when the simulation a `simulate` message started has been posted (extension-host tests). */
  private pending: Promise<void> = Promise.resolve();

  constructor(private readonly deps: SimulatorDeps) {
    this.disposables.push(
      deps.configs.onDidChange(() => this.postConfig()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.postConfig()),
    );
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.gate.arm((message) => void view.webview.postMessage(message));
    view.webview.options = webviewOptions(this.deps.extensionUri);
    view.webview.html = webviewHtml(
      view.webview,
      this.deps.extensionUri,
      'simulator',
      'Authorizer Simulator',
    );
    this.disposables.push(
      view.webview.onDidReceiveMessage((message: unknown) => this.onMessage(message)),
      // A collapsed or hidden view's webview is destroyed (no retainContextWhenHidden) and reloads when shown.
      view.onDidChangeVisibility(() => {
        if (this.view === view && !view.visible) this.gate.arm();
      }),
      view.onDidDispose(() => {
        if (this.view === view) {
          this.view = undefined;
          this.gate.close();
        }
      }),
    );
    this.deps.configs.start();
  }

  /**
   * Put a token into the simulator's form and reveal the view; `request` ({ method, path } of the .http block or
   * pasted request the token came with) fills the request line.
   */
  async receiveToken(
    token: string,
    decoded?: DecodeResult,
    request?: { method: string; path: string },
    configId?: string,
  ): Promise<void> {
    this.handedOver = decoded === undefined ? undefined : { token, decoded };
    const line = request === undefined ? undefined : `${request.method} ${request.path}`;
    this.last = undefined;
    const entry = configId === undefined ? undefined : this.deps.configs.get(configId);
    if (entry?.config && request) {
      // A request of a known configuration (a .http CodeLens): its configuration and route are picked too.
      const { matchRoute } = await simulatorCore();
      const matched = matchRoute(entry.config, request.method, request.path.split('?')[0] ?? request.path);
      const index = matched.ok ? entry.config.routes.indexOf(matched.route) : -1;
      this.form = {
        ...(this.form ?? emptyForm()),
        token,
        configId: entry.id,
        routeId: index >= 0 ? `${entry.id}#${index}` : '',
        request: line ?? '',
      };
      this.post({ type: 'restore', form: this.form, result: undefined });
    } else {
      // The kept form takes the new token (and request), and the old result no longer belongs to it.
      this.form = { ...(this.form ?? emptyForm()), token, ...(line === undefined ? {} : { request: line }) };
      // Queued by the gate until the (possibly still loading) view says ready.
      this.post({ type: 'token', token, ...(line === undefined ? {} : { request: line }) });
    }
    await vscode.commands.executeCommand(`${SIMULATOR_VIEW_ID}.focus`);
  }

  private post(message: HostToSimulator): void {
    this.gate.post(message);
  }

  private postConfig(): void {
    this.post({ type: 'config', state: this.deps.configs.state(), trust: trustInfo() });
  }

  /** What the host holds for the view (extension-host tests). */
  snapshot(): SimulatorSnapshot {
    return {
      form: this.form,
      result: this.last?.view,
      history: this.history.map((h) => h.item),
      readyCount: this.readyCount,
      lastRestore: this.lastRestore,
    };
  }

  /** Handle a message as if the view had sent it, and wait for what it started (extension-host tests). */
  async receive(raw: unknown): Promise<void> {
    this.onMessage(raw);
    await this.pending;
  }

  /** The kept form and result go to the reloaded view first, before the pickers and any queued token. */
  private restore(): void {
    const view = this.view;
    if (view === undefined || this.form === undefined) return;
    const message: HostToSimulator = { type: 'restore', form: this.form, result: this.last?.view };
    this.lastRestore = { form: message.form, result: message.result };
    void view.webview.postMessage(message);
  }

  private onMessage(raw: unknown): void {
    const message = parseSimulatorMessage(raw);
    if (!message) return;
    switch (message.type) {
      case 'ready':
        this.readyCount++;
        // The kept form first (sent directly: the gate is not open yet), then the pickers and history (stored as
        // state while not ready), then any queued token, which wins over the restored one.
        this.restore();
        this.postConfig();
        this.gate.open();
        break;
      case 'form':
        this.form = message.form;
        break;
      case 'simulate':
        this.pending = this.simulate(message.request).catch((error: unknown) =>
          this.deps.log.error('Simulation failed', error),
        );
        break;
      case 'copyEvent':
        this.pending = this.copyEvent().catch((error: unknown) =>
          this.deps.log.error('Copy event failed', error),
        );
        break;
      case 'pickHistory': {
        const entry = this.history.find((h) => h.item.id === message.id);
        if (entry) {
          this.form = entry.form;
          this.last = entry.record;
          this.post({ type: 'restore', form: entry.form, result: entry.record.view });
        }
        break;
      }
      case 'createSampleConfig':
        void vscode.commands.executeCommand('authDebugger.createSampleConfig');
        break;
      case 'openConfig': {
        const entry = this.deps.configs.get(message.configId);
        if (entry) {
          const line = Math.max(0, (message.line ?? 1) - 1);
          void vscode.window.showTextDocument(entry.uri, { selection: new vscode.Range(line, 0, line, 0) });
        }
        break;
      }
      case 'inspect':
        if (message.token.trim() !== '') void this.deps.inspect(message.token);
        break;
      case 'rescan':
        void this.deps.configs.scan();
        break;
      default: {
        const unhandled: never = message;
        return unhandled;
      }
    }
  }

  private async simulate(request: SimulateRequest): Promise<void> {
    const run = ++this.run;
    this.post({ type: 'busy' });
    const outcome = await this.runSimulation(request);
    if (run !== this.run) return;
    if ('failed' in outcome) {
      this.post({ type: 'failed', message: outcome.failed });
      return;
    }
    this.last = outcome;
    this.remember(request, outcome);
    this.post({ type: 'result', result: outcome.view });
  }

  /** Add a finished simulation to the in-memory history (newest first, at most HISTORY_SIZE). */
  private remember(request: SimulateRequest, record: SimulationRecord): void {
    const form = this.form?.token === request.token ? this.form : { ...emptyForm(), ...formOf(request) };
    const item: SimulationHistoryItem = {
      id: this.nextHistoryId++,
      tokenRedacted: redactedForHistory(request.token),
      request: request.request.trim(),
      decision: record.view.decision,
      status: record.view.status,
      at: Date.now(),
    };
    this.history = [{ item, form, record }, ...this.history].slice(0, HISTORY_SIZE);
    this.post({ type: 'history', items: this.history.map((h) => h.item) });
  }

  /** "Copy event": the full event the backend receives, else (no builder, or denied) the authorizer fragment. */
  private async copyEvent(): Promise<void> {
    const record = this.last;
    if (record === undefined) return;
    let text: string | undefined;
    let notice: string;
    const built =
      this.deps.buildEvent && record.result.decision === 'allow'
        ? await this.deps.buildEvent(record.request, record.result, record.now).catch((error: unknown) => {
            this.deps.log.error('Building the backend event failed', error);
            return undefined;
          })
        : undefined;
    if (built !== undefined) {
      text = JSON.stringify(built.event, null, 2);
      const notes = built.notes?.length ?? 0;
      notice = `Copied the full ${built.kind} event${notes > 0 ? ` (${notes} placeholder or observed field${notes === 1 ? '' : 's'}; see the Auth Debugger output)` : ''}.`;
      for (const note of built.notes ?? []) this.deps.log.info(`Backend event: ${note}`);
    } else if (record.view.backendContext !== undefined) {
      text = record.view.backendContext;
      notice = 'Copied what the authorizer passes to the backend (the full event is not available).';
    } else {
      notice = 'Nothing to copy: the request does not reach the backend.';
    }
    if (text !== undefined) await vscode.env.clipboard.writeText(text);
    this.post({ type: 'notice', message: notice });
  }

  /** Run one simulation as the sidebar asks for it (also the extension-host tests' entry). */
  async runRequest(request: SimulateRequest): Promise<SimulationView | { failed: string }> {
    const outcome = await this.runSimulation(request);
    return 'failed' in outcome ? outcome : outcome.view;
  }

  private async runSimulation(request: SimulateRequest): Promise<SimulationRecord | { failed: string }> {
    const entry = this.deps.configs.get(request.configId);
    if (!entry?.config)
      return {
        failed: entry
          ? (entry.error ?? 'This configuration could not be read.')
          : 'Pick a configuration first.',
      };
    const network = networkAllowed();
    // The same access rule as the Inspector's: in Restricted Mode the core's cache-only view, whose key check
    // is skipped with reason not-cached (the simulator then refuses: no signature was verified).
    const access = keyAccess('verify', network);
    const started = performance.now();
    const simulation: SimulationRequest = { config: entry.config, route: request.request.trim() };
    if (request.token.trim() !== '') simulation.token = request.token;
    if (this.handedOver !== undefined && request.token.trim() === this.handedOver.token)
      simulation.decoded = this.handedOver.decoded;
    if (request.authorizer !== undefined) simulation.authorizer = request.authorizer;
    const edits = whatIfEdits(request);
    if (edits) simulation.whatIf = edits;
    let result: SimulationResult;
    const now = nowSeconds();
    try {
      result = await this.deps.simulate(
        simulation,
        // authDebugger.jwksUrls is restricted: in Restricted Mode VS Code hides the workspace's value.
        { now, keyUrls: { byIssuer: readSettings().jwksUrls } },
        { keys: this.deps.keys.providerFor(access) },
      );
    } catch (error) {
      this.deps.log.error('Simulation failed', error);
      return { failed: 'The simulation failed; see the Auth Debugger output.' };
    }
    const elapsedMs = Math.round(performance.now() - started);
    this.deps.log.info(
      `Simulated ${simulation.route} on ${entry.label}: ${result.decision} ${result.status} (decided by ${result.decidedBy}, ${elapsedMs} ms)`,
    );
    const view = toView(result, network, elapsedMs, this.deps.buildEvent !== undefined);
    return { view, request: simulation, result, now };
  }

  dispose(): void {
    while (this.disposables.length > 0) this.disposables.pop()?.dispose();
  }
}

/** The pickers are the view's state; a token handed over must arrive once; results only matter now. */
function simulatorDelivery(message: HostToSimulator): Delivery {
  switch (message.type) {
    case 'config':
      return { kind: 'state', slot: 'config' };
    case 'history':
      return { kind: 'state', slot: 'history' };
    case 'token':
      return { kind: 'queued', slot: 'token' };
    case 'busy':
    case 'result':
    case 'failed':
    case 'notice':
    // A reloaded view is restored on ready from the host's memory; a picked entry only matters now.
    case 'restore':
      return { kind: 'live' };
    default: {
      const unhandled: never = message;
      return unhandled;
    }
  }
}

function whatIfEdits(request: SimulateRequest): WhatIfEdits | undefined {
  const edits = request.whatIf;
  if (!edits) return undefined;
  const out: WhatIfEdits = {};
  if (edits.addGroups.length > 0) out.addGroups = edits.addGroups;
  if (edits.addScopes.length > 0) out.addScopes = edits.addScopes;
  if (edits.setClaims.length > 0) {
    // Object.fromEntries defines own properties, so a claim named __proto__ stays a plain claim.
    out.set = Object.fromEntries(edits.setClaims.filter((c) => c.name !== '').map((c) => [c.name, c.value]));
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function emptyForm(): SimulatorForm {
  return {
    token: '',
    configId: '',
    routeId: '',
    request: '',
    authorizer: '',
    addGroups: '',
    addScopes: '',
    setClaims: '',
  };
}

/** The form fields a simulate request carries (the history's fallback when no form was reported). */
function formOf(request: SimulateRequest): Partial<SimulatorForm> {
  const edits = request.whatIf;
  return {
    token: request.token,
    configId: request.configId,
    request: request.request,
    authorizer: request.authorizer ?? '',
    addGroups: edits?.addGroups.join(', ') ?? '',
    addScopes: edits?.addScopes.join(' ') ?? '',
    setClaims: edits?.setClaims.map((c) => `${c.name}=${c.value}`).join('\n') ?? '',
  };
}

/** The token as the history names it: signatures redacted, anything not a JWT hashed, shortened for a sidebar. */
function redactedForHistory(token: string): string {
  const text = token.trim().replace(/\s+/g, ' ');
  if (text === '') return '(no token)';
  const redacted = redactText(text);
  // Nothing JWT-shaped was found: an opaque value is shown only as its hash.
  const safe = redacted === text ? redactToken(text) : redacted;
  return safe.length > REDACTED_SHOWN ? `…${safe.slice(-REDACTED_SHOWN)}` : safe;
}

function toView(
  result: SimulationResult,
  networkAllowedNow: boolean,
  elapsedMs: number,
  canBuildEvent: boolean,
): SimulationView {
  const why = simulationReason(result);
  return {
    decision: result.decision,
    status: result.status,
    body: result.body,
    headers: Object.entries(result.headers).map(([name, value]) => ({ name, value })),
    authorizer: result.authorizer ?? undefined,
    route: result.route ? { route: result.route.route, api: result.route.api } : undefined,
    trace: result.trace,
    backendContext:
      result.backendContext === null ? undefined : JSON.stringify(result.backendContext, null, 2),
    edited: result.whatIf?.edited === true,
    networkAllowed: networkAllowedNow,
    elapsedMs,
    reason: why.reason,
    fix: why.fix,
    fullEvent: canBuildEvent && result.decision === 'allow',
  };
}
