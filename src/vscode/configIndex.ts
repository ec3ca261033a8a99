// Finds simulator configurations in the workspace (authdebug.yaml/json and infrastructure files) and keeps
// them current with FileSystemWatchers. Reading and interpreting each file is the core's job.
import * as vscode from 'vscode';
import { configFileTooLarge, MAX_CONFIG_FILE_BYTES } from '../core/fileLimits.ts';
import type { SimConfig } from '../core/config/model.ts';
import type {
  AuthorizerOption,
  ConfigOption,
  RouteOption,
  SimulatorConfigState,
} from '../shared/protocol.ts';
import { simulatorCore } from './lazyCore.ts';
import type { Log } from './log.ts';
import { readSettings } from './settings.ts';

export interface ConfigEntry {
  id: string;
  uri: vscode.Uri;
  label: string;
  kind: 'authdebug' | 'infrastructure';
  config: SimConfig | undefined;
  error: string | undefined;
  /** Traps and unresolved values the core noticed while reading. */
  warnings: string[];
}

// .aws-sam holds build copies of template.yaml; cdk.out's synthesized templates are real and stay in.
const EXCLUDE = '**/{node_modules,.git,.aws-sam}/**';
/** Upper bound of files looked at per glob. */
const MAX_FILES = 500;

/** Every usable configuration in the workspace, kept up to date. Starts scanning on first use only. */
export class ConfigIndex implements vscode.Disposable {
  private readonly entries = new Map<string, ConfigEntry>();
  private readonly emitter = new vscode.EventEmitter<void>();
  private watchers: vscode.Disposable[] = [];
  private trustListener: vscode.Disposable | undefined;
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  private started = false;
  private scanning = false;
  private scanRun = 0;
  private scanned: Promise<void> = Promise.resolve();

  /** Fires after the set of configurations, or one of them, changed. */
  readonly onDidChange = this.emitter.event;

  constructor(private readonly log: Log) {}

  /** Start watching and scanning (idempotent); the sidebar calls this when it first opens. */
  start(): void {
    if (this.started) return;
    this.started = true;
    // authDebugger.configFiles is restricted: a workspace's own globs count only once it is trusted.
    this.trustListener = vscode.workspace.onDidGrantWorkspaceTrust(() => this.restart());
    this.watch();
    this.scanned = this.scan();
  }

  /** Resolves when the latest scan has finished. */
  whenScanned(): Promise<void> {
    return this.scanned;
  }

  /** Watch again and rescan after the config globs changed. */
  restart(): void {
    if (!this.started) return;
    this.watch();
    this.scanned = this.scan();
  }

  /** Every configuration that loaded without errors (Sign In reads the pools they name). */
  loadedConfigs(): SimConfig[] {
    return [...this.entries.values()].flatMap((entry) => (entry.config ? [entry.config] : []));
  }

  /** One configuration by id. */
  get(id: string): ConfigEntry | undefined {
    return this.entries.get(id);
  }

  /** What the sidebar's pickers show. */
  state(): SimulatorConfigState {
    const configs: ConfigOption[] = [];
    const authorizers: AuthorizerOption[] = [];
    const routes: RouteOption[] = [];
    const sorted = [...this.entries.values()].sort((a, b) =>
      a.kind === b.kind ? a.label.localeCompare(b.label) : a.kind === 'authdebug' ? -1 : 1,
    );
    for (const entry of sorted) {
      configs.push({
        id: entry.id,
        label: entry.label,
        kind: entry.kind,
        error: entry.error,
        warnings: entry.warnings,
      });
      const config = entry.config;
      if (!config) continue;
      for (const authorizer of Object.values(config.authorizers)) {
        authorizers.push({ configId: entry.id, name: authorizer.name, type: authorizer.type });
      }
      config.routes.forEach((route, index) => {
        routes.push({
          id: `${entry.id}#${index}`,
          configId: entry.id,
          route: route.route,
          method: route.method,
          path: route.path,
          api: route.api,
          authorizer: route.authorizer,
          authorizerType: route.authorizerType,
          scopes: route.scopes,
          line: route.source?.line,
        });
      });
    }
    return { configs, authorizers, routes, scanning: this.scanning };
  }

  /** Scan every configured glob from scratch. */
  async scan(): Promise<void> {
    const run = ++this.scanRun;
    this.scanning = true;
    this.emitter.fire();
    const started = Date.now();
    const found = new Map<string, vscode.Uri>();
    for (const glob of readSettings().configFiles) {
      try {
        for (const uri of await vscode.workspace.findFiles(glob, EXCLUDE, MAX_FILES))
          found.set(uri.toString(), uri);
      } catch (error) {
        this.log.warn(
          `Config glob ${glob} failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    const loaded = await Promise.all([...found.values()].map((uri) => this.load(uri)));
    if (run !== this.scanRun) return;
    this.entries.clear();
    for (const entry of loaded) if (entry) this.entries.set(entry.id, entry);
    this.scanning = false;
    this.log.info(
      `Found ${this.entries.size} simulator configuration(s) in ${found.size} candidate file(s) in ${Date.now() - started} ms`,
    );
    this.emitter.fire();
  }

  private watch(): void {
    for (const watcher of this.watchers) watcher.dispose();
    this.watchers = [];
    for (const glob of readSettings().configFiles) {
      const watcher = vscode.workspace.createFileSystemWatcher(glob);
      this.watchers.push(
        watcher,
        watcher.onDidCreate((uri) => this.schedule(uri)),
        watcher.onDidChange((uri) => this.schedule(uri)),
        watcher.onDidDelete((uri) => this.schedule(uri)),
      );
    }
  }

  /** Debounced reload of one file (editors save in bursts). */
  private schedule(uri: vscode.Uri): void {
    if (/[\\/](node_modules|\.git)[\\/]/.test(uri.path)) return;
    const id = uri.toString();
    clearTimeout(this.pending.get(id));
    this.pending.set(
      id,
      setTimeout(() => {
        this.pending.delete(id);
        void this.reload(uri);
      }, 200),
    );
  }

  private async reload(uri: vscode.Uri): Promise<void> {
    const entry = await this.load(uri);
    if (entry) this.entries.set(entry.id, entry);
    else this.entries.delete(uri.toString());
    this.emitter.fire();
  }

  /** Read one file; undefined when it is gone or not a configuration (an oversized authdebug file says so). */
  private async load(uri: vscode.Uri): Promise<ConfigEntry | undefined> {
    let bytes: Uint8Array;
    let size: number;
    try {
      size = (await vscode.workspace.fs.stat(uri)).size;
      bytes = size > MAX_CONFIG_FILE_BYTES ? new Uint8Array() : await vscode.workspace.fs.readFile(uri);
    } catch {
      return undefined;
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return undefined;
    }
    const label = vscode.workspace.asRelativePath(
      uri,
      vscode.workspace.workspaceFolders !== undefined && vscode.workspace.workspaceFolders.length > 1,
    );
    const { isAuthdebugFile, loadConfig, looksLikeInfrastructure } = await simulatorCore();
    const kind = isAuthdebugFile(uri.path) ? 'authdebug' : 'infrastructure';
    const id = uri.toString();
    const tooLarge = configFileTooLarge(label, size);
    if (tooLarge) {
      // An oversized authdebug file is listed with the reason; any other big YAML/JSON is simply not a template here.
      this.log.info(`Not reading ${label}: ${tooLarge}`);
      return kind === 'authdebug'
        ? { id, uri, label, kind, config: undefined, error: tooLarge, warnings: [] }
        : undefined;
    }
    try {
      // Any YAML/JSON file matches the globs; only those the core recognises as infrastructure are listed.
      if (kind === 'infrastructure' && !looksLikeInfrastructure(text)) return undefined;
      const result = loadConfig(label, text);
      if (!result.ok)
        return { id, uri, label, kind, config: undefined, error: result.errors.join('\n'), warnings: [] };
      const warnings = result.warnings.map((w) => w.message);
      return { id, uri, label, kind, config: result.config, error: undefined, warnings };
    } catch (error) {
      this.log.error(`Reading ${label} failed`, error);
      return { id, uri, label, kind, config: undefined, error: `${label}: could not be read`, warnings: [] };
    }
  }

  dispose(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    for (const watcher of this.watchers) watcher.dispose();
    this.trustListener?.dispose();
    this.emitter.dispose();
  }
}
