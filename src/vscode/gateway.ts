// "Auth Debugger: Start/Stop Local Gateway": `authdbg gateway` inside the extension host, on loopback only. It
// fetches keys and forwards real traffic, so it needs a trusted workspace. Its sockets come from the lazily
// loaded simulator bundle (dist/simulatorCore.js), so activation does not load node:http servers.
import * as vscode from 'vscode';
import type { GatewayTarget, RunningGateway } from '../cli/gatewayServer.ts';
import type { SimConfig } from '../core/config/model.ts';
import type { ConfigIndex } from './configIndex.ts';
import {
  DEFAULT_TARGET_PROMPT,
  GatewayRequestLog,
  describeTarget,
  gatewayPort,
  isLambdaTarget,
  parseGatewayTarget,
} from './gatewayRequestLog.ts';
import type { GatewayRequestRow } from './gatewayRequestLog.ts';
import {
  GATEWAY_OPEN_REQUEST_COMMAND,
  GATEWAY_REQUESTS_VIEW_ID,
  GatewayRequestsTree,
} from './gatewayRequests.ts';
import { keyAccess } from './keyAccess.ts';
import type { KeyService } from './keyService.ts';
import type * as SimulatorCore from './simulatorCore.ts';
import type { Log } from './log.ts';
import { readGatewaySettings, readSettings } from './settings.ts';
import { networkAllowed } from './trust.ts';

export const START_GATEWAY_COMMAND = 'authDebugger.startGateway';
export const STOP_GATEWAY_COMMAND = 'authDebugger.stopGateway';
export const GATEWAY_MENU_COMMAND = 'authDebugger.gatewayMenu';
export const CLEAR_GATEWAY_REQUESTS_COMMAND = 'authDebugger.clearGatewayRequests';
/** Context key for the Simulator view's title bar: Start or Stop. */
const RUNNING_CONTEXT = 'authDebugger.gatewayRunning';
/** From VS Code the gateway listens on loopback only: another interface would expose the user's backend. */
const LOOPBACK = '127.0.0.1';

export const RESTRICTED_GATEWAY_MESSAGE =
  'Auth Debugger: the local gateway needs a trusted workspace: it fetches keys and forwards requests to the target. Trust the workspace to start it.';

export interface GatewayDeps {
  configs: ConfigIndex;
  keys: KeyService;
  log: Log;
  core(): Promise<typeof SimulatorCore>;
}

/** What Start accepts as a command argument (the host tests and other commands skip the prompts with it). */
interface StartArgument {
  configId?: string;
  target?: string;
  functionName?: string;
  port?: number;
}

/** What Start resolves with: where the gateway listens (undefined when it did not start). */
export interface GatewayStarted {
  url: string;
  albKeyUrl?: string;
}

interface Running {
  gateway: RunningGateway;
  configLabel: string;
  target: GatewayTarget;
}

function startArgument(arg: unknown): StartArgument {
  if (arg === null || typeof arg !== 'object' || Array.isArray(arg)) return {};
  const bag = arg as Record<string, unknown>;
  const out: StartArgument = {};
  const text = (key: string): string | undefined => {
    const value = Object.hasOwn(bag, key) ? bag[key] : undefined;
    return typeof value === 'string' && value.trim() !== '' && value.length <= 2048
      ? value.trim()
      : undefined;
  };
  const configId = text('configId');
  const target = text('target');
  const functionName = text('functionName');
  if (configId !== undefined) out.configId = configId;
  if (target !== undefined) out.target = target;
  if (functionName !== undefined) out.functionName = functionName;
  const port = Object.hasOwn(bag, 'port') ? bag['port'] : undefined;
  if (typeof port === 'number') out.port = gatewayPort(port);
  return out;
}

/** The local gateway's lifecycle, its status bar item, and the request log behind the Gateway Requests tree. */
export class LocalGateway implements vscode.Disposable {
  readonly requests = new GatewayRequestLog();
  private readonly tree = new GatewayRequestsTree(this.requests);
  /** Created on the first start: activation makes no status bar item. */
  private statusBar: vscode.StatusBarItem | undefined;
  private running: Running | undefined;
  private starting = false;

  constructor(private readonly deps: GatewayDeps) {}

  register(): vscode.Disposable[] {
    return [
      this,
      this.tree,
      vscode.window.createTreeView(GATEWAY_REQUESTS_VIEW_ID, { treeDataProvider: this.tree }),
      vscode.commands.registerCommand(START_GATEWAY_COMMAND, (arg?: unknown) => this.start(arg)),
      vscode.commands.registerCommand(STOP_GATEWAY_COMMAND, () => this.stop()),
      vscode.commands.registerCommand(GATEWAY_MENU_COMMAND, () => this.menu()),
      vscode.commands.registerCommand(CLEAR_GATEWAY_REQUESTS_COMMAND, () => {
        this.requests.clear();
        this.tree.refresh();
      }),
      vscode.commands.registerCommand(GATEWAY_OPEN_REQUEST_COMMAND, (id?: unknown) => this.openRequest(id)),
    ];
  }

  /** The rows the tree shows, newest first (never a token). */
  rows(): GatewayRequestRow[] {
    return this.requests.rows();
  }

  /** Where the running gateway listens, or undefined. */
  get url(): string | undefined {
    return this.running?.gateway.url;
  }

  async start(arg?: unknown): Promise<GatewayStarted | undefined> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(RESTRICTED_GATEWAY_MESSAGE);
      return undefined;
    }
    if (this.running !== undefined) {
      void vscode.window.showInformationMessage(
        `Auth Debugger: the local gateway is already listening on ${this.running.gateway.url}.`,
      );
      return undefined;
    }
    if (this.starting) return undefined;
    this.starting = true;
    try {
      return await this.startWith(startArgument(arg));
    } finally {
      this.starting = false;
    }
  }

  private async startWith(given: StartArgument): Promise<GatewayStarted | undefined> {
    const picked = await this.pickConfig(given.configId);
    if (picked === undefined) return undefined;
    const target = await this.pickTarget(given);
    if (target === undefined) return undefined;
    const port = given.port ?? gatewayPort(readGatewaySettings().port);
    const core = await this.deps.core();
    const keys = this.deps.keys.providerFor(keyAccess('verify', networkAllowed()));
    let gateway: RunningGateway;
    try {
      gateway = await core.startGateway(
        {
          config: picked.config,
          target,
          port,
          host: LOOPBACK,
          // authDebugger.jwksUrls is restricted; the gateway only runs in a trusted workspace anyway.
          keyUrls: { byIssuer: readSettings().jwksUrls },
          onRequest: (entry, request) => {
            const row = this.requests.add(entry, request, Date.now());
            this.tree.refresh();
            this.deps.log.info(
              `Gateway: ${row.method} ${row.path} ${row.verdict} ${row.status} ${row.decidedBy}: ${row.reason}${row.problem === undefined ? '' : ` [${row.problem}]`}`,
            );
          },
        },
        { keys, nowMs: () => Date.now() },
      );
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const taken = code === 'EADDRINUSE';
      this.deps.log.error(`Gateway: cannot listen on ${LOOPBACK}:${port}`, error);
      const message = `Auth Debugger: cannot listen on ${LOOPBACK}:${port}${code === undefined ? '' : ` (${code})`}${taken ? ': the port is taken. Change authDebugger.gateway.port (0 picks a free port).' : '.'}`;
      void vscode.window.showErrorMessage(message, 'Open Settings').then((choice) => {
        if (choice === 'Open Settings')
          void vscode.commands.executeCommand('workbench.action.openSettings', 'authDebugger.gateway.port');
      });
      return undefined;
    }
    this.requests.useConfig(picked.id);
    this.running = { gateway, configLabel: picked.label, target };
    await vscode.commands.executeCommand('setContext', RUNNING_CONTEXT, true);
    this.showStatus();
    this.deps.log.info(
      `Gateway: listening on ${gateway.url} for ${picked.label} -> ${describeTarget(target)}${gateway.albKeyUrl === undefined ? '' : `; ALB key endpoint ${gateway.albKeyUrl}`}`,
    );
    for (const name of core.albAuthorizersWithoutIdp(picked.config)) {
      void vscode.window.showWarningMessage(
        `Auth Debugger: ALB authorizer ${name} names no issuer: its sessions cannot be verified, so every request is unauthenticated (add issuer, and jwks unless it is a Cognito pool).`,
      );
    }
    void vscode.window
      .showInformationMessage(
        `Auth Debugger: local gateway listening on ${gateway.url} -> ${describeTarget(target)}${gateway.albKeyUrl === undefined ? '' : ` (ALB key endpoint ${gateway.albKeyUrl})`}`,
        'Copy URL',
      )
      .then((choice) => {
        if (choice === 'Copy URL') void vscode.env.clipboard.writeText(gateway.url);
      });
    const started: GatewayStarted = { url: gateway.url };
    if (gateway.albKeyUrl !== undefined) started.albKeyUrl = gateway.albKeyUrl;
    return started;
  }

  /** The configuration to enforce: the argument's, the only one, or the user's pick. */
  private async pickConfig(
    configId: string | undefined,
  ): Promise<{ id: string; label: string; config: SimConfig } | undefined> {
    this.deps.configs.start();
    await this.deps.configs.whenScanned();
    const usable = this.deps.configs.state().configs.flatMap((option) => {
      const config = this.deps.configs.get(option.id)?.config;
      return config !== undefined && config.routes.length > 0 ? [{ ...option, config }] : [];
    });
    if (configId !== undefined) {
      const found = usable.find((option) => option.id === configId);
      if (found === undefined) {
        void vscode.window.showErrorMessage(
          'Auth Debugger: that configuration is not loaded or declares no routes.',
        );
        return undefined;
      }
      return found;
    }
    if (usable.length === 0) {
      void vscode.window
        .showErrorMessage(
          'Auth Debugger: no configuration with routes in this workspace (authdebug.yaml, or a SAM, CloudFormation or OpenAPI file).',
          'Create Sample Config',
        )
        .then((choice) => {
          if (choice === 'Create Sample Config')
            void vscode.commands.executeCommand('authDebugger.createSampleConfig');
        });
      return undefined;
    }
    if (usable.length === 1) return usable[0];
    const choice = await vscode.window.showQuickPick(
      usable.map((option) => ({
        label: option.label,
        description: option.kind === 'authdebug' ? 'authdebug' : 'infrastructure',
        detail: `${option.config.routes.length} route(s)`,
        option,
      })),
      {
        title: 'Auth Debugger: Start Local Gateway (1/2)',
        placeHolder: 'Configuration whose authorizers to enforce',
      },
    );
    return choice?.option;
  }

  /** The target: the argument's, the setting's, or asked (prefilled); a Lambda target also needs its function. */
  private async pickTarget(given: StartArgument): Promise<GatewayTarget | undefined> {
    const text =
      given.target ??
      readGatewaySettings().target ??
      (await vscode.window.showInputBox({
        title: 'Auth Debugger: Start Local Gateway (2/2)',
        prompt:
          'Where allowed requests go: your local server (http://127.0.0.1:3000), or lambda:http://127.0.0.1:3001 for a Lambda Invoke API (sam local start-lambda)',
        value: DEFAULT_TARGET_PROMPT,
        ignoreFocusOut: true,
        validateInput: (value) => {
          const parsed = parseGatewayTarget(value);
          return parsed.ok ? undefined : parsed.message;
        },
      }));
    if (text === undefined) return undefined;
    let functionName = given.functionName;
    if (isLambdaTarget(text) && functionName === undefined) {
      functionName = await vscode.window.showInputBox({
        title: 'Auth Debugger: Lambda function',
        prompt: 'The function every route invokes (its logical id in template.yaml, e.g. OrdersFunction)',
        ignoreFocusOut: true,
        validateInput: (value) => (value.trim() === '' ? 'The function name is required' : undefined),
      });
      if (functionName === undefined) return undefined;
    }
    const parsed = parseGatewayTarget(text, functionName);
    if (!parsed.ok) {
      void vscode.window.showErrorMessage(`Auth Debugger: ${parsed.message} (authDebugger.gateway.target).`);
      return undefined;
    }
    return parsed.target;
  }

  private showStatus(): void {
    const running = this.running;
    if (running === undefined) {
      this.statusBar?.hide();
      return;
    }
    if (this.statusBar === undefined) {
      this.statusBar = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 50);
      this.statusBar.command = GATEWAY_MENU_COMMAND;
      this.statusBar.name = 'Auth Debugger Local Gateway';
    }
    const port = new URL(running.gateway.url).port;
    this.statusBar.text = `$(radio-tower) Gateway :${port}`;
    this.statusBar.tooltip = `Auth Debugger local gateway on ${running.gateway.url}\nEnforcing ${running.configLabel}, forwarding to ${describeTarget(running.target)}\nClick to copy the URL or stop it.`;
    this.statusBar.show();
  }

  /** The status bar item's menu: copy the URL(s), show the requests, stop. */
  private async menu(): Promise<void> {
    const running = this.running;
    if (running === undefined) {
      await this.start();
      return;
    }
    const items: (vscode.QuickPickItem & { run: () => Thenable<unknown> | Promise<unknown> })[] = [
      {
        label: '$(copy) Copy URL',
        description: running.gateway.url,
        run: () => vscode.env.clipboard.writeText(running.gateway.url),
      },
    ];
    const albKeyUrl = running.gateway.albKeyUrl;
    if (albKeyUrl !== undefined)
      items.push({
        label: '$(key) Copy ALB key endpoint',
        description: albKeyUrl,
        run: () => vscode.env.clipboard.writeText(albKeyUrl),
      });
    items.push(
      {
        label: '$(list-flat) Show Gateway Requests',
        run: () => vscode.commands.executeCommand(`${GATEWAY_REQUESTS_VIEW_ID}.focus`),
      },
      { label: '$(debug-stop) Stop Local Gateway', run: () => this.stop() },
    );
    const choice = await vscode.window.showQuickPick(items, {
      title: `Auth Debugger: gateway on ${running.gateway.url}`,
    });
    if (choice !== undefined) await choice.run();
  }

  /** Stop the gateway; resolves false when none was running. Its rows stay (and stay openable) until cleared. */
  async stop(): Promise<boolean> {
    const running = this.running;
    if (running === undefined) return false;
    this.running = undefined;
    this.showStatus();
    await running.gateway.close();
    await vscode.commands.executeCommand('setContext', RUNNING_CONTEXT, false);
    this.deps.log.info(`Gateway: stopped (${running.gateway.url})`);
    return true;
  }

  /** A row as a full simulation in the Simulator, with the request's method, path and headers. */
  private async openRequest(id: unknown): Promise<void> {
    const argument = typeof id === 'number' ? this.requests.simulatorArgument(id) : undefined;
    if (argument === undefined) {
      void vscode.window.showInformationMessage(
        'Auth Debugger: that request is no longer held (only the newest 200 are kept).',
      );
      return;
    }
    await vscode.commands.executeCommand('authDebugger.openSimulator', argument);
  }

  dispose(): void {
    const running = this.running;
    this.running = undefined;
    // Closing destroys every socket synchronously; the promise only reports when the servers are gone.
    if (running !== undefined) void running.gateway.close();
    this.statusBar?.dispose();
    this.statusBar = undefined;
    this.requests.clear();
  }
}
