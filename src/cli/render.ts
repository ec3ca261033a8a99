// Human-readable rendering of core findings for a terminal. Claim text is hostile: each field is escaped on its
// own (so it stays on its line and pads to the width it shows); the CliIo writer escapes the whole output again.
import { tokenVerdict } from '../core/explain/verdict.ts';
import type { Check, CheckStatus, Warning } from '../core/findings.ts';
import { kindLabel } from '../core/kindLabels.ts';
import { escapeForTerminal } from '../core/textSafety.ts';
import type { TokenReport } from '../core/types.ts';
import { duration } from '../core/timeFormat.ts';

const MARKS: Record<CheckStatus, string> = { pass: '✓', fail: '✗', warn: '!', skip: '-' };

function valueText(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const clean = escapeForTerminal(text);
  return clean.length > 100 ? `${clean.slice(0, 97)}...` : clean;
}

/** The report as the terminal shows it. */
export function renderReport(report: TokenReport, title?: string): string {
  const lines: string[] = [];
  // The answer first: the verdict, then on the next line every failed check, before any table.
  const verdict = tokenVerdict(report);
  lines.push(
    `${title ? `${escapeForTerminal(title)}: ` : ''}${verdict.label.toUpperCase()}  ${kindLabel(report.kind)} (${report.kind})`,
  );
  lines.push(`  ${escapeForTerminal(verdict.reasons.join('; '))}`);
  for (const location of ['header', 'payload'] as const) {
    const claims = report.claims.filter((claim) => claim.location === location);
    if (claims.length === 0) continue;
    lines.push('', location === 'header' ? 'Header' : 'Payload');
    const width = Math.min(24, Math.max(...claims.map((claim) => escapeForTerminal(claim.name).length)));
    for (const claim of claims) {
      const name = escapeForTerminal(claim.name).padEnd(width);
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
  const parts = [`  ${MARKS[item.status]} ${item.id.padEnd(9)} ${escapeForTerminal(item.message)}`];
  if (item.actual !== undefined) parts.push(`actual: ${valueText(item.actual)}`);
  if (item.expected !== undefined) parts.push(`expected: ${valueText(item.expected)}`);
  return parts.join('  |  ');
}

function renderWarning(item: Warning): string {
  return `  ! ${item.id}: ${escapeForTerminal(item.message)}`;
}

/** One line: VALID, or INVALID with the failed check ids. */
export function verdictLine(report: TokenReport): string {
  if (report.valid) return 'Verdict: VALID (signature verified, no check failed)';
  const failed = report.checks.filter((item) => item.status === 'fail').map((item) => item.id);
  if (failed.length > 0) return `Verdict: INVALID (failed: ${failed.join(', ')})`;
  return 'Verdict: NOT VERIFIED (the signature could not be checked)';
}
