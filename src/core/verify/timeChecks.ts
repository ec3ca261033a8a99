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
  const sources: [string, JsonValue | undefined][] = [['exp', payload['exp']]];
  if (kind === 'alb-data') sources.unshift(['header exp', header['exp']]);
  const required = kind !== 'jwt';
  let latest: Check | undefined;
  for (const [name, raw] of sources) {
    const parsed = numericDate(raw);
    if (parsed === undefined) {
      if (name === 'exp' && kind === 'alb-data' && latest) continue;
      if (name === 'header exp') continue;
      return required
        ? check(
            'exp',
            'fail',
            `no exp: ${kind === 'alb-data' ? 'ALB tokens' : 'Cognito and API Gateway'} require it`,
            { reason: 'missing' },
          )
        : check('exp', 'warn', 'no exp: this token never expires', { reason: 'missing' });
    }
    if ('problem' in parsed)
      return check('exp', 'fail', `${name} ${parsed.problem}`, { actual: show(raw), reason: 'malformed' });
    const exp = parsed.value;
    if (exp <= now - skew) {
      return check(
        'exp',
        'fail',
        `${name === 'exp' ? 'expired' : 'the ALB header expired'} ${relativeTime(exp, now)}`,
        { actual: isoTime(exp), expected: `after ${isoTime(now - skew)}`, reason: 'expired' },
      );
    }
    const note = exp <= now ? ` (within the ${skew} s clock skew)` : '';
    latest = check('exp', 'pass', `expires ${relativeTime(exp, now)}${note}`);
  }
  return latest ?? check('exp', 'fail', 'no exp', { reason: 'missing' });
}

export function nbfCheck(payload: JsonObject, now: number, skew: number): Check {
  const parsed = numericDate(payload['nbf']);
  if (parsed === undefined) return check('nbf', 'skip', 'no nbf claim', { reason: 'missing' });
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
  if (parsed === undefined)
    return check('iat', kind === 'jwt' || kind === 'alb-data' ? 'skip' : 'warn', 'no iat claim', {
      reason: 'missing',
    });
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
