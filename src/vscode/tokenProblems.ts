// What the editor diagnostics say about one token, from the core's report. Pure (no `vscode` import), so the
// choice of problems and their wording is unit-tested; diagnostics.ts only places them in documents.
import { kindLabel } from '../core/kindLabels.ts';
import { isoTime, relativeTime } from '../core/timeFormat.ts';
import type { TokenReport } from '../core/types.ts';

/** Stable codes: the quick fix and the tests match on these, never on the message. */
export type TokenProblemCode =
  'token-expired' | 'token-signature' | 'token-not-yet-valid' | 'token-encrypted';

export type TokenProblemSeverity = 'error' | 'warning' | 'information';

export interface TokenProblem {
  code: TokenProblemCode;
  severity: TokenProblemSeverity;
  message: string;
}

/**
 * The problems worth a squiggle: an expired token (warning, with how long ago), a signature that fails against
 * the keys already cached (error), a token not valid yet (warning), an encrypted token (information). A token
 * whose keys are not cached has none of the signature kind: nothing was checked, so nothing failed.
 */
export function tokenProblems(report: TokenReport, now: number): TokenProblem[] {
  const label = kindLabel(report.kind);
  if (report.kind === 'jwe') {
    return [
      {
        code: 'token-encrypted',
        severity: 'information',
        message: `${label}: its contents cannot be inspected or verified (a Cognito refresh token is one)`,
      },
    ];
  }
  if (report.kind === 'invalid') return [];
  const problems: TokenProblem[] = [];
  const signature = report.checks.find((c) => c.id === 'signature');
  // 'depends' means the signature was never tried (e.g. the algorithm was refused): that is not a bad signature.
  if (signature?.status === 'fail' && signature.reason !== 'depends') {
    problems.push({
      code: 'token-signature',
      severity: 'error',
      message: `${label}: signature check failed against the cached keys: ${signature.message}`,
    });
  }
  const exp = report.checks.find((c) => c.id === 'exp');
  if (exp?.status === 'fail' && exp.reason === 'expired') {
    problems.push({
      code: 'token-expired',
      severity: 'warning',
      message: `${label} expired ${expiredAgo(report, now) ?? exp.message.replace(/^expired /, '')}`,
    });
  }
  const nbf = report.checks.find((c) => c.id === 'nbf');
  if (nbf?.status === 'fail' && nbf.reason === 'not-yet-valid') {
    problems.push({
      code: 'token-not-yet-valid',
      severity: 'warning',
      message: `${label} is ${nbf.message}`,
    });
  }
  return problems;
}

/** "3 hours ago (2026-12-02T01:00:00.000Z)" from the exp the expiry check used (ALB: the earlier of the two). */
function expiredAgo(report: TokenReport, now: number): string | undefined {
  const candidates = [
    report.payload?.['exp'],
    report.kind === 'alb-data' ? report.header?.['exp'] : undefined,
  ];
  const times = candidates.filter(
    (v): v is number => typeof v === 'number' && Number.isFinite(v) && v <= now,
  );
  if (times.length === 0) return undefined;
  const exp = Math.min(...times);
  return `${relativeTime(exp, now, 2)} (${isoTime(exp)})`;
}
