// Diagnostics on tokens in open documents (expired, bad signature against cached keys, not yet valid, encrypted),
// each with a quick fix that opens the Token Inspector. Work per document is bounded (characters scanned, tokens,
// distinct tokens verified), debounced while typing, and never waits on the network: the keys are the cache's.
import * as vscode from 'vscode';
import { findTokensInText } from '../core/scan/index.ts';
import { decodeToken, decodedReport } from '../core/verify/inspect.ts';
import type { Log } from './log.ts';
import { tokenProblems } from './tokenProblems.ts';
import type { TokenProblem, TokenProblemSeverity } from './tokenProblems.ts';
import type { DocumentLocation } from './tokenSource.ts';
import { nowSeconds } from './verification.ts';
import type { Verifier } from './verification.ts';

export const DIAGNOSTICS_SETTING = 'authDebugger.diagnostics.enabled';
export const DIAGNOSTIC_SOURCE = 'Auth Debugger';
/** Characters of a document looked at (from its start); the rest of a huge log is left to Scan Workspace. */
export const MAX_SCANNED_CHARS = 1024 * 1024;
/** Token occurrences given diagnostics per document. */
export const MAX_TOKENS_PER_DOCUMENT = 200;
/** Distinct tokens verified per document run (each against cached keys only: tens of microseconds). */
export const MAX_DISTINCT_PER_DOCUMENT = 50;
/** Quiet time after the last keystroke before a document is looked at again. */
export const TYPING_DEBOUNCE_MS = 400;

const SCHEMES = new Set(['file', 'untitled']);

/** What the last run over a document did: the bounds, as counted (the host tests read it). */
export interface DiagnosticsRun {
  uri: string;
  scannedChars: number;
  /** The document was longer than MAX_SCANNED_CHARS, or had more tokens than MAX_TOKENS_PER_DOCUMENT. */
  truncated: boolean;
  tokens: number;
  verified: number;
  diagnostics: number;
  /** Runs completed for this document since it was opened (debouncing keeps this low while typing). */
  runs: number;
}

function enabled(): boolean {
  return vscode.workspace.getConfiguration('authDebugger').get<boolean>('diagnostics.enabled', true);
}

function severityOf(severity: TokenProblemSeverity): vscode.DiagnosticSeverity {
  switch (severity) {
    case 'error':
      return vscode.DiagnosticSeverity.Error;
    case 'warning':
      return vscode.DiagnosticSeverity.Warning;
    case 'information':
      return vscode.DiagnosticSeverity.Information;
    default: {
      const unhandled: never = severity;
      return unhandled;
    }
  }
}

/** Keeps the `authDebugger` diagnostic collection in step with open documents. */
export class TokenDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('authDebugger');
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Bumped per scheduled run, so a run overtaken by newer typing drops its results. */
  private readonly generations = new Map<string, number>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly subscriptions: vscode.Disposable[] = [];
  readonly lastRuns = new Map<string, DiagnosticsRun>();

  constructor(
    private readonly verifier: Verifier,
    private readonly log: Log,
  ) {
    this.subscriptions.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument((document) => this.schedule(document, 0)),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length > 0) this.schedule(event.document, TYPING_DEBOUNCE_MS);
      }),
      vscode.workspace.onDidCloseTextDocument((document) => this.forget(document.uri)),
      // Time passes while a document is open: coming back to it re-reads expiry against the clock.
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor) this.schedule(editor.document, 0);
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        // Turning them off clears them; any other Auth Debugger setting (client ids, JWKS URLs) changes verdicts.
        if (event.affectsConfiguration('authDebugger')) this.refreshAll();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.refreshAll()),
    );
    // Documents already open at activation are looked at after activation returns, never during it.
    this.schedule(undefined, 0);
  }

  /** Look at every open document again (keys were cached, a setting changed). */
  refreshAll(): void {
    for (const document of vscode.workspace.textDocuments) this.schedule(document, 0);
  }

  /** Settles when no run is pending or in progress for `uri` (host tests). */
  async settled(uri: vscode.Uri): Promise<DiagnosticsRun | undefined> {
    const key = uri.toString();
    for (let rounds = 0; rounds < 100 && (this.timers.has(key) || this.running.has(key)); rounds++) {
      await (this.running.get(key) ?? new Promise((resolve) => setTimeout(resolve, TYPING_DEBOUNCE_MS / 4)));
    }
    return this.lastRuns.get(key);
  }

  private schedule(document: vscode.TextDocument | undefined, delayMs: number): void {
    if (document === undefined) {
      setTimeout(() => this.refreshAll(), 0);
      return;
    }
    if (!SCHEMES.has(document.uri.scheme)) return;
    const key = document.uri.toString();
    const pending = this.timers.get(key);
    if (pending !== undefined) clearTimeout(pending);
    this.generations.set(key, (this.generations.get(key) ?? 0) + 1);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        const run = this.run(document)
          .catch((error: unknown) => this.log.error('Token diagnostics failed', error))
          .finally(() => {
            if (this.running.get(key) === run) this.running.delete(key);
          });
        this.running.set(key, run);
      }, delayMs),
    );
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    const pending = this.timers.get(key);
    if (pending !== undefined) clearTimeout(pending);
    this.timers.delete(key);
    this.generations.set(key, (this.generations.get(key) ?? 0) + 1);
    this.lastRuns.delete(key);
    this.collection.delete(uri);
  }

  private async run(document: vscode.TextDocument): Promise<void> {
    const key = document.uri.toString();
    const generation = this.generations.get(key);
    if (!enabled() || document.isClosed) {
      this.collection.delete(document.uri);
      this.lastRuns.delete(key);
      return;
    }
    const lastLine = document.lineAt(document.lineCount - 1);
    const length = document.offsetAt(lastLine.range.end);
    // Only a prefix of a huge document is read: getText(range) copies that much and no more.
    const scannedChars = Math.min(length, MAX_SCANNED_CHARS);
    const text =
      scannedChars === length
        ? document.getText()
        : document.getText(new vscode.Range(new vscode.Position(0, 0), document.positionAt(scannedChars)));
    // One more than the cap tells whether the document had more tokens than are shown.
    const found = findTokensInText(text, MAX_TOKENS_PER_DOCUMENT + 1);
    const occurrences = found.slice(0, MAX_TOKENS_PER_DOCUMENT);
    const now = nowSeconds();
    const problemsByToken = new Map<string, TokenProblem[]>();
    for (const occurrence of occurrences) {
      if (problemsByToken.has(occurrence.token)) continue;
      if (problemsByToken.size >= MAX_DISTINCT_PER_DOCUMENT) break;
      problemsByToken.set(occurrence.token, await this.problemsOf(occurrence.token, now));
      // Typing overtook this run: its positions are stale, the newer run will publish.
      if (this.generations.get(key) !== generation) return;
    }
    const diagnostics: vscode.Diagnostic[] = [];
    for (const occurrence of occurrences) {
      const problems = problemsByToken.get(occurrence.token);
      if (problems === undefined || problems.length === 0) continue;
      const range = new vscode.Range(
        document.positionAt(occurrence.start),
        document.positionAt(occurrence.end),
      );
      for (const problem of problems) {
        const diagnostic = new vscode.Diagnostic(range, problem.message, severityOf(problem.severity));
        diagnostic.source = DIAGNOSTIC_SOURCE;
        diagnostic.code = problem.code;
        diagnostics.push(diagnostic);
      }
    }
    if (this.generations.get(key) !== generation || document.isClosed) return;
    this.collection.set(document.uri, diagnostics);
    this.lastRuns.set(key, {
      uri: key,
      scannedChars,
      truncated: scannedChars < length || found.length > MAX_TOKENS_PER_DOCUMENT,
      tokens: occurrences.length,
      verified: problemsByToken.size,
      diagnostics: diagnostics.length,
      runs: (this.lastRuns.get(key)?.runs ?? 0) + 1,
    });
  }

  /** The problems of one distinct token: decoded, then verified against cached keys only (the hover's path). */
  private async problemsOf(token: string, now: number): Promise<TokenProblem[]> {
    const decoded = decodeToken(token);
    if (decoded.token.kind === 'invalid') return [];
    if (decoded.token.kind === 'jwe') return tokenProblems(decodedReport(decoded, now), now);
    const { report } = await this.verifier.hoverReport(decoded);
    return tokenProblems(report, now);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}

/** "Open in Token Inspector" on each of our diagnostics: one action per token range. */
export class TokenQuickFixes implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
  };

  provideCodeActions(
    document: vscode.TextDocument,
    _range: vscode.Range | vscode.Selection,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const actions = new Map<string, vscode.CodeAction>();
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
      const start = diagnostic.range.start;
      const place = `${start.line}:${start.character}`;
      const existing = actions.get(place);
      if (existing) {
        existing.diagnostics?.push(diagnostic);
        continue;
      }
      // The location, not the token: the command reads the token from the document again (as the hover does).
      const location: DocumentLocation = {
        uri: document.uri.toString(),
        line: start.line,
        character: start.character,
      };
      const action = new vscode.CodeAction('Open in Token Inspector', vscode.CodeActionKind.QuickFix);
      action.command = {
        command: 'authDebugger.decodeToken',
        title: 'Open in Token Inspector',
        arguments: [location],
      };
      action.diagnostics = [diagnostic];
      action.isPreferred = true;
      actions.set(place, action);
    }
    return [...actions.values()];
  }
}
