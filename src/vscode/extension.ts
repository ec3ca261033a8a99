// Entry point: wires editor events to the core and the core's results to the UI. Nothing heavy runs at activation.
import * as vscode from 'vscode';
import { ConfigIndex } from './configIndex.ts';
import { TokenDiagnostics, TokenQuickFixes } from './diagnostics.ts';
import type { DiagnosticsRun } from './diagnostics.ts';
import { TokenHoverProvider, HOVER_SELECTOR } from './hover.ts';
import { InspectorPanel } from './inspectorPanel.ts';
import type { InspectorDeps } from './inspectorPanel.ts';
import { KeyService } from './keyService.ts';
import { simulatorCore } from './lazyCore.ts';
import { Log } from './log.ts';
import { SAMPLE_CONFIG, SAMPLE_CONFIG_NAME } from './sampleConfig.ts';
import { HmacSecrets } from './secrets.ts';
import { affectsKeyFetching } from './settings.ts';
import { SCAN_COMMAND, SCAN_OPEN_COMMAND, SCAN_VIEW_ID, ScanTreeProvider } from './scanTree.ts';
import type { ScanSummary } from './scanTree.ts';
import { SignInCommands } from './signIn.ts';
import { registerExplainResponse } from './explainResponse.ts';
import { LocalGateway } from './gateway.ts';
import type { GatewayRequestRow } from './gatewayRequestLog.ts';
import { SIMULATOR_VIEW_ID, SimulatorViewProvider } from './simulatorView.ts';
import { HttpPredictions } from './httpCodeLens.ts';
import { HttpVariables } from './httpVariables.ts';
import type { SimulatorSnapshot } from './simulatorView.ts';
import {
  caretInput,
  clipboardInput,
  promptInput,
  selectionInput,
  setReferencedTokenLookup,
  simulatorInput,
  tokenAtLocation,
} from './tokenSource.ts';
import type { TokenInput } from './tokenSource.ts';
import { Verifier } from './verification.ts';
import type {
  InspectorState,
  SimulateRequest,
  SimulationView,
  SimulatorConfigState,
} from '../shared/protocol.ts';

/** What the extension exports: enough for the extension-host tests to see what the views render. */
export interface AuthDebuggerApi {
  /** The state the Inspector panel last rendered (claims, checks, verdict), or undefined. */
  inspectorState(): InspectorState | undefined;
  /** The open Inspector panel (its ready handshakes, comparison, and messages as if from its webview). */
  inspectorPanel(): InspectorPanel | undefined;
  /** Settles when the hovers' background key fetches started so far have finished. */
  hoverKeyFetches(): Promise<void>;
  /** The simulator's pickers after a workspace scan (starts the scan when the sidebar never opened). */
  simulatorConfig(): Promise<SimulatorConfigState>;
  /** Run a simulation exactly as the sidebar's Simulate button does. */
  simulate(request: SimulateRequest): Promise<SimulationView | { failed: string }>;
  /** When the token diagnostics of a document are up to date: what the last run counted (bounds, diagnostics). */
  diagnosticsSettled(uri: string): Promise<DiagnosticsRun | undefined>;
  /** What the last Scan Workspace for Tokens found, as its tree shows it. */
  scanSummary(): ScanSummary | undefined;
  /** The form, result and history the simulator keeps in memory across hide/show. */
  simulatorState(): SimulatorSnapshot;
  /** Handle a message as if the simulator view had sent it (validated the same way), and wait for its work. */
  simulatorMessage(message: unknown): Promise<void>;
  /** The local gateway's request log as the Gateway Requests tree shows it, newest first (never a token). */
  gatewayRequests(): GatewayRequestRow[];
}

export function activate(context: vscode.ExtensionContext): AuthDebuggerApi {
  const log = new Log();
  const keys = new KeyService(log);
  const secrets = new HmacSecrets(context.secrets);
  const verifier = new Verifier((access) => keys.providerFor(access), secrets);
  const configs = new ConfigIndex(log);

  const inspectorDeps: InspectorDeps = {
    extensionUri: context.extensionUri,
    verifier,
    keys,
    log,
    // The token as the Inspector found it (no scheme, no header text to parse again), with its one decode.
    // The request the token came with (a .http block, a pasted request) fills the simulator's request line.
    simulate: ({ found, decoded }, request) => simulator.receiveToken(found.token, decoded, request),
  };
  const openInspector = async (input: TokenInput): Promise<void> => {
    await InspectorPanel.show(inspectorDeps, input.text, input.source, input.decoded, input.request);
  };
  const simulator = new SimulatorViewProvider({
    extensionUri: context.extensionUri,
    configs,
    keys,
    log,
    simulate: async (request, options, deps) => (await simulatorCore()).simulate(request, options, deps),
    buildEvent: async (request, result, now) =>
      (await simulatorCore()).buildBackendEvent(request, result, { now }),
    inspect: (token) => openInspector({ text: token, source: 'simulator' }),
  });

  const diagnostics = new TokenDiagnostics(verifier, log);
  // .http files (issue 15): variables behind `{{token}}`, the predicted status above each request.
  const httpVariables = new HttpVariables(log);
  const httpPredictions = new HttpPredictions(httpVariables, configs, keys, log);
  setReferencedTokenLookup((document, line, character) =>
    httpVariables.referencedToken(document, line, character),
  );
  // The local gateway (issue 14): started from the Simulator view's title bar, its requests in their own tree.
  const gateway = new LocalGateway({ configs, keys, log, core: simulatorCore });
  const scanTree = new ScanTreeProvider(ScanTreeProvider.workerIn(context.extensionUri), verifier, log);

  const signInCommands = new SignInCommands({
    log,
    secrets: context.secrets,
    configs: () => configs.loadedConfigs(),
    inspect: (token) => openInspector({ text: token, source: 'sign-in' }),
  });

  context.subscriptions.push(
    ...signInCommands.register(),
    ...registerExplainResponse({ keys, log, configs: () => configs.loadedConfigs() }),
    ...gateway.register(),
    log,
    configs,
    simulator,
    diagnostics,
    scanTree,
    vscode.languages.registerCodeActionsProvider(
      HOVER_SELECTOR,
      new TokenQuickFixes(),
      TokenQuickFixes.metadata,
    ),
    vscode.window.createTreeView(SCAN_VIEW_ID, { treeDataProvider: scanTree }),
    vscode.commands.registerCommand(SCAN_COMMAND, () =>
      vscode.window.withProgress(
        { location: { viewId: SCAN_VIEW_ID }, title: 'Scanning for tokens', cancellable: true },
        (progress, cancel) => scanTree.scan(progress, cancel),
      ),
    ),
    vscode.commands.registerCommand(SCAN_OPEN_COMMAND, async (node?: unknown) => {
      const token = scanTree.tokenOf(node);
      if (token !== undefined) await openInspector({ text: token, source: 'argument' });
    }),
    vscode.window.registerWebviewViewProvider(SIMULATOR_VIEW_ID, simulator),
    vscode.languages.registerHoverProvider(
      HOVER_SELECTOR,
      new TokenHoverProvider(verifier, log, (document, position) =>
        httpVariables.hoverTarget(document, position),
      ),
    ),
    httpVariables,
    httpPredictions,
    ...httpPredictions.register(),
    vscode.commands.registerCommand('authDebugger.decodeToken', async (arg?: unknown) => {
      // The hover's link, else the selection, else the token under the caret, else the clipboard, else ask.
      const input =
        tokenAtLocation(arg) ??
        selectionInput() ??
        caretInput() ??
        (await clipboardInput()) ??
        (await promptInput());
      if (input) await openInspector(input);
    }),
    vscode.commands.registerCommand('authDebugger.decodeFromClipboard', async () => {
      const text = await vscode.env.clipboard.readText();
      if (text.trim() === '') {
        void vscode.window.showInformationMessage('Auth Debugger: the clipboard is empty.');
        return;
      }
      await openInspector({ text, source: 'clipboard' });
    }),
    vscode.commands.registerCommand('authDebugger.openSimulator', async (arg?: unknown) => {
      // A hover's location (token and .http request read again from the document) or { token, method, path }.
      const input = simulatorInput(arg);
      if (input)
        await simulator.receiveToken(input.token ?? input.text, undefined, input.request, input.configId);
      else await vscode.commands.executeCommand(`${SIMULATOR_VIEW_ID}.focus`);
    }),
    vscode.commands.registerCommand('authDebugger.reloadKeys', async () => {
      keys.clear();
      verifier.forgetPrefetchFailures();
      log.info('Key cache cleared');
      const panel = InspectorPanel.active;
      if (panel) await panel.verify(true);
      else
        void vscode.window.showInformationMessage(
          'Auth Debugger: cached keys cleared; they are fetched again on the next verification.',
        );
    }),
    vscode.commands.registerCommand('authDebugger.createSampleConfig', () => createSampleConfig(log)),
    vscode.commands.registerCommand('authDebugger.setHmacSecret', () => setHmacSecret(secrets)),
    vscode.commands.registerCommand('authDebugger.clearHmacSecrets', async () => {
      const count = await secrets.clear();
      void vscode.window.showInformationMessage(`Auth Debugger: removed ${count} saved HMAC secret(s).`);
    }),
    vscode.commands.registerCommand('authDebugger.showLog', () => log.show()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (affectsKeyFetching(event)) keys.rebuild();
      if (event.affectsConfiguration('authDebugger.configFiles')) configs.restart();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      log.info('Workspace trusted: keys may be fetched now');
      void InspectorPanel.active?.verify(false);
    }),
    { dispose: () => InspectorPanel.active?.dispose() },
  );
  log.info(`Activated (workspace ${vscode.workspace.isTrusted ? 'trusted' : 'in Restricted Mode'})`);
  return {
    inspectorState: () => InspectorPanel.active?.state,
    inspectorPanel: () => InspectorPanel.active,
    hoverKeyFetches: () => verifier.prefetchesSettled(),
    simulatorConfig: async () => {
      configs.start();
      await configs.whenScanned();
      return configs.state();
    },
    simulate: (request) => simulator.runRequest(request),
    diagnosticsSettled: (uri) => diagnostics.settled(vscode.Uri.parse(uri)),
    scanSummary: () => scanTree.summary,
    simulatorState: () => simulator.snapshot(),
    simulatorMessage: (message) => simulator.receive(message),
    gatewayRequests: () => gateway.rows(),
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}

async function createSampleConfig(log: Log): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    const document = await vscode.workspace.openTextDocument({ language: 'yaml', content: SAMPLE_CONFIG });
    await vscode.window.showTextDocument(document);
    void vscode.window.showInformationMessage(
      'Auth Debugger: open a folder and save this as authdebug.yaml to use it.',
    );
    return;
  }
  const target = vscode.Uri.joinPath(folder.uri, SAMPLE_CONFIG_NAME);
  let exists = true;
  try {
    await vscode.workspace.fs.stat(target);
  } catch {
    exists = false;
  }
  if (!exists) {
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(SAMPLE_CONFIG));
    log.info(`Created ${target.fsPath}`);
  }
  await vscode.window.showTextDocument(target);
  if (exists)
    void vscode.window.showInformationMessage(
      `Auth Debugger: ${SAMPLE_CONFIG_NAME} already exists; opened it.`,
    );
}

async function setHmacSecret(secrets: HmacSecrets): Promise<void> {
  const issuer = await vscode.window.showInputBox({
    title: 'Auth Debugger: HMAC secret (1/2)',
    prompt: 'Issuer (the iss claim) of the HS256/HS384/HS512 tokens this secret verifies',
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() === '' ? 'The issuer is required' : undefined),
  });
  if (issuer === undefined) return;
  const secret = await vscode.window.showInputBox({
    title: 'Auth Debugger: HMAC secret (2/2)',
    prompt: 'The shared secret. It is kept in the OS keychain (SecretStorage), never in settings.',
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) => (value === '' ? 'The secret is required' : undefined),
  });
  if (secret === undefined) return;
  await secrets.set(issuer.trim(), secret);
  void vscode.window.showInformationMessage('Auth Debugger: secret saved in SecretStorage.');
}
