// Time claim checks (exp, nbf, iat) against an injected clock with a clock skew.
import { check } from '../findings.ts';
import type { Check } from '../findings.ts';
import { duration, isoTime, relativeTime } from '../timeFormat.ts';
import type { JsonObject, JsonValue, TokenKind } from '../types.ts';
import { show } from './showValue.ts';

/** A NumericDate claim: a finite JSON number, or why not. */
function numericDate(value: JsonValue | undefined): { value: number } | { problem: string } | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number') return { problem: `must be a number (got ${show(value)})` };
  if (!Number.isFinite(value)) return { problem: 'must be a finite number' };
  return { value };
}

export function expCheck(
  kind: TokenKind,
  header: JsonObject,
  payload: JsonObject,
  now: number,
  skew: number,
): Check {
  // ALB tokens may carry exp in the header as well: it is checked first and either one may be missing.
  const headerExp = kind === 'alb-data' ? header['exp'] : undefined;
  if (headerExp !== undefined) {
    const failed = expFailure('header exp', headerExp, now, skew);
    if (failed) return failed;
  }
  const exp = payload['exp'];
  if (exp !== undefined) return expFailure('exp', exp, now, skew) ?? expPassed(exp as number, now, skew);
  // The header's passed check is only worded when it is the one reported.
  if (headerExp !== undefined) return expPassed(headerExp as number, now, skew);
  return kind !== 'jwt'
    ? check(
        'exp',
        'fail',
        `no exp: ${kind === 'alb-data' ? 'ALB tokens' : 'Cognito and API Gateway'} require it`,
        { reason: 'missing' },
      )
    : check('exp', 'warn', 'no exp: this token never expires', { reason: 'missing' });
}

/** The failed exp check when `raw` (present) is not a usable NumericDate or is past, else undefined. */
function expFailure(
  name: 'exp' | 'header exp',
  raw: JsonValue,
  now: number,
  skew: number,
): Check | undefined {
  const parsed = numericDate(raw);
  if (parsed !== undefined && 'problem' in parsed)
    return check('exp', 'fail', `${name} ${parsed.problem}`, { actual: show(raw), reason: 'malformed' });
  if (typeof raw !== 'number' || raw > now - skew) return undefined;
  return check(
    'exp',
    'fail',
    `${name === 'exp' ? 'expired' : 'the ALB header expired'} ${relativeTime(raw, now)}`,
    { actual: isoTime(raw), expected: `after ${isoTime(now - skew)}`, reason: 'expired' },
  );
}

/** The passed exp check of a NumericDate that expFailure accepted. */
function expPassed(exp: number, now: number, skew: number): Check {
  const note = exp <= now ? ` (within the ${skew} s clock skew)` : '';
  return check('exp', 'pass', `expires ${relativeTime(exp, now)}${note}`);
}

// Checks for absent claims: fixed texts, built once, shared and frozen.
const NBF_ABSENT = Object.freeze(check('nbf', 'skip', 'no nbf claim', { reason: 'missing' }));
const IAT_ABSENT_SKIP = Object.freeze(check('iat', 'skip', 'no iat claim', { reason: 'missing' }));
const IAT_ABSENT_WARN = Object.freeze(check('iat', 'warn', 'no iat claim', { reason: 'missing' }));

export function nbfCheck(payload: JsonObject, now: number, skew: number): Check {
  const parsed = numericDate(payload['nbf']);
  if (parsed === undefined) return NBF_ABSENT;
  if ('problem' in parsed)
    return check('nbf', 'fail', `nbf ${parsed.problem}`, {
      actual: show(payload['nbf']),
      reason: 'malformed',
    });
  const nbf = parsed.value;
  if (nbf > now + skew) {
    return check('nbf', 'fail', `not valid yet: usable ${relativeTime(nbf, now)}`, {
      actual: isoTime(nbf),
      expected: `before ${isoTime(now + skew)}`,
      reason: 'not-yet-valid',
    });
  }
  if (nbf > now)
    return check('nbf', 'pass', `in the future by ${duration(nbf - now)}, within the ${skew} s clock skew`, {
      actual: isoTime(nbf),
    });
  return check('nbf', 'pass', `valid since ${relativeTime(nbf, now)}`);
}

export function iatCheck(kind: TokenKind, payload: JsonObject, now: number, skew: number): Check {
  const parsed = numericDate(payload['iat']);
  if (parsed === undefined) return kind === 'jwt' || kind === 'alb-data' ? IAT_ABSENT_SKIP : IAT_ABSENT_WARN;
  if ('problem' in parsed)
    return check('iat', 'fail', `iat ${parsed.problem}`, {
      actual: show(payload['iat']),
      reason: 'malformed',
    });
  const iat = parsed.value;
  if (iat > now + skew)
    return check('iat', 'warn', `issued in the future (${relativeTime(iat, now)}): check the clocks`, {
      actual: isoTime(iat),
      reason: 'issued-in-future',
    });
  return check('iat', 'pass', `issued ${relativeTime(iat, now)}`);
}
