// Entry point: wires editor events to the core and the core's results to the UI. Nothing heavy runs at activation.
import * as vscode from 'vscode';
import { ConfigIndex } from './configIndex.ts';
import { TokenHoverProvider, HOVER_SELECTOR } from './hover.ts';
import { InspectorPanel } from './inspectorPanel.ts';
import type { InspectorDeps } from './inspectorPanel.ts';
import { KeyService } from './keyService.ts';
import { simulatorCore } from './lazyCore.ts';
import { Log } from './log.ts';
import { SAMPLE_CONFIG, SAMPLE_CONFIG_NAME } from './sampleConfig.ts';
import { HmacSecrets } from './secrets.ts';
import { affectsKeyFetching } from './settings.ts';
import { SIMULATOR_VIEW_ID, SimulatorViewProvider } from './simulatorView.ts';
import { clipboardInput, promptInput, selectionInput, tokenAtLocation } from './tokenSource.ts';
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
  /** The simulator's pickers after a workspace scan (starts the scan when the sidebar never opened). */
  simulatorConfig(): Promise<SimulatorConfigState>;
  /** Run a simulation exactly as the sidebar's Simulate button does. */
  simulate(request: SimulateRequest): Promise<SimulationView | { failed: string }>;
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
    simulate: ({ found, decoded }) => simulator.receiveToken(found.token, decoded),
  };
  const openInspector = async (input: TokenInput): Promise<void> => {
    await InspectorPanel.show(inspectorDeps, input.text, input.source, input.decoded);
  };
  const simulator = new SimulatorViewProvider({
    extensionUri: context.extensionUri,
    configs,
    keys,
    log,
    simulate: async (request, options, deps) => (await simulatorCore()).simulate(request, options, deps),
    inspect: (token) => openInspector({ text: token, source: 'simulator' }),
  });

  context.subscriptions.push(
    log,
    configs,
    simulator,
    vscode.window.registerWebviewViewProvider(SIMULATOR_VIEW_ID, simulator),
    vscode.languages.registerHoverProvider(HOVER_SELECTOR, new TokenHoverProvider(verifier, log)),
    vscode.commands.registerCommand('authDebugger.decodeToken', async (arg?: unknown) => {
      const input =
        tokenAtLocation(arg) ?? selectionInput() ?? (await clipboardInput()) ?? (await promptInput());
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
      const input = tokenAtLocation(arg);
      if (input) await simulator.receiveToken(input.text);
      else await vscode.commands.executeCommand(`${SIMULATOR_VIEW_ID}.focus`);
    }),
    vscode.commands.registerCommand('authDebugger.reloadKeys', async () => {
      keys.clear();
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
    simulatorConfig: async () => {
      configs.start();
      await configs.whenScanned();
      return configs.state();
    },
    simulate: (request) => simulator.runRequest(request),
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
