// Warnings a debugger raises from the token alone (none of them stop decoding).
import { PII_CLAIMS } from './claimMeanings.ts';
import type { DecodeResult } from './decode.ts';
import { warning } from './findings.ts';
import type { Warning } from './findings.ts';
import { cognitoJwksUrl } from './keys/keyUrls.ts';
import { duration } from './timeFormat.ts';
import type { JsonObject } from './types.ts';

const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]|\\u(?:200[b-f]|202[a-e]|206[6-9]|feff)/i;
const SUSPICIOUS_KID = /[\\'"`\s\u0000-\u001f]|\.\./;
const BASE64_KID = /^[A-Za-z0-9+/]+={0,2}$/;
const ONE_DAY = 86400;
const FAR_FUTURE = 100 * 365 * ONE_DAY;
const ACCEPTED_TYP = new Set(['jwt', 'at+jwt', 'application/at+jwt', 'application/jwt']);

/** Lint a decoded token at time `now` (epoch seconds). */
export function lintToken(decoded: DecodeResult, now: number): Warning[] {
  const { token } = decoded;
  const out: Warning[] = [];
  if (token.kind === 'jwe') {
    out.push(
      warning('jwe', 'encrypted token: Cognito refresh tokens are JWEs; only the issuer can read them'),
    );
    return out;
  }
  if (!token.header || !token.payload) return out;
  const header = token.header;
  const payload = token.payload;

  if (decoded.duplicateHeaderKeys.length > 0 || decoded.duplicatePayloadKeys.length > 0) {
    const keys = [...decoded.duplicateHeaderKeys, ...decoded.duplicatePayloadKeys];
    out.push(
      warning('duplicate-key', `duplicate JSON keys: ${keys.map((k) => JSON.stringify(k)).join(', ')}`),
    );
  }
  const alg = header['alg'];
  if (typeof alg === 'string' && /^none$/i.test(alg))
    out.push(warning('alg-none', `alg "${alg}": the token claims to be unsigned`));
  for (const name of ['jku', 'x5u'] as const) {
    if (Object.hasOwn(header, name)) {
      out.push(
        warning(
          `header-${name}`,
          `${name} is present: never fetched (it points wherever the token's author wants: SSRF bait)`,
        ),
      );
    }
  }
  for (const name of ['jwk', 'x5c'] as const) {
    if (Object.hasOwn(header, name)) {
      out.push(
        warning(`header-${name}`, `${name} is present: an embedded key is never trusted (CVE-2018-0114)`),
      );
    }
  }
  const kid = header['kid'];
  if (typeof kid === 'string' && isSuspiciousKid(kid)) {
    out.push(
      warning(
        'suspicious-kid',
        'the kid contains path, quote or space characters, or is very long: it is treated as opaque text',
      ),
    );
  }
  if (token.padded && token.kind !== 'alb-data') {
    out.push(
      warning('padded-base64', 'segments carry "=" padding: only ALB tokens do; most libraries reject it'),
    );
  }
  const typ = header['typ'];
  if (typ !== undefined && (typeof typ !== 'string' || !ACCEPTED_TYP.has(typ.toLowerCase()))) {
    out.push(warning('unexpected-typ', `typ is ${JSON.stringify(typ)}, not "JWT"`));
  }
  lintTimes(token.kind, header, payload, now, out);
  lintIssuer(token.kind, payload, out);
  const aud = payload['aud'];
  if (
    aud !== undefined &&
    typeof aud !== 'string' &&
    !(Array.isArray(aud) && aud.every((a) => typeof a === 'string'))
  ) {
    out.push(warning('aud-type', 'aud is neither a string nor an array of strings'));
  }
  if (decoded.protoKey) {
    out.push(
      warning(
        'proto-key',
        'a "__proto__", "constructor" or "prototype" key is present: shown as a plain claim',
      ),
    );
  }
  if (
    decoded.maybeInvisible &&
    (INVISIBLE.test(token.rawHeader ?? '') || INVISIBLE.test(token.rawPayload ?? ''))
  ) {
    out.push(
      warning(
        'invisible-characters',
        'bidirectional or zero-width characters in claims: text may not read as it looks',
      ),
    );
  }
  const pii = Object.keys(payload).filter((name) => PII_CLAIMS.has(name));
  if (pii.length > 0) {
    out.push(
      warning(
        'pii',
        `personal data (${pii.join(', ')}): anyone holding this token can read it; treat it as a secret`,
      ),
    );
  }
  return out;
}

/** Path, quote or control characters, or a huge kid; "/" only outside base64 (real Cognito kids are base64). */
function isSuspiciousKid(kid: string): boolean {
  if (kid.length > 128 || SUSPICIOUS_KID.test(kid)) return true;
  return kid.includes('/') && !(kid.length % 4 === 0 && BASE64_KID.test(kid));
}

function lintTimes(kind: string, header: JsonObject, payload: JsonObject, now: number, out: Warning[]): void {
  const exp = payload['exp'] ?? (kind === 'alb-data' ? header['exp'] : undefined);
  const iat = payload['iat'];
  const nbf = payload['nbf'];
  if (exp === undefined) out.push(warning('missing-exp', 'no exp: the token never expires'));
  for (const [name, value] of [
    ['exp', exp],
    ['iat', iat],
    ['nbf', nbf],
  ] as const) {
    if (typeof value === 'number' && !Number.isFinite(value))
      out.push(warning('non-finite-date', `${name} is not a finite number`));
  }
  if (typeof exp === 'number' && Number.isFinite(exp)) {
    if (exp - now > FAR_FUTURE) out.push(warning('far-future-exp', 'exp is more than 100 years away'));
    if (typeof iat === 'number' && Number.isFinite(iat)) {
      if (exp < iat) out.push(warning('exp-before-iat', 'exp is earlier than iat'));
      const lifetime = exp - iat;
      if ((kind === 'cognito-id' || kind === 'cognito-access') && lifetime > ONE_DAY) {
        out.push(
          warning(
            'long-lifetime',
            `lives ${duration(lifetime)}: Cognito ID and access tokens last at most 1 day`,
          ),
        );
      }
    }
  }
  if (typeof iat === 'number' && iat > now)
    out.push(warning('iat-future', 'iat is in the future: check the clocks'));
  if (typeof nbf === 'number' && nbf > now)
    out.push(warning('nbf-future', 'nbf is in the future: not usable yet'));
}

function lintIssuer(kind: string, payload: JsonObject, out: Warning[]): void {
  const iss = payload['iss'];
  if (iss === undefined) return;
  if (typeof iss !== 'string') {
    out.push(warning('iss-type', 'iss is not a string'));
    return;
  }

  if (/[^\x00-\x7f]/.test(iss))
    out.push(warning('iss-non-ascii', 'iss contains non-ASCII characters (look-alike letters?)'));
  if ((kind === 'cognito-id' || kind === 'cognito-access') && !cognitoJwksUrl(iss)) {
    out.push(
      warning(
        'issuer-not-cognito',
        'looks like a Cognito token, but iss is not a Cognito user pool URL (an emulator, or a forgery?)',
      ),
    );
  }
}
