// Human-readable rendering of core findings for a terminal. Claim text is hostile: control characters are escaped.
import type { Check, CheckStatus, Warning } from '../core/findings.ts';
import type { TokenReport } from '../core/types.ts';
import { duration } from '../core/timeFormat.ts';

const MARKS: Record<CheckStatus, string> = { pass: '✓', fail: '✗', warn: '!', skip: '-' };

const KIND_TITLES: Record<TokenReport['kind'], string> = {
  'cognito-id': 'Cognito ID token',
  'cognito-access': 'Cognito access token',
  'alb-data': 'ALB user claims (x-amzn-oidc-data)',
  jwt: 'JWT',
  jwe: 'Encrypted token (JWE)',
  invalid: 'Not a valid token',
};

/** Escape terminal control sequences, bidi and zero-width characters so claims print as inert text. */
export function printable(text: string): string {
  return text.replace(
    /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function valueText(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const clean = printable(text);
  return clean.length > 100 ? `${clean.slice(0, 97)}...` : clean;
}

/** The report as the terminal shows it. */
export function renderReport(report: TokenReport, title?: string): string {
  const lines: string[] = [];
  lines.push(`${title ? `${printable(title)}: ` : ''}${KIND_TITLES[report.kind]} (${report.kind})`);
  for (const location of ['header', 'payload'] as const) {
    const claims = report.claims.filter((claim) => claim.location === location);
    if (claims.length === 0) continue;
    lines.push('', location === 'header' ? 'Header' : 'Payload');
    const width = Math.min(24, Math.max(...claims.map((claim) => printable(claim.name).length)));
    for (const claim of claims) {
      const name = printable(claim.name).padEnd(width);
      const time = claim.time ? `  ${claim.time.iso} (${claim.time.relative})` : '';
      const meaning = claim.meaning ? `  # ${claim.meaning}` : '';
      lines.push(`  ${name}  ${valueText(claim.value)}${time}${meaning}`);
    }
  }
  if (report.lifetimeSeconds !== undefined && report.lifetimeSeconds > 0) {
    lines.push('', `Lifetime: ${duration(report.lifetimeSeconds)}`);
  }
  lines.push('', 'Checks');
  for (const item of report.checks) lines.push(renderCheck(item));
  if (report.warnings.length > 0) {
    lines.push('', 'Warnings');
    for (const item of report.warnings) lines.push(renderWarning(item));
  }
  lines.push('', verdictLine(report));
  return lines.join('\n');
}

function renderCheck(item: Check): string {
  const parts = [`  ${MARKS[item.status]} ${item.id.padEnd(9)} ${printable(item.message)}`];
  if (item.actual !== undefined) parts.push(`actual: ${valueText(item.actual)}`);
  if (item.expected !== undefined) parts.push(`expected: ${valueText(item.expected)}`);
  return parts.join('  |  ');
}

function renderWarning(item: Warning): string {
  return `  ! ${item.id}: ${printable(item.message)}`;
}

/** One line: VALID, or INVALID with the failed check ids. */
export function verdictLine(report: TokenReport): string {
  if (report.valid) return 'Verdict: VALID (signature verified, no check failed)';
  const failed = report.checks.filter((item) => item.status === 'fail').map((item) => item.id);
  if (failed.length > 0) return `Verdict: INVALID (failed: ${failed.join(', ')})`;
  return 'Verdict: NOT VERIFIED (the signature could not be checked)';
}
