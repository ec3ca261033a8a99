// Hover over a token in any file: a short summary from the core's report, keys from the cache only.
import * as vscode from 'vscode';
import { tokenVerdict } from '../core/explain/verdict.ts';
import { decodeToken, decodedReport } from '../core/verify/inspect.ts';
import { groupsOf } from '../core/simulate/rbac.ts';
import type { TokenReport } from '../core/types.ts';
import { tokenScopes } from '../core/verify/claimChecks.ts';
import { markdownCodeSpan } from '../core/textSafety.ts';
import { relativeTime } from '../core/timeFormat.ts';
import { claimText, kindLabel, visibleText } from '../shared/display.ts';
import { signatureLine } from '../shared/signatureLine.ts';
import type { Log } from './log.ts';
import { locateToken } from './tokenLocator.ts';
import type { DocumentLocation } from './tokenSource.ts';
import { nowSeconds } from './verification.ts';
import type { PrefetchStatus } from './keyPrefetch.ts';
import type { ReferenceTarget } from './httpVariables.ts';
import type { Verifier } from './verification.ts';

/** Commands a hover link may run; nothing else is trusted in hover markdown. */
export const HOVER_COMMANDS = ['authDebugger.decodeToken', 'authDebugger.openSimulator'] as const;

/** A hover never waits longer than this for the (cache-only) verification. */
const HOVER_BUDGET_MS = 300;
/** Longest claim value shown in a hover. */
const MAX_VALUE = 160;

export const HOVER_SELECTOR: vscode.DocumentSelector = [{ scheme: 'file' }, { scheme: 'untitled' }];

/** `.http` variables: what a `{{reference}}` (or a variable's name) at a position stands for (httpVariables.ts). */
export type HoverReferences = (
  document: vscode.TextDocument,
  position: vscode.Position,
) => Promise<ReferenceTarget | undefined>;

/** Summaries of tokens under the mouse: Authorization headers, JSON/HAR, curl, x-amzn-oidc-data, bare JWTs. */
export class TokenHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly verifier: Verifier,
    private readonly log: Log,
    private readonly references?: HoverReferences,
  ) {}

  async provideHover(
    document: vscode.TextDocument,
    position: vscode.Position,
    token: vscode.CancellationToken,
  ): Promise<vscode.Hover | undefined> {
    // Only the hovered line is read, through a bounded window around the cursor.
    let found = locateToken(document.lineAt(position.line).text, position.character);
    // In a .http file, `{{token}}` stands for a value defined elsewhere: the hover names where it came from.
    let origin: string | undefined;
    if (!found && this.references) {
      const target = await this.references(document, position);
      if (target?.kind === 'note') {
        const md = new vscode.MarkdownString(undefined, false);
        md.appendMarkdown('**Auth Debugger**: ');
        md.appendText(target.text);
        return new vscode.Hover(md, new vscode.Range(position.line, target.start, position.line, target.end));
      }
      if (target?.kind === 'token') {
        found = target.located;
        origin = target.origin;
      }
    }
    if (!found) return undefined;
    // Decoded once: the same decode feeds the display and the cached-keys verification.
    const decoded = decodeToken(found.token);
    const decodedOnly = decodedReport(decoded, nowSeconds());
    if (decodedOnly.kind === 'invalid' && found.header === undefined) return undefined;
    let report = decodedOnly;
    let keysFetch: PrefetchStatus | undefined;
    if (decodedOnly.kind !== 'invalid' && decodedOnly.kind !== 'jwe') {
      try {
        const verified = await withinBudget(this.verifier.hoverReport(decoded));
        if (verified) {
          report = verified.report;
          // Keys not cached: fetched in the background (never awaited here) so the next hover has the verdict.
          if (verified.missedKeys.length > 0)
            keysFetch = this.verifier.prefetchKeys(verified.missedKeys, (line) => this.log.info(line));
        }
      } catch (error) {
        this.log.error('Hover verification failed', error);
      }
    }
    if (token.isCancellationRequested) return undefined;
    const range = new vscode.Range(position.line, found.start, position.line, found.end);
    const location: DocumentLocation = {
      uri: document.uri.toString(),
      line: position.line,
      character: found.start,
    };
    return new vscode.Hover(
      hoverMarkdown(report, found.header, found.scheme, location, keysFetch, origin),
      range,
    );
  }
}

async function withinBudget<T>(promise: Promise<T>): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), HOVER_BUDGET_MS);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function shown(value: unknown): string {
  const text = visibleText(claimText(value));
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}…` : text;
}

function commandLink(command: (typeof HOVER_COMMANDS)[number], location: DocumentLocation): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify([location]))}`;
}

/** Reason phrases made of these characters cannot form markup or a link; others may quote token text. */
const PLAIN_PHRASE = /^[A-Za-z0-9 ,;:'-]+$/;

const VERDICT_LABELS = {
  valid: 'Valid',
  invalid: 'Invalid',
  'not-verified': 'Not verified',
  'decoded-only': 'Not verified',
} as const;

/** What the hover adds after "keys are not cached", by what happened to the background fetch. */
function keysFetchNote(status: PrefetchStatus | undefined): string | undefined {
  switch (status) {
    case undefined:
      return undefined;
    case 'started':
    case 'in-flight':
      return 'fetching them now: hover again for the verdict';
    case 'failed-recently':
      return 'fetching them failed, see Auth Debugger: Show Log; Open in Token Inspector to retry';
    case 'not-allowed':
      return 'nothing is fetched in Restricted Mode';
    default: {
      const unhandled: never = status;
      return unhandled;
    }
  }
}

/**
 * The hover's first line: the verdict naming every failed check, from the core's tokenVerdict. An unchecked
 * signature reads "Not verified" as prominently as a failure; a tampered token is never "Valid" (valid needs a
 * verified signature).
 */
function appendVerdictLine(
  md: vscode.MarkdownString,
  report: TokenReport,
  keysFetch: PrefetchStatus | undefined,
): void {
  if (report.kind === 'jwe') {
    md.appendMarkdown('**Encrypted**: a JWE cannot be inspected or verified here  \n');
    return;
  }
  const verdict = tokenVerdict(report);
  const reasons = [...verdict.reasons];
  const note = report.checks.some((c) => c.id === 'key' && c.reason === 'not-cached')
    ? keysFetchNote(keysFetch)
    : undefined;
  if (note !== undefined) reasons.push(note);
  md.appendMarkdown(`**${VERDICT_LABELS[verdict.status]}**: `);
  reasons.forEach((reason, index) => {
    if (index > 0) md.appendMarkdown('; ');
    // Our own phrases read as text; a phrase quoting token text (an issuer, an audience) is a code span.
    if (PLAIN_PHRASE.test(reason)) md.appendText(reason);
    else md.appendMarkdown(markdownCodeSpan(reason));
  });
  md.appendMarkdown('  \n');
}

/** The hover's markdown. Every piece of token text is an inline code span: claims cannot add links or markup. */
export function hoverMarkdown(
  report: TokenReport,
  header: string | undefined,
  scheme: string | undefined,
  location: DocumentLocation,
  keysFetch?: PrefetchStatus,
  origin?: string,
): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, false);
  md.isTrusted = { enabledCommands: [...HOVER_COMMANDS] };
  md.supportHtml = false;
  /** A line whose value may carry token text. */
  const line = (label: string, value: string): void => {
    md.appendMarkdown(`**${label}:** ${markdownCodeSpan(value)}  \n`);
  };
  /** A line whose value is our own wording. */
  const plain = (label: string, value: string): void => {
    md.appendMarkdown(`**${label}:** `);
    md.appendText(value);
    md.appendMarkdown('  \n');
  };

  appendVerdictLine(md, report, keysFetch);
  md.appendMarkdown(`Auth Debugger: ${kindLabel(report.kind)}`);
  if (header !== undefined)
    md.appendMarkdown(` in ${markdownCodeSpan(scheme === undefined ? header : `${header} (${scheme})`)}`);
  md.appendMarkdown('\n\n');
  // A .http variable's value: where it was written (file variable, environment file, .env).
  if (origin !== undefined) plain('Value', origin);

  if (report.kind === 'invalid') {
    const format = report.checks.find((c) => c.id === 'format');
    line('Problem', format?.message ?? 'not a compact token');
    return md;
  }
  if (report.kind === 'jwe') {
    md.appendText('Encrypted (5 segments), e.g. a Cognito refresh token: its contents cannot be inspected.');
    return md;
  }

  const payload = report.payload ?? {};
  const head = report.header ?? {};
  const iss = payload['iss'] ?? head['iss'];
  if (iss !== undefined) line('Issuer', shown(iss));
  const username = payload['cognito:username'] ?? payload['username'];
  if (payload['sub'] !== undefined) line('Subject', shown(payload['sub']));
  if (username !== undefined) line('Username', shown(username));
  const groups = groupsOf(payload);
  if (groups.length > 0) line('Groups', shown(groups.join(', ')));
  const scopes = tokenScopes(payload);
  if (scopes && scopes.length > 0) line('Scopes', shown(scopes.join(' ')));
  const exp = report.claims.find((c) => c.name === 'exp' && c.time !== undefined)?.time;
  if (exp) {
    const now = nowSeconds();
    plain(exp.epoch > now ? 'Expires' : 'Expired', `${relativeTime(exp.epoch, now, 2)} (${exp.iso})`);
  } else {
    plain('Expires', 'no usable exp claim');
  }
  // Chosen from the checks' status and reason; "not cached" reads exactly as the Inspector's key row.
  const signature = signatureLine(report.checks);
  if (signature.quotesCheck) line('Signature', signature.text);
  else plain('Signature', signature.text);
  const failed = report.checks.filter(
    (c) => c.status === 'fail' && c.id !== 'signature' && !(signature.coversKey && c.id === 'key'),
  );
  if (failed.length > 0) line('Failed checks', failed.map((c) => `${c.id} (${c.message})`).join('; '));
  if (report.warnings.length > 0)
    plain('Warnings', `${report.warnings.length} (open the Inspector to read them)`);

  md.appendMarkdown('\n');
  md.appendMarkdown(
    `[Open in Token Inspector](${commandLink('authDebugger.decodeToken', location)} "Decode and verify")`,
  );
  md.appendMarkdown(' · ');
  md.appendMarkdown(
    `[Simulate an authorizer](${commandLink('authDebugger.openSimulator', location)} "Open the Authorizer Simulator")`,
  );
  return md;
}
