// The Authorizer Simulator sidebar view: lists workspace routes, runs the core's simulate, posts the result.
import * as vscode from 'vscode';
import type {
  SimulationOptions,
  SimulationRequest,
  SimulationResult,
  WhatIfEdits,
} from '../core/simulate/result.ts';
import type { VerifyDeps } from '../core/keys/types.ts';
import type { DecodeResult } from '../core/verify/inspect.ts';
import type { HostToSimulator, SimulateRequest, SimulationView } from '../shared/protocol.ts';
import type { ConfigIndex } from './configIndex.ts';
import { keyAccess } from './keyAccess.ts';
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

export interface SimulatorDeps {
  extensionUri: vscode.Uri;
  configs: ConfigIndex;
  keys: KeyService;
  log: Log;
  simulate: Simulate;
  /** Open a token in the Token Inspector. */
  inspect(token: string): Promise<void>;
}

/** Provides the sidebar webview. The token lives in the webview's form and in this object's memory only. */
export class SimulatorViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private readonly gate = new ReadyGate<HostToSimulator>(simulatorDelivery);
  private readonly disposables: vscode.Disposable[] = [];
  private run = 0;
  /** The last token handed over with its decode (Inspector): reused while the form still holds that token. */
  private handedOver: { token: string; decoded: DecodeResult } | undefined;

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

  /** Put a token into the simulator's form and reveal the view. */
  async receiveToken(token: string, decoded?: DecodeResult): Promise<void> {
    this.handedOver = decoded === undefined ? undefined : { token, decoded };
    // Queued by the gate until the (possibly still loading) view says ready.
    this.post({ type: 'token', token });
    await vscode.commands.executeCommand(`${SIMULATOR_VIEW_ID}.focus`);
  }

  private post(message: HostToSimulator): void {
    this.gate.post(message);
  }

  private postConfig(): void {
    this.post({ type: 'config', state: this.deps.configs.state(), trust: trustInfo() });
  }

  private onMessage(raw: unknown): void {
    const message = parseSimulatorMessage(raw);
    if (!message) return;
    switch (message.type) {
      case 'ready':
        // Fresh pickers first (stored as state while not ready), then the state and any queued token.
        this.postConfig();
        this.gate.open();
        break;
      case 'simulate':
        void this.simulate(message.request);
        break;
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
    const outcome = await this.runRequest(request);
    if (run !== this.run) return;
    this.post(
      'failed' in outcome ? { type: 'failed', message: outcome.failed } : { type: 'result', result: outcome },
    );
  }

  /** Run one simulation as the sidebar asks for it (also the extension-host tests' entry). */
  async runRequest(request: SimulateRequest): Promise<SimulationView | { failed: string }> {
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
    try {
      result = await this.deps.simulate(
        simulation,
        // authDebugger.jwksUrls is restricted: in Restricted Mode VS Code hides the workspace's value.
        { now: nowSeconds(), keyUrls: { byIssuer: readSettings().jwksUrls } },
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
    return toView(result, network, elapsedMs);
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
    case 'token':
      return { kind: 'queued', slot: 'token' };
    case 'busy':
    case 'result':
    case 'failed':
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

function toView(result: SimulationResult, networkAllowedNow: boolean, elapsedMs: number): SimulationView {
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
  };
}
