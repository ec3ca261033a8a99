// Warnings a debugger raises from the token alone (none of them stop decoding).
import { PII_CLAIMS } from './claimMeanings.ts';
import type { DecodeResult } from './decode.ts';
import { warning } from './findings.ts';
import type { Warning } from './findings.ts';
import { isCognitoIssuer } from './awsIdentifiers.ts';
import { hasInvisible } from './textSafety.ts';
import { duration } from './timeFormat.ts';
import type { JsonObject, JsonValue } from './types.ts';

const SUSPICIOUS_KID = /[\\'"`\s\u0000-\u001f]|\.\./;
const BASE64_KID = /^[A-Za-z0-9+/]+={0,2}$/;
const ONE_DAY = 86400;
const MAX_NAMES_LISTED = 5;
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
  // The walk visits every claim; text with no source of an invisible character (decode.ts) cannot need it.
  const hidden = decoded.maybeInvisible ? namesWithInvisible(header, payload) : [];
  if (hidden.length > 0) {
    const listed = hidden
      .slice(0, MAX_NAMES_LISTED)
      .map((name) => JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name));
    const more = hidden.length > MAX_NAMES_LISTED ? ` and ${hidden.length - MAX_NAMES_LISTED} more` : '';
    out.push(
      warning(
        'invisible-characters',
        `invisible, control or bidirectional characters in ${listed.join(', ')}${more}: text may not read as it looks (they are shown escaped)`,
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

/**
 * Claims (top-level names, "header.x" for the header) whose name or any nested key or string holds a character
 * of textSafety's table. The decoded JSON is already capped in size and depth, so this walk is bounded.
 */
function namesWithInvisible(header: JsonObject, payload: JsonObject): string[] {
  const names: string[] = [];
  for (const [prefix, object] of [
    ['header.', header],
    ['', payload],
  ] as const) {
    for (const [name, value] of Object.entries(object)) {
      if (hasInvisible(name) || valueHasInvisible(value)) names.push(`${prefix}${name}`);
    }
  }
  return names;
}

function valueHasInvisible(root: JsonValue): boolean {
  const pending: JsonValue[] = [root];
  for (let value = pending.pop(); value !== undefined; value = pending.pop()) {
    if (typeof value === 'string') {
      if (hasInvisible(value)) return true;
    } else if (Array.isArray(value)) {
      for (const item of value) pending.push(item);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (hasInvisible(key)) return true;
        pending.push(inner);
      }
    }
  }
  return false;
}

const ISSUER_CACHE_LIMIT = 32;
/** Longer text is never a Cognito issuer (about 90 characters at most) and is not remembered. */
const ISSUER_CACHE_KEY_LENGTH = 256;
const cognitoIssuerVerdicts = new Map<string, boolean>();

/**
 * isCognitoIssuer, remembered: a session sees the same few issuers on every token. At most 32 entries of at most
 * 256 characters, so an attacker's issuers cannot grow it.
 */
function isCognitoIssuerCached(iss: string): boolean {
  if (iss.length > ISSUER_CACHE_KEY_LENGTH) return isCognitoIssuer(iss);
  const known = cognitoIssuerVerdicts.get(iss);
  if (known !== undefined) return known;
  const verdict = isCognitoIssuer(iss);
  if (cognitoIssuerVerdicts.size >= ISSUER_CACHE_LIMIT) cognitoIssuerVerdicts.clear();
  cognitoIssuerVerdicts.set(iss, verdict);
  return verdict;
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
  if ((kind === 'cognito-id' || kind === 'cognito-access') && !isCognitoIssuerCached(iss)) {
    out.push(
      warning(
        'issuer-not-cognito',
        'looks like a Cognito token, but iss is not a Cognito user pool URL (an emulator, or a forgery?)',
      ),
    );
  }
}
