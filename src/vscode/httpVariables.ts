// `.http` documents parsed once per version, with the variables they can see: REST Client's
// `rest-client.environmentVariables`, JetBrains' http-client(.private).env.json (next to the file or in a parent
// folder of the workspace), the `.env` next to the file, and the process environment in a trusted workspace only.
// The hover and the Decode/Simulate links ask here for the token a `{{reference}}` stands for.
import * as vscode from 'vscode';
import type { EnvironmentSet, HttpEnvironment } from '../core/httpFile/environments.ts';
import {
  MAX_ENV_FILE_CHARS,
  jetBrainsEnvironments,
  parseDotenv,
  restClientEnvironments,
} from '../core/httpFile/environments.ts';
import type { HttpFile } from '../core/httpFile/parse.ts';
import { parseHttpFile, variableAtLine } from '../core/httpFile/parse.ts';
import type { HttpVariableContext, ReferenceResolution } from '../core/httpFile/variables.ts';
import { HttpVariableResolver, describeResolution, referenceSpans } from '../core/httpFile/variables.ts';
import type { Log } from './log.ts';
import type { LocatedToken } from './tokenLocator.ts';

/** Where the `.http` features run: the `http` language (REST Client) and `.http` / `.rest` files. */
export const HTTP_SELECTOR: vscode.DocumentSelector = [
  { language: 'http' },
  { scheme: 'file', pattern: '**/*.{http,rest}' },
  { scheme: 'untitled', language: 'http' },
];

/** Documents larger than this get no CodeLens, diagnostics or reference hovers (the parser is linear, but runs often). */
export const MAX_HTTP_DOCUMENT_CHARS = 2 * 1024 * 1024;
/** Parent folders searched for http-client.env.json, up to the workspace folder. */
const MAX_ENV_FOLDER_DEPTH = 8;
/** The part of a line around the cursor looked at for `{{...}}` (a reference is a few dozen characters). */
const LINE_WINDOW = 4096;

export interface HttpSettings {
  /** Base URL (or `{{host}}` prefix) -> API id. */
  baseUrls: Record<string, string>;
  /** The environment to resolve with; empty = the only one when there is one, else none. */
  environment: string;
  codeLens: boolean;
}

/** The `authDebugger.http.*` settings, validated (a bad value falls back to its default). */
export function readHttpSettings(): HttpSettings {
  const config = vscode.workspace.getConfiguration('authDebugger');
  const raw = config.get<unknown>('http.baseUrls');
  const baseUrls: Record<string, string> = {};
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
      if (typeof value === 'string' && value.trim() !== '' && key.trim() !== '')
        Object.defineProperty(baseUrls, key.trim(), {
          value: value.trim(),
          enumerable: true,
          writable: true,
        });
    }
  }
  const environment = config.get<unknown>('http.environment');
  return {
    baseUrls,
    environment: typeof environment === 'string' ? environment.trim() : '',
    codeLens: config.get<boolean>('http.codeLens', true),
  };
}

/** Whether a document is a `.http` request file. */
export function isHttpDocument(document: vscode.TextDocument): boolean {
  return document.languageId === 'http' || /\.(?:http|rest)$/i.test(document.uri.path);
}

/** One parsed document with the resolver of its variables. */
export interface HttpDocumentState {
  uri: string;
  version: number;
  file: HttpFile;
  resolver: HttpVariableResolver;
  /** The environment in use and where it came from, for messages. */
  environment: string | undefined;
  problems: string[];
}

/** What the hover shows for a reference: the token it stands for, or why there is none. */
export type ReferenceTarget =
  | { kind: 'token'; located: LocatedToken; origin: string }
  | { kind: 'note'; start: number; end: number; text: string };

async function readSmallFile(uri: vscode.Uri): Promise<string | undefined> {
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.size > MAX_ENV_FILE_CHARS) return undefined;
    return new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}

/** The bare compact token of a value ("Bearer eyJ..." or "eyJ..."), or undefined. */
export function tokenOfValue(value: string): { token: string; scheme: string | undefined } | undefined {
  const trimmed = value.trim();
  const bearer = /^bearer\s+/i.exec(trimmed);
  const token = bearer ? trimmed.slice(bearer[0].length).trim() : trimmed;
  if (!token.startsWith('eyJ') || /\s/.test(token)) return undefined;
  const segments = token.split('.').length;
  if (segments !== 3 && segments !== 5) return undefined;
  return { token, scheme: bearer ? 'Bearer' : undefined };
}

/** Parses `.http` documents and resolves their variables; states are cached per document version. */
export class HttpVariables implements vscode.Disposable {
  private readonly states = new Map<
    string,
    {
      version: number;
      generation: number;
      state?: HttpDocumentState;
      pending: Promise<HttpDocumentState | undefined>;
    }
  >();
  private readonly emitter = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [];
  private generation = 0;

  /** Fires when environments or settings changed: every state is rebuilt on next use. */
  readonly onDidChange = this.emitter.event;

  constructor(private readonly log: Log) {
    const watcher = vscode.workspace.createFileSystemWatcher(
      '**/{http-client.env.json,http-client.private.env.json,.env}',
    );
    const invalidate = (): void => this.invalidate();
    this.disposables.push(
      watcher,
      watcher.onDidCreate(invalidate),
      watcher.onDidChange(invalidate),
      watcher.onDidDelete(invalidate),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (
          event.affectsConfiguration('rest-client.environmentVariables') ||
          event.affectsConfiguration('authDebugger.http')
        )
          this.invalidate();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(invalidate),
      vscode.workspace.onDidCloseTextDocument((document) => this.states.delete(document.uri.toString())),
    );
  }

  private invalidate(): void {
    this.generation++;
    this.emitter.fire();
  }

  /** The parsed document and its resolver (undefined for a document that is not `.http` or is too large). */
  stateOf(document: vscode.TextDocument): Promise<HttpDocumentState | undefined> {
    if (!isHttpDocument(document) || document.getText().length > MAX_HTTP_DOCUMENT_CHARS)
      return Promise.resolve(undefined);
    const key = document.uri.toString();
    const cached = this.states.get(key);
    if (cached && cached.version === document.version && cached.generation === this.generation)
      return cached.pending;
    const entry: {
      version: number;
      generation: number;
      state?: HttpDocumentState;
      pending: Promise<HttpDocumentState | undefined>;
    } = {
      version: document.version,
      generation: this.generation,
      pending: Promise.resolve(undefined),
    };
    entry.pending = this.build(document).then(
      (state) => {
        entry.state = state;
        return state;
      },
      (error: unknown) => {
        this.log.error('Reading the .http variables failed', error);
        return undefined;
      },
    );
    this.states.set(key, entry);
    return entry.pending;
  }

  /** The state already built for this version of the document, without waiting (the Decode/Simulate links). */
  settledStateOf(document: vscode.TextDocument): HttpDocumentState | undefined {
    const cached = this.states.get(document.uri.toString());
    return cached && cached.version === document.version && cached.generation === this.generation
      ? cached.state
      : undefined;
  }

  private async build(document: vscode.TextDocument): Promise<HttpDocumentState> {
    const file = parseHttpFile(document.getText());
    const settings = readHttpSettings();
    const problems: string[] = [];
    const context: HttpVariableContext = {};
    const environment = await this.environmentFor(document, settings.environment, problems);
    if (environment) context.environment = environment;
    if (document.uri.scheme === 'file') {
      const dotenvUri = vscode.Uri.joinPath(document.uri, '..', '.env');
      const dotenv = await readSmallFile(dotenvUri);
      if (dotenv !== undefined)
        context.dotenv = { file: vscode.workspace.asRelativePath(dotenvUri), values: parseDotenv(dotenv) };
    }
    // {{$processEnv}} reads this process's environment: a file from an untrusted workspace must not copy secrets
    // into a hover, a diagnostic or a simulated header.
    if (vscode.workspace.isTrusted) context.processEnv = (name) => process.env[name];
    return {
      uri: document.uri.toString(),
      version: document.version,
      file,
      resolver: new HttpVariableResolver(file, context),
      environment: environment?.name,
      problems,
    };
  }

  /** JetBrains env files near the document, else REST Client's setting; the environment the settings name. */
  private async environmentFor(
    document: vscode.TextDocument,
    wanted: string,
    problems: string[],
  ): Promise<HttpEnvironment | undefined> {
    let set: EnvironmentSet | undefined;
    if (document.uri.scheme === 'file') {
      const root = vscode.workspace.getWorkspaceFolder(document.uri)?.uri.toString();
      let folder = vscode.Uri.joinPath(document.uri, '..');
      for (let depth = 0; depth < MAX_ENV_FOLDER_DEPTH; depth++) {
        const publicText = await readSmallFile(vscode.Uri.joinPath(folder, 'http-client.env.json'));
        const privateText = await readSmallFile(vscode.Uri.joinPath(folder, 'http-client.private.env.json'));
        if (publicText !== undefined || privateText !== undefined) {
          set = jetBrainsEnvironments(publicText, privateText);
          break;
        }
        if (root === undefined || folder.toString() === root) break;
        const parent = vscode.Uri.joinPath(folder, '..');
        if (parent.toString() === folder.toString()) break;
        folder = parent;
      }
    }
    set ??= restClientEnvironments(
      vscode.workspace.getConfiguration('rest-client', document.uri).get<unknown>('environmentVariables'),
    );
    problems.push(...set.problems);
    const name = wanted !== '' ? wanted : set.names.length === 1 ? (set.names[0] ?? '') : '';
    if (name === '') return set.format === 'rest-client' ? set.select('') : undefined;
    const selected = set.select(name);
    if (!selected)
      problems.push(`environment ${name} is not defined (known: ${set.names.join(', ') || 'none'})`);
    return selected;
  }

  /**
   * What a position stands for: inside `{{name}}`, or on the name of a `@name = value` definition. Reads only a
   * window of the line. Undefined when the position is on neither, or the value is not a token (not ours to show).
   */
  targetAt(
    state: HttpDocumentState,
    lineText: string,
    line: number,
    character: number,
  ): ReferenceTarget | undefined {
    const windowStart = Math.max(0, character - LINE_WINDOW);
    const window = lineText.slice(windowStart, Math.min(lineText.length, character + LINE_WINDOW));
    const at = character - windowStart;
    const span = referenceSpans(window).find((s) => s.start <= at && at < s.end);
    let expression: string | undefined;
    let start = 0;
    let end = 0;
    if (span) {
      expression = span.expression;
      start = windowStart + span.start;
      end = windowStart + span.end;
    } else {
      const variable = variableAtLine(state.file, line);
      if (
        !variable ||
        character < variable.nameColumn - 1 ||
        character > variable.nameColumn + variable.name.length
      )
        return undefined;
      expression = variable.name;
      start = variable.nameColumn - 1;
      end = variable.nameColumn + variable.name.length;
    }
    const resolution = state.resolver.resolve(expression);
    return targetOf(resolution, lineText, start, end);
  }

  /** The hover's lookup: what the position stands for, after the document's variables are read. */
  async hoverTarget(
    document: vscode.TextDocument,
    position: vscode.Position,
  ): Promise<ReferenceTarget | undefined> {
    const state = await this.stateOf(document);
    if (!state || state.version !== document.version) return undefined;
    return this.targetAt(state, document.lineAt(position.line).text, position.line, position.character);
  }

  /** The same without waiting (a hover already read the variables): the Decode and Simulate links' token. */
  referencedToken(document: vscode.TextDocument, line: number, character: number): LocatedToken | undefined {
    const state = this.settledStateOf(document);
    if (!state || line >= document.lineCount) return undefined;
    const target = this.targetAt(state, document.lineAt(line).text, line, character);
    return target?.kind === 'token' ? target.located : undefined;
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
    this.emitter.dispose();
    this.states.clear();
  }
}

// The header a reference is the value of: `Authorization: Bearer {{token}}`.
const HEADER_BEFORE = /^\s*(authorization|x-amzn-oidc-data|x-amzn-oidc-accesstoken)\s*:\s*(?:(bearer)\s+)?$/i;

function targetOf(
  resolution: ReferenceResolution,
  lineText: string,
  start: number,
  end: number,
): ReferenceTarget | undefined {
  if (resolution.status !== 'resolved') {
    return { kind: 'note', start, end, text: describeResolution(resolution) };
  }
  const token = tokenOfValue(resolution.value);
  if (!token) return undefined;
  const before = start <= 200 ? HEADER_BEFORE.exec(lineText.slice(0, start)) : null;
  return {
    kind: 'token',
    located: {
      token: token.token,
      start,
      end,
      header: before?.[1]?.toLowerCase(),
      scheme: token.scheme ?? (before?.[2] === undefined ? undefined : 'Bearer'),
    },
    origin: describeResolution(resolution),
  };
}
