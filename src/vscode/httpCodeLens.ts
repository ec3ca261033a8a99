// The predicted status above each request of a `.http` file ("→ 401: access token on a route without scopes"),
// diagnostics on Authorization headers whose `{{variable}}` fails or is refused, the "use the ID token variable
// instead" quick fix, and "Simulate All Requests in File". Predictions use cache-only keys: a CodeLens never
// waits on the network (the command, like the sidebar's Simulate button, may fetch in a trusted workspace).
import * as vscode from 'vscode';
import { tokenVerdict } from '../core/explain/verdict.ts';
import type {
  HttpPrediction,
  HttpOutcomeRow,
  HttpTargetConfig,
  SkippedRequest,
} from '../core/httpFile/predict.ts';
import { outcomeRow, planFile, predict } from '../core/httpFile/predict.ts';
import { describeResolution, referenceSpans } from '../core/httpFile/variables.ts';
import { redactText } from '../core/redact.ts';
import { decodeToken, decodedReport } from '../core/verify/inspect.ts';
import type { ConfigIndex } from './configIndex.ts';
import { HTTP_SELECTOR, isHttpDocument, readHttpSettings, tokenOfValue } from './httpVariables.ts';
import type { HttpDocumentState, HttpVariables } from './httpVariables.ts';
import { keyAccess } from './keyAccess.ts';
import type { KeyService } from './keyService.ts';
import { simulatorCore } from './lazyCore.ts';
import type { Log } from './log.ts';
import { readSettings } from './settings.ts';
import { nowSeconds } from './verification.ts';

export const SIMULATE_HTTP_FILE_COMMAND = 'authDebugger.simulateHttpFile';
const DIAGNOSTIC_SOURCE = 'Auth Debugger';
/** Diagnostic code of a refused token kind; the quick fix is offered on it. */
const WRONG_TOKEN_KIND = 'http-token-kind';

/** The argument the CodeLens gives `authDebugger.openSimulator` (H1's simulator reads token, method and path). */
export interface HttpSimulatorArgument {
  token: string;
  method: string;
  path: string;
  headers: { name: string; value: string }[];
  configId: string;
}

type Outcome = HttpPrediction | SkippedRequest;

interface DocumentPredictions {
  version: number;
  generation: number;
  outcomes: Promise<Outcome[]>;
}

/** What the lenses, diagnostics and quick fixes of one document are computed from. */
export class HttpPredictions
  implements vscode.CodeLensProvider, vscode.CodeActionProvider, vscode.Disposable
{
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
  };

  private readonly emitter = new vscode.EventEmitter<void>();
  private readonly cache = new Map<string, DocumentPredictions>();
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('authDebugger.http');
  private readonly disposables: vscode.Disposable[] = [];
  private generation = 0;
  /** Configuration ids of the last targets, for the simulator argument. */
  private idsByTarget = new Map<HttpTargetConfig, string>();

  readonly onDidChangeCodeLenses = this.emitter.event;

  constructor(
    private readonly variables: HttpVariables,
    private readonly configs: ConfigIndex,
    private readonly keys: KeyService,
    private readonly log: Log,
  ) {
    const refresh = (): void => this.refresh();
    this.disposables.push(
      this.diagnostics,
      variables.onDidChange(refresh),
      configs.onDidChange(refresh),
      vscode.workspace.onDidGrantWorkspaceTrust(refresh),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('authDebugger')) refresh();
      }),
      vscode.workspace.onDidCloseTextDocument((document) => {
        this.cache.delete(document.uri.toString());
        this.diagnostics.delete(document.uri);
      }),
    );
  }

  /** Everything is computed again (configurations, environments or keys changed). */
  refresh(): void {
    this.generation++;
    this.emitter.fire();
  }

  /** The simulator's configurations, labelled as the sidebar labels them. */
  private async targets(): Promise<{ targets: HttpTargetConfig[]; ids: Map<HttpTargetConfig, string> }> {
    this.configs.start();
    await this.configs.whenScanned();
    const targets: HttpTargetConfig[] = [];
    const ids = new Map<HttpTargetConfig, string>();
    for (const option of this.configs.state().configs) {
      const entry = this.configs.get(option.id);
      if (!entry?.config) continue;
      const target = { label: entry.label, config: entry.config };
      targets.push(target);
      ids.set(target, entry.id);
    }
    return { targets, ids };
  }

  /** The outcome of every request (memoized per document version), with keys from `network` or the cache. */
  async outcomes(document: vscode.TextDocument, network = false): Promise<Outcome[]> {
    const key = document.uri.toString();
    const cached = this.cache.get(key);
    if (!network && cached && cached.version === document.version && cached.generation === this.generation)
      return cached.outcomes;
    const outcomes = this.compute(document, network);
    if (!network) this.cache.set(key, { version: document.version, generation: this.generation, outcomes });
    return outcomes;
  }

  private async compute(document: vscode.TextDocument, network: boolean): Promise<Outcome[]> {
    const state = await this.variables.stateOf(document);
    if (!state) return [];
    const { targets, ids } = await this.targets();
    this.idsByTarget = ids;
    const plans = planFile(state.file, state.resolver, targets, readHttpSettings().baseUrls);
    if (plans.every((plan) => plan.kind === 'skipped')) {
      this.publishDiagnostics(document, state, plans);
      return plans;
    }
    const core = await simulatorCore();
    // A CodeLens reads keys from the cache only, even in a trusted workspace (the hover's rule).
    const access = keyAccess(network ? 'verify' : 'hover', vscode.workspace.isTrusted);
    const deps = { keys: this.keys.providerFor(access) };
    const options = { now: nowSeconds(), keyUrls: { byIssuer: readSettings().jwksUrls } };
    const outcomes: Outcome[] = [];
    for (const plan of plans) {
      if (plan.kind === 'skipped') {
        outcomes.push(plan);
        continue;
      }
      try {
        outcomes.push(await predict(plan, state.resolver, core.simulate, options, deps));
      } catch (error) {
        this.log.error(`Simulating the request on line ${plan.request.requestLine + 1} failed`, error);
      }
    }
    this.publishDiagnostics(document, state, outcomes);
    return outcomes;
  }

  async provideCodeLenses(
    document: vscode.TextDocument,
    cancel: vscode.CancellationToken,
  ): Promise<vscode.CodeLens[]> {
    if (!readHttpSettings().codeLens || !isHttpDocument(document)) return [];
    const outcomes = await this.outcomes(document);
    if (cancel.isCancellationRequested) return [];
    const lenses: vscode.CodeLens[] = [];
    for (const outcome of outcomes) {
      const range = new vscode.Range(
        outcome.kind === 'skipped' ? outcome.request.requestLine : outcome.plan.request.requestLine,
        0,
        outcome.kind === 'skipped' ? outcome.request.requestLine : outcome.plan.request.requestLine,
        0,
      );
      if (outcome.kind === 'skipped') {
        // Only requests that reach a route, or would with a value the file cannot know yet, get a lens.
        if (outcome.skip !== 'token-pending' && outcome.skip !== 'ambiguous') continue;
        lenses.push(
          new vscode.CodeLens(range, {
            title: `→ ? ${outcome.reason}`,
            command: '',
          }),
        );
        continue;
      }
      const argument = this.simulatorArgument(outcome);
      lenses.push(
        new vscode.CodeLens(range, {
          title: outcome.label,
          tooltip: `${outcome.plan.route} in ${outcome.plan.target.label}: ${outcome.reason}. Click to open the full simulation.`,
          command: 'authDebugger.openSimulator',
          arguments: [argument],
        }),
      );
    }
    return lenses;
  }

  private simulatorArgument(outcome: HttpPrediction): HttpSimulatorArgument {
    const plan = outcome.plan;
    const authorization = plan.token === undefined ? undefined : tokenOfValue(plan.token);
    return {
      token: authorization?.token ?? plan.token ?? '',
      method: plan.method,
      path: plan.path,
      headers: plan.headers,
      configId: this.idsByTarget.get(plan.target) ?? '',
    };
  }

  /** Diagnostics on Authorization headers: a refused token kind (with the quick fix), a failing token, no value. */
  private publishDiagnostics(
    document: vscode.TextDocument,
    state: HttpDocumentState,
    outcomes: Outcome[],
  ): void {
    const found: vscode.Diagnostic[] = [];
    const now = nowSeconds();
    for (const request of state.file.requests.slice(0, 500)) {
      for (const header of request.headers) {
        if (header.name.toLowerCase() !== 'authorization') continue;
        for (const span of referenceSpans(header.value, 4)) {
          const range = new vscode.Range(
            header.line,
            header.valueColumn + span.start,
            header.line,
            header.valueColumn + span.end,
          );
          const resolution = state.resolver.resolve(span.expression);
          if (resolution.status === 'unresolved') {
            found.push(
              diagnostic(
                range,
                `{{${span.expression}}}: ${describeResolution(resolution)}`,
                vscode.DiagnosticSeverity.Warning,
              ),
            );
            continue;
          }
          if (resolution.status !== 'resolved') continue;
          const token = tokenOfValue(resolution.value);
          if (!token) continue;
          const verdict = tokenVerdict(decodedReport(decodeToken(token.token), now));
          if (verdict.status === 'invalid')
            found.push(
              diagnostic(
                range,
                `{{${span.expression}}} (${describeResolution(resolution)}): ${verdict.sentence}`,
                vscode.DiagnosticSeverity.Warning,
              ),
            );
        }
      }
    }
    for (const outcome of outcomes) {
      if (outcome.kind !== 'predicted' || !outcome.fix) continue;
      const fix = outcome.fix;
      const item = diagnostic(
        new vscode.Range(fix.line, fix.start, fix.line, fix.end),
        `${outcome.label.replace(/^→ /, 'This request gets ')}: ${fix.title}`,
        vscode.DiagnosticSeverity.Warning,
      );
      item.code = WRONG_TOKEN_KIND;
      found.push(item);
    }
    this.diagnostics.set(document.uri, found);
  }

  async provideCodeActions(
    document: vscode.TextDocument,
    range: vscode.Range | vscode.Selection,
  ): Promise<vscode.CodeAction[]> {
    if (!isHttpDocument(document)) return [];
    const cached = this.cache.get(document.uri.toString());
    if (!cached || cached.version !== document.version) return [];
    const outcomes = await cached.outcomes;
    const actions: vscode.CodeAction[] = [];
    for (const outcome of outcomes) {
      if (outcome.kind !== 'predicted' || !outcome.fix) continue;
      const fix = outcome.fix;
      const target = new vscode.Range(fix.line, fix.start, fix.line, fix.end);
      if (!target.intersection(range) && !range.contains(target) && target.start.line !== range.start.line)
        continue;
      const action = new vscode.CodeAction(`Auth Debugger: ${fix.title}`, vscode.CodeActionKind.QuickFix);
      action.edit = new vscode.WorkspaceEdit();
      action.edit.replace(document.uri, target, fix.replacement);
      action.isPreferred = true;
      action.diagnostics = this.diagnostics
        .get(document.uri)
        ?.filter((d) => d.code === WRONG_TOKEN_KIND && d.range.isEqual(target));
      actions.push(action);
    }
    return actions;
  }

  /** Every request of the file through the simulator (keys fetched when trusted), as rows; shown as a quick pick. */
  async simulateFile(arg?: unknown): Promise<HttpOutcomeRow[]> {
    const options = commandOptions(arg);
    const document =
      options.uri !== undefined
        ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === options.uri)
        : vscode.window.activeTextEditor?.document;
    if (!document || !isHttpDocument(document)) {
      if (options.show) void vscode.window.showInformationMessage('Auth Debugger: open a .http file first.');
      return [];
    }
    const outcomes = await this.outcomes(document, true);
    // Keys fetched by this run are cached now: the lenses can say more.
    this.refresh();
    const rows = outcomes.map(outcomeRow);
    if (options.show) void this.showRows(document, rows);
    return rows;
  }

  private async showRows(document: vscode.TextDocument, rows: HttpOutcomeRow[]): Promise<void> {
    if (rows.length === 0) {
      void vscode.window.showInformationMessage('Auth Debugger: this file has no requests.');
      return;
    }
    const items = rows.map((row) => ({
      label: `${row.decision === 'allow' ? '$(pass)' : row.decision === 'deny' ? '$(error)' : '$(circle-slash)'} line ${row.line}  ${row.method} ${redactText(row.path)}`,
      description:
        row.decision === 'skipped'
          ? 'no prediction'
          : `${row.status ?? ''} ${row.decision.toUpperCase()}  ${row.route ?? ''}`,
      detail: redactText(row.step),
      line: row.line - 1,
    }));
    const picked = await vscode.window.showQuickPick(items, {
      title: `Auth Debugger: ${rows.length} request(s) simulated`,
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (!picked) return;
    const position = new vscode.Position(picked.line, 0);
    await vscode.window.showTextDocument(document, { selection: new vscode.Range(position, position) });
  }

  /** Registers the lens, quick fix and commands. */
  register(): vscode.Disposable[] {
    return [
      vscode.languages.registerCodeLensProvider(HTTP_SELECTOR, this),
      vscode.languages.registerCodeActionsProvider(HTTP_SELECTOR, this, HttpPredictions.metadata),
      vscode.commands.registerCommand(SIMULATE_HTTP_FILE_COMMAND, (arg?: unknown) =>
        this.simulateFile(arg ?? { show: true }),
      ),
    ];
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
    this.emitter.dispose();
    this.cache.clear();
  }
}

function diagnostic(
  range: vscode.Range,
  message: string,
  severity: vscode.DiagnosticSeverity,
): vscode.Diagnostic {
  // Messages name variables and claims, never the token itself; redactText catches a token a value carried.
  const item = new vscode.Diagnostic(range, redactText(message), severity);
  item.source = DIAGNOSTIC_SOURCE;
  return item;
}

/** `{ uri?: string; show?: boolean }` from a command argument; a Uri argument (explorer menu) works too. */
function commandOptions(arg: unknown): { uri: string | undefined; show: boolean } {
  if (arg instanceof vscode.Uri) return { uri: arg.toString(), show: true };
  if (arg === null || typeof arg !== 'object') return { uri: undefined, show: true };
  const bag = arg as Record<string, unknown>;
  return {
    uri: typeof bag['uri'] === 'string' ? bag['uri'] : undefined,
    show: bag['show'] !== false,
  };
}
