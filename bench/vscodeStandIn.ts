// A minimal stand-in for the `vscode` module: enough API for activate() and the hover provider to run
// outside VS Code. Calls are recorded, not acted on; anything not modelled is counted in `standIn.missing`.

/** What the extension did to the stand-in, for the benchmark's report. */
export const standIn = {
  commands: [] as string[],
  hoverProviders: 0,
  webviewViewProviders: [] as string[],
  treeViews: [] as string[],
  codeActionProviders: 0,
  diagnosticCollections: [] as string[],
  outputChannels: [] as string[],
  watchers: [] as string[],
  configurationReads: 0,
  /** API members the extension touched that this stand-in does not model (they behave as no-ops). */
  missing: new Set<string>(),
  /** Values `getConfiguration('authDebugger')` returns; unset keys fall back to the caller's default. */
  settings: {} as Record<string, unknown>,
};

export class Disposable {
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => {
      for (const item of items) item.dispose();
    });
  }
  constructor(private readonly callOnDispose: () => unknown) {}
  dispose(): void {
    this.callOnDispose();
  }
}

const noopDisposable = (): Disposable => new Disposable(() => undefined);

type Listener<T> = (event: T) => unknown;

export class EventEmitter<T> {
  private listeners: Listener<T>[] = [];
  readonly event = (listener: Listener<T>): Disposable => {
    this.listeners.push(listener);
    return new Disposable(() => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    });
  };
  fire(event: T): void {
    for (const listener of this.listeners) listener(event);
  }
  dispose(): void {
    this.listeners = [];
  }
}

/** An event nobody fires: registering returns a Disposable. */
const never = (): Disposable => noopDisposable();

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly authority: string,
    readonly path: string,
    readonly query: string,
    readonly fragment: string,
  ) {}
  static file(path: string): Uri {
    return new Uri('file', '', path, '', '');
  }
  static from(components: {
    scheme: string;
    authority?: string;
    path?: string;
    query?: string;
    fragment?: string;
  }): Uri {
    return new Uri(
      components.scheme,
      components.authority ?? '',
      components.path ?? '',
      components.query ?? '',
      components.fragment ?? '',
    );
  }
  static parse(value: string): Uri {
    const url = new URL(value);
    return new Uri(
      url.protocol.replace(/:$/, ''),
      url.host,
      url.pathname,
      url.search.slice(1),
      url.hash.slice(1),
    );
  }
  static joinPath(base: Uri, ...segments: string[]): Uri {
    return new Uri(
      base.scheme,
      base.authority,
      [base.path, ...segments].join('/').replace(/\/+/g, '/'),
      '',
      '',
    );
  }
  get fsPath(): string {
    return this.path;
  }
  with(change: { scheme?: string; path?: string; query?: string; fragment?: string }): Uri {
    return new Uri(
      change.scheme ?? this.scheme,
      this.authority,
      change.path ?? this.path,
      change.query ?? this.query,
      change.fragment ?? this.fragment,
    );
  }
  toString(): string {
    return `${this.scheme}://${this.authority}${this.path}${this.query ? `?${this.query}` : ''}`;
  }
  toJSON(): unknown {
    return { scheme: this.scheme, path: this.path };
  }
}

export class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
}

export class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(
    startLine: number | Position,
    startCharacter: number | Position,
    endLine?: number,
    endCharacter?: number,
  ) {
    if (startLine instanceof Position && startCharacter instanceof Position) {
      this.start = startLine;
      this.end = startCharacter;
    } else {
      this.start = new Position(startLine as number, startCharacter as number);
      this.end = new Position(endLine ?? 0, endCharacter ?? 0);
    }
  }
}

export class Selection extends Range {}

/** VS Code's MarkdownString, with the same escaping in appendText (src/vs/base/common/htmlContent.ts). */
export class MarkdownString {
  value: string;
  isTrusted: boolean | { enabledCommands: readonly string[] } | undefined;
  supportHtml = false;
  supportThemeIcons: boolean;
  baseUri: Uri | undefined;
  constructor(value = '', supportThemeIcons = false) {
    this.value = value;
    this.supportThemeIcons = supportThemeIcons;
  }
  appendText(value: string): MarkdownString {
    const escaped = this.supportThemeIcons ? value.replace(/\$\([a-z.\-~]*\)/gi, '\\$&') : value;
    this.value += escaped
      .replace(/[\\`*_{}[\]()#+\-!~]/g, '\\$&')
      .replace(/([ \t]+)/g, (_m, g1: string) => '&nbsp;'.repeat(g1.length))
      .replace(/>/gm, '\\>')
      .replace(/\n/g, '\n\n');
    return this;
  }
  appendMarkdown(value: string): MarkdownString {
    this.value += value;
    return this;
  }
  appendCodeblock(code: string, language = ''): MarkdownString {
    this.value += `\n\`\`\`${language}\n${code}\n\`\`\`\n`;
    return this;
  }
}

export class Hover {
  constructor(
    readonly contents: MarkdownString | MarkdownString[],
    readonly range?: Range,
  ) {}
}

export class ThemeIcon {
  constructor(readonly id: string) {}
}

/** Code action kinds: the quick-fix provider's metadata reads QuickFix when the module loads. */
export class CodeActionKind {
  static readonly QuickFix = new CodeActionKind('quickfix');
  constructor(readonly value: string) {}
}

export enum DiagnosticSeverity {
  Error = 0,
  Warning = 1,
  Information = 2,
  Hint = 3,
}

export enum TreeItemCollapsibleState {
  None = 0,
  Collapsed = 1,
  Expanded = 2,
}

export enum ProgressLocation {
  SourceControl = 1,
  Window = 10,
  Notification = 15,
}

export enum ViewColumn {
  Active = -1,
  Beside = -2,
  One = 1,
  Two = 2,
}

export enum ConfigurationTarget {
  Global = 1,
  Workspace = 2,
  WorkspaceFolder = 3,
}

export enum LogLevel {
  Off = 0,
  Trace = 1,
  Debug = 2,
  Info = 3,
  Warning = 4,
  Error = 5,
}

/** A LogOutputChannel that keeps its lines in memory. */
class OutputChannel {
  readonly lines: string[] = [];
  readonly logLevel = LogLevel.Info;
  readonly onDidChangeLogLevel = never;
  constructor(readonly name: string) {}
  private add(level: string, message: string): void {
    if (this.lines.length < 1000) this.lines.push(`[${level}] ${message}`);
  }
  trace(message: string): void {
    this.add('trace', message);
  }
  debug(message: string): void {
    this.add('debug', message);
  }
  info(message: string): void {
    this.add('info', message);
  }
  warn(message: string): void {
    this.add('warn', message);
  }
  error(message: string | Error): void {
    this.add('error', String(message));
  }
  append(value: string): void {
    this.add('append', value);
  }
  appendLine(value: string): void {
    this.add('line', value);
  }
  replace(value: string): void {
    this.add('replace', value);
  }
  clear(): void {
    this.lines.length = 0;
  }
  show(): void {}
  hide(): void {}
  dispose(): void {}
}

/** Wraps a namespace so members it lacks are recorded and act as no-ops returning a Disposable. */
function recorded<T extends object>(name: string, target: T): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      if (typeof property === 'symbol' || property in object) return Reflect.get(object, property, receiver);
      standIn.missing.add(`${name}.${property}`);
      return () => noopDisposable();
    },
  });
}

export const commands = recorded('commands', {
  registerCommand(id: string, _callback: (...args: unknown[]) => unknown): Disposable {
    standIn.commands.push(id);
    return noopDisposable();
  },
  executeCommand(_id: string, ..._args: unknown[]): Promise<unknown> {
    return Promise.resolve(undefined);
  },
});

export const languages = recorded('languages', {
  registerHoverProvider(_selector: unknown, _provider: unknown): Disposable {
    standIn.hoverProviders++;
    return noopDisposable();
  },
  registerCodeActionsProvider(_selector: unknown, _provider: unknown, _metadata?: unknown): Disposable {
    standIn.codeActionProviders++;
    return noopDisposable();
  },
  createDiagnosticCollection(name?: string): {
    set(): void;
    delete(): void;
    clear(): void;
    dispose(): void;
  } {
    standIn.diagnosticCollections.push(name ?? '');
    return {
      set: () => undefined,
      delete: () => undefined,
      clear: () => undefined,
      dispose: () => undefined,
    };
  },
});

export const window = recorded('window', {
  createOutputChannel(name: string, _options?: unknown): OutputChannel {
    standIn.outputChannels.push(name);
    return new OutputChannel(name);
  },
  registerWebviewViewProvider(viewId: string, _provider: unknown, _options?: unknown): Disposable {
    standIn.webviewViewProviders.push(viewId);
    return noopDisposable();
  },
  createTreeView(viewId: string, _options: unknown): Disposable {
    standIn.treeViews.push(viewId);
    return noopDisposable();
  },
  showInformationMessage(..._args: unknown[]): Promise<undefined> {
    return Promise.resolve(undefined);
  },
  showWarningMessage(..._args: unknown[]): Promise<undefined> {
    return Promise.resolve(undefined);
  },
  showErrorMessage(..._args: unknown[]): Promise<undefined> {
    return Promise.resolve(undefined);
  },
  showInputBox(_options?: unknown): Promise<string | undefined> {
    return Promise.resolve(undefined);
  },
  activeTextEditor: undefined,
  onDidChangeActiveTextEditor: never,
});

const configuration = {
  get<T>(key: string, fallback?: T): T | undefined {
    standIn.configurationReads++;
    return Object.hasOwn(standIn.settings, key) ? (standIn.settings[key] as T) : fallback;
  },
  has(key: string): boolean {
    return Object.hasOwn(standIn.settings, key);
  },
  inspect(): undefined {
    return undefined;
  },
  update(): Promise<void> {
    return Promise.resolve();
  },
};

export const workspace = recorded('workspace', {
  isTrusted: true,
  workspaceFolders: undefined as { uri: Uri; name: string; index: number }[] | undefined,
  textDocuments: [] as unknown[],
  getConfiguration(_section?: string): typeof configuration {
    return configuration;
  },
  onDidChangeConfiguration: never,
  onDidGrantWorkspaceTrust: never,
  onDidOpenTextDocument: never,
  onDidCloseTextDocument: never,
  onDidChangeTextDocument: never,
  onDidSaveTextDocument: never,
  onDidChangeWorkspaceFolders: never,
  createFileSystemWatcher(glob: string): {
    onDidCreate: typeof never;
    onDidChange: typeof never;
    onDidDelete: typeof never;
    dispose(): void;
  } {
    standIn.watchers.push(glob);
    return { onDidCreate: never, onDidChange: never, onDidDelete: never, dispose: () => undefined };
  },
  findFiles(): Promise<Uri[]> {
    return Promise.resolve([]);
  },
  asRelativePath(path: string | Uri): string {
    return typeof path === 'string' ? path : path.path;
  },
  fs: {
    stat: (): Promise<never> => Promise.reject(new Error('stand-in: no file system')),
    readFile: (): Promise<never> => Promise.reject(new Error('stand-in: no file system')),
    writeFile: (): Promise<void> => Promise.resolve(),
  },
});

export const env = recorded('env', {
  clipboard: {
    readText: (): Promise<string> => Promise.resolve(''),
    writeText: (): Promise<void> => Promise.resolve(),
  },
  language: 'en',
  appName: 'stand-in',
  uiKind: 1,
});

/** A minimal ExtensionContext for activate(). */
export function extensionContext(extensionPath: string): {
  subscriptions: { dispose(): unknown }[];
  extensionUri: Uri;
  extensionPath: string;
  secrets: {
    get(key: string): Promise<string | undefined>;
    store(key: string, value: string): Promise<void>;
    delete(key: string): Promise<void>;
    onDidChange: typeof never;
  };
  globalState: { get(key: string): undefined; update(): Promise<void>; keys(): string[] };
  workspaceState: { get(key: string): undefined; update(): Promise<void>; keys(): string[] };
  asAbsolutePath(relative: string): string;
} {
  const secrets = new Map<string, string>();
  const memento = {
    get: (): undefined => undefined,
    update: (): Promise<void> => Promise.resolve(),
    keys: (): string[] => [],
  };
  return {
    subscriptions: [],
    extensionUri: Uri.file(extensionPath),
    extensionPath,
    secrets: {
      get: (key) => Promise.resolve(secrets.get(key)),
      store: (key, value) => {
        secrets.set(key, value);
        return Promise.resolve();
      },
      delete: (key) => {
        secrets.delete(key);
        return Promise.resolve();
      },
      onDidChange: never,
    },
    globalState: memento,
    workspaceState: memento,
    asAbsolutePath: (relative) => `${extensionPath}/${relative}`,
  };
}
