// Every verification step spelled out as a Check, in the contract's order.
import { decodeSegment } from './base64url.ts';
import {
  SCOPE_RULES,
  defaultScopeRule,
  matchScopes,
  readAudiences,
  readScopes,
  registeredClaimProblems,
} from './claims.ts';
import { check } from './findings.ts';
import { kindInSentence } from './kindLabels.ts';
import type { Check, CheckStatus } from './findings.ts';
import type { DecodeResult } from './decode.ts';
import { albKeyBaseUrl, isUuidKid, regionFromAlbArn } from './keys/alb.ts';
import { parseJwks, parsePem, selectKeys } from './keys/jwks.ts';
import { cognitoJwksUrl } from './keys/keyUrls.ts';
import type { KeyResult, KeySet, VerificationKey, VerifyDeps } from './keys/types.ts';
import {
  ASYMMETRIC_ALGORITHMS,
  HMAC_ALGORITHMS,
  describe,
  keyMismatch,
  verifyWithKey,
  verifyWithSecret,
} from './signature.ts';
import type { SignatureOutcome } from './signature.ts';
import { trimTrailingSlashes } from './textScan.ts';
import { duration, isoTime, relativeTime } from './timeFormat.ts';
import type { DecodedToken, JsonObject, JsonValue, KeySource, TokenKind, VerifyOptions } from './types.ts';
import { publicKeyMaterial, weakSecretReason } from './weakSecrets.ts';
import { warning } from './findings.ts';
import type { Warning } from './findings.ts';

/** Checks and the warnings that verification (as opposed to decoding) raises. */
export interface VerifyOutcome {
  checks: Check[];
  warnings: Warning[];
}

/** Run every check on a decoded token. Never throws; network failures become failed checks. */
export async function verifyDecoded(
  decoded: DecodeResult,
  options: VerifyOptions,
  deps: VerifyDeps,
): Promise<VerifyOutcome> {
  const checks: Check[] = [decoded.format];
  const warnings: Warning[] = [];
  if (decoded.format.status === 'fail') return { checks, warnings };
  const token = decoded.token;
  const header = token.header ?? {};
  const payload = token.payload ?? {};
  const skew = Number.isFinite(options.clockSkewSeconds) ? Math.max(0, options.clockSkewSeconds ?? 0) : 0;

  const alg = algCheck(token, options);
  checks.push(alg.check);
  const kid = kidCheck(token, options);
  const keys = alg.alg === undefined ? undefined : await resolveKeys(token, alg.alg, options, deps, warnings);
  checks.push(kid.status === 'fail' || !keys ? kid : refineKid(kid, keys));
  checks.push(keys ? keys.check : check('key', 'skip', 'not looked up: the algorithm is not acceptable'));
  checks.push(signatureCheck(token, alg.alg, keys));

  checks.push(issCheck(token.kind, payload, options));
  checks.push(audCheck(token.kind, payload, options));
  checks.push(clientIdCheck(token.kind, payload, options));
  checks.push(tokenUseCheck(token.kind, payload, options));
  checks.push(expCheck(token.kind, header, payload, options.now, skew));
  checks.push(nbfCheck(payload, options.now, skew));
  checks.push(iatCheck(token.kind, payload, options.now, skew));
  checks.push(claimTypesCheck(payload));
  checks.push(scopeCheck(token.kind, payload, options));
  checks.push(signerCheck(token.kind, header, options));
  checks.push(clientCheck(token.kind, header, options));
  return { checks, warnings };
}

/** True when no check failed and the signature was actually verified. */
export function isValid(checks: readonly Check[]): boolean {
  return (
    checks.every((c) => c.status !== 'fail') &&
    checks.some((c) => c.id === 'signature' && c.status === 'pass')
  );
}

function algCheck(token: DecodedToken, options: VerifyOptions): { check: Check; alg: string | undefined } {
  const alg = token.header?.['alg'];
  if (alg === undefined) return { check: check('alg', 'fail', 'the header has no alg'), alg: undefined };
  if (typeof alg !== 'string') {
    return { check: check('alg', 'fail', 'alg must be a string', { actual: show(alg) }), alg: undefined };
  }
  if (/^none$/i.test(alg)) {
    return {
      check: check('alg', 'fail', 'alg "none" means unsigned: never accepted', { actual: alg }),
      alg: undefined,
    };
  }
  const allowed = allowedAlgorithms(token.kind, options);
  const expected = allowed.join(', ');
  if (!allowed.includes(alg)) {
    const why =
      options.keySource?.type !== 'secret' && HMAC_ALGORITHMS.includes(alg)
        ? ': HMAC algorithms are only accepted with an explicit secret (a public key used as an HMAC secret is the classic confusion attack)'
        : '';
    return {
      check: check('alg', 'fail', `${show(alg)} is not allowed for ${kindInSentence(token.kind)}${why}`, {
        actual: alg,
        expected,
      }),
      alg: undefined,
    };
  }
  return {
    check: check('alg', 'pass', `${alg} is allowed for ${kindInSentence(token.kind)}`, {
      actual: alg,
      expected,
    }),
    alg,
  };
}

/** RS256 for Cognito, ES256 for ALB blobs, HS* only with a secret, `none` never. */
export function allowedAlgorithms(kind: TokenKind, options: VerifyOptions): string[] {
  const secret = options.keySource?.type === 'secret';
  if (options.algorithms) {
    return options.algorithms.filter(
      (alg) => !/^none$/i.test(alg) && (secret || !HMAC_ALGORITHMS.includes(alg)),
    );
  }
  if (kind === 'cognito-id' || kind === 'cognito-access') return ['RS256'];
  if (kind === 'alb-data') return ['ES256'];
  return secret ? HMAC_ALGORITHMS : ASYMMETRIC_ALGORITHMS;
}

function kidCheck(token: DecodedToken, options: VerifyOptions): Check {
  const kid = token.header?.['kid'];
  const source = options.keySource?.type;
  if (token.kind === 'alb-data' && (source === undefined || source === 'alb')) {
    if (typeof kid !== 'string')
      return check('kid', 'fail', 'an ALB token needs a kid (a UUID naming its key)', { actual: show(kid) });
    if (!isUuidKid(kid)) {
      return check(
        'kid',
        'fail',
        'the ALB kid is not a UUID: refused before any request (it would be put in a URL)',
        {
          actual: shortText(kid),
        },
      );
    }
    return check('kid', 'pass', 'UUID kid', { actual: kid });
  }
  if (source === 'pem' || source === 'secret') {
    return check('kid', 'skip', 'a single key was given: the kid is not used to select it', {
      actual: kid === undefined ? undefined : shortText(show(kid)),
    });
  }
  if (kid === undefined) return check('kid', 'warn', 'no kid: the key set must hold exactly one usable key');
  if (typeof kid !== 'string') return check('kid', 'fail', 'kid must be a string', { actual: show(kid) });
  return check('kid', 'pass', 'kid present', { actual: shortText(kid) });
}

function refineKid(kid: Check, keys: ResolvedKeys): Check {
  if (kid.status === 'skip' || kid.status === 'fail') return kid;
  if (keys.noMatchingKid) return check('kid', 'fail', keys.noMatchingKid, { actual: kid.actual });
  if (kid.status === 'pass' && keys.key?.kid !== undefined) {
    return check('kid', 'pass', `matches a key in ${keys.sourceLabel}`, { actual: kid.actual });
  }
  return kid;
}

interface ResolvedKeys {
  check: Check;
  sourceLabel: string;
  key: VerificationKey | undefined;
  secret: Uint8Array | undefined;
  /** Set when the kid names no key of the set. */
  noMatchingKid: string | undefined;
}

const parsedInlineSources = new WeakMap<object, KeyResult<KeySet>>();

async function resolveKeys(
  token: DecodedToken,
  alg: string,
  options: VerifyOptions,
  deps: VerifyDeps,
  warnings: Warning[],
): Promise<ResolvedKeys> {
  const none = (status: CheckStatus, message: string, sourceLabel = 'no key source'): ResolvedKeys => ({
    check: check('key', status, message),
    sourceLabel,
    key: undefined,
    secret: undefined,
    noMatchingKid: undefined,
  });
  const source = options.keySource ?? deriveKeySource(token, options);
  if (!source) {
    return none(
      'fail',
      token.kind === 'jwt'
        ? 'no key source: give a JWKS URL or file, a PEM file or (for HS*) a secret'
        : 'no key source: the issuer is not a Cognito user pool URL, so no JWKS URL can be derived; give one',
    );
  }
  if (source.type === 'secret') {
    if (!HMAC_ALGORITHMS.includes(alg))
      return none('fail', `a shared secret cannot verify ${alg}`, source.label);
    const material = publicKeyMaterial(source.secret);
    const confusion = material
      ? `the HMAC secret from ${source.label} is ${material}: keying ${alg} with public-key material is the algorithm-confusion attack (RFC 8725 §2.1), anyone holding the published key can mint tokens`
      : undefined;
    if (confusion && options.allowPublicKeySecret !== true) {
      return none(
        'fail',
        `${confusion}; refused (allow it explicitly, e.g. --allow-public-key-secret, only if the issuer really uses this text as its shared secret)`,
        source.label,
      );
    }
    if (confusion)
      warnings.push(
        warning('hmac-public-key-secret', `${confusion}; accepted because it was explicitly allowed`),
      );
    const weak = weakSecretReason(source.secret, alg);
    if (weak)
      warnings.push(
        warning('weak-secret', `weak HMAC secret: ${weak}; anyone who guesses it can mint tokens`),
      );
    return {
      check: check('key', 'pass', `HMAC secret from ${source.label} (${source.secret.length} bytes)`),
      sourceLabel: source.label,
      key: undefined,
      secret: source.secret,
      noMatchingKid: undefined,
    };
  }

  const headerKid = token.header?.['kid'];
  // A kid that is present but not a string names no key (security.md #18): never fall back to "the only key".
  if (headerKid !== undefined && typeof headerKid !== 'string') {
    return none('fail', 'the kid is not a string, so it names no key');
  }
  const kid = headerKid;
  let result: KeyResult<KeySet> | undefined;
  let label: string;
  switch (source.type) {
    case 'jwks-url':
      label = source.url;
      result =
        options.allowNetwork === false
          ? cached(deps.keys.peekJwks(source.url))
          : await deps.keys.jwks(source.url, {
              ...(kid === undefined ? {} : { kid }),
              reload: options.reloadKeys === true,
            });
      break;
    case 'alb': {
      const base = source.baseUrl ?? defaultAlbBase(token, options);
      if (!base) return none('fail', 'no ALB key endpoint: the signer ARN names no region; give the key URL');
      if (kid === undefined || !isUuidKid(kid))
        return none('skip', 'not fetched: the kid is not a UUID', base);
      label = `${base}/${kid}`;
      result =
        options.allowNetwork === false
          ? cached(deps.keys.peekAlbKey(base, kid))
          : await deps.keys.albKey(base, kid, { reload: options.reloadKeys === true });
      break;
    }
    case 'jwks':
      label = source.label;
      result = inline(source, () => parseJwks(source.jwks, source.label));
      break;
    case 'pem':
      label = source.label;
      result = inline(source, () => parsePem(source.pem, source.label));
      break;
  }
  if (result === undefined) {
    return none(
      'skip',
      `not checked: keys from ${label} are not cached and the network is not used here`,
      label,
    );
  }
  if (!result.ok) return none('fail', result.error.message, label);
  const set = result.value;
  warnings.push(...set.warnings);
  if (set.stale) {
    warnings.push(
      warning(
        'stale-keys',
        `using the last good keys from ${label}, fetched ${set.fetchedAt === undefined ? 'earlier' : new Date(set.fetchedAt).toISOString()}: the latest fetch failed`,
      ),
    );
  }
  if (HMAC_ALGORITHMS.includes(alg) && set.keys.some((k) => k.kty !== 'oct')) {
    warnings.push(
      warning('hmac-with-asymmetric-issuer', `the token uses ${alg} but ${label} publishes public keys`),
    );
  }
  const selectOptions = source.type === 'pem' ? { alg } : { alg, ...(kid === undefined ? {} : { kid }) };
  const selection = selectKeys(set, selectOptions);
  const key = selection.keys.length === 1 ? selection.keys[0] : undefined;
  if (!key) {
    const message = selection.problem?.message ?? `no matching key in ${label}`;
    const noKid = kid !== undefined && !set.keys.some((k) => k.kid === kid);
    return {
      check: check('key', 'fail', message),
      sourceLabel: label,
      key: undefined,
      secret: undefined,
      noMatchingKid: noKid ? `no key with this kid in ${label}` : undefined,
    };
  }
  const mismatch = keyMismatch(alg, key.keyObject);
  if (mismatch) {
    return {
      check: check('key', 'fail', `${mismatch} (${label})`),
      sourceLabel: label,
      key: undefined,
      secret: undefined,
      noMatchingKid: undefined,
    };
  }
  const freshness = set.stale ? ' (stale copy)' : '';
  return {
    check: check('key', 'pass', `${describe(key.keyObject)} from ${label}${freshness}`),
    sourceLabel: label,
    key,
    secret: undefined,
    noMatchingKid: undefined,
  };
}

function cached(set: KeySet | undefined): KeyResult<KeySet> | undefined {
  return set ? { ok: true, value: set } : undefined;
}

function inline(source: object, parse: () => KeyResult<KeySet>): KeyResult<KeySet> {
  let result = parsedInlineSources.get(source);
  if (!result) {
    result = parse();
    parsedInlineSources.set(source, result);
  }
  return result;
}

/** Key source when none was given: a Cognito issuer's JWKS, or the ALB regional endpoint. */
export function deriveKeySource(token: DecodedToken, options: VerifyOptions): KeySource | undefined {
  if (token.kind === 'alb-data') return { type: 'alb' };
  const expectedUrl = options.issuer === undefined ? undefined : cognitoJwksUrl(options.issuer);
  if (expectedUrl) return { type: 'jwks-url', url: expectedUrl };
  if (options.issuer !== undefined) return undefined;
  const url = cognitoJwksUrl(token.payload?.['iss']);
  return url ? { type: 'jwks-url', url } : undefined;
}

function defaultAlbBase(token: DecodedToken, options: VerifyOptions): string | undefined {
  const arn = options.albArn ?? token.header?.['signer'];
  const region = typeof arn === 'string' ? regionFromAlbArn(arn) : undefined;
  return region ? albKeyBaseUrl(region) : undefined;
}

function signatureCheck(token: DecodedToken, alg: string | undefined, keys: ResolvedKeys | undefined): Check {
  if (alg === undefined) return check('signature', 'fail', 'not verified: the algorithm is not acceptable');
  if (!keys || keys.check.status === 'skip')
    return check('signature', 'skip', 'not checked: no key available here');
  let outcome: SignatureOutcome;
  const signature = decodeSegment(token.signatureSegment);
  if (keys.secret) outcome = verifyWithSecret(alg, token.signingInput, signature, keys.secret);
  else if (keys.key) outcome = verifyWithKey(alg, token.signingInput, signature, keys.key.keyObject);
  else return check('signature', 'fail', 'not verified: no usable key');
  if (!outcome.ok) return check('signature', 'fail', outcome.reason);
  const over = token.padded ? ' (over the padded segments, as the ALB signs)' : '';
  return check('signature', 'pass', `valid ${alg} signature${over}`);
}

function issCheck(kind: TokenKind, payload: JsonObject, options: VerifyOptions): Check {
  const iss = payload['iss'];
  if (iss !== undefined && typeof iss !== 'string') {
    return check('iss', 'fail', 'iss must be a string', { actual: show(iss), expected: options.issuer });
  }
  if (options.issuer !== undefined) {
    if (iss === options.issuer)
      return check('iss', 'pass', 'issuer matches exactly', { actual: iss, expected: options.issuer });
    return check(
      'iss',
      'fail',
      iss === undefined ? 'the token has no iss' : issuerDifference(iss, options.issuer),
      {
        actual: iss === undefined ? undefined : shortText(iss),
        expected: options.issuer,
      },
    );
  }
  if (iss === undefined)
    return check('iss', kind === 'jwt' ? 'skip' : 'warn', 'no iss claim and no expected issuer');
  if (kind === 'cognito-id' || kind === 'cognito-access') {
    return check(
      'iss',
      'warn',
      'issuer not pinned: a token from any user pool would pass; give the expected issuer',
      {
        actual: shortText(iss),
      },
    );
  }
  return check('iss', 'skip', 'not compared: no expected issuer given', { actual: shortText(iss) });
}

function issuerDifference(actual: string, expected: string): string {
  if (trimTrailingSlashes(actual) === trimTrailingSlashes(expected))
    return 'issuer differs by a trailing slash (compared exactly)';
  if (actual.toLowerCase() === expected.toLowerCase())
    return 'issuer differs only in letter case (compared exactly)';

  if (/[^\x00-\x7f]/.test(actual)) return 'issuer differs: it contains non-ASCII look-alike characters';
  return 'issuer differs from the expected one';
}

function audCheck(kind: TokenKind, payload: JsonObject, options: VerifyOptions): Check {
  const aud = payload['aud'];
  const reading = readAudiences(payload);
  if ('problem' in reading) return check('aud', 'fail', reading.problem, { actual: show(aud) });
  const audiences = reading.present ? reading.audiences : undefined;
  const expected =
    options.audience ??
    (options.clientId === undefined || kind === 'alb-data' ? undefined : [options.clientId]);
  if (kind === 'cognito-access') {
    return check('aud', 'skip', 'access tokens carry client_id instead of aud', {
      actual: aud === undefined ? undefined : show(aud),
    });
  }
  if (kind === 'alb-data')
    return check('aud', 'skip', 'ALB tokens have no audience: signer and client identify them');
  if (!expected) {
    return check('aud', 'skip', 'not compared: no expected audience or client id given', {
      actual: aud === undefined ? undefined : show(aud),
    });
  }
  if (audiences === undefined) {
    if (kind === 'jwt')
      return check('aud', 'skip', 'no aud: client_id is compared instead (as API Gateway does)', {
        expected: expected.join(', '),
      });
    return check('aud', 'fail', 'the ID token has no aud', { expected: expected.join(', ') });
  }
  const matched = audiences.find((value) => expected.includes(value));
  return matched
    ? check('aud', 'pass', 'audience matches', { actual: show(aud), expected: expected.join(', ') })
    : check('aud', 'fail', 'the token is for another audience (app client)', {
        actual: show(aud),
        expected: expected.join(', '),
      });
}

function clientIdCheck(kind: TokenKind, payload: JsonObject, options: VerifyOptions): Check {
  const clientId = payload['client_id'];
  if (kind === 'cognito-id') return check('client_id', 'skip', 'ID tokens carry aud instead of client_id');
  if (kind === 'alb-data') return check('client_id', 'skip', 'ALB tokens carry the client in their header');
  const expected =
    kind === 'cognito-access'
      ? options.clientId === undefined
        ? options.audience
        : [options.clientId]
      : payload['aud'] === undefined
        ? (options.audience ?? (options.clientId === undefined ? undefined : [options.clientId]))
        : undefined;
  if (!expected) {
    return check('client_id', 'skip', 'not compared', {
      actual: clientId === undefined ? undefined : show(clientId),
    });
  }
  if (clientId === undefined)
    return check('client_id', 'fail', 'the token has no client_id', { expected: expected.join(', ') });
  if (typeof clientId !== 'string')
    return check('client_id', 'fail', 'client_id must be a string', { actual: show(clientId) });
  return expected.includes(clientId)
    ? check('client_id', 'pass', 'client_id matches', { actual: clientId, expected: expected.join(', ') })
    : check('client_id', 'fail', 'the token was issued to another app client', {
        actual: clientId,
        expected: expected.join(', '),
      });
}

function tokenUseCheck(kind: TokenKind, payload: JsonObject, options: VerifyOptions): Check {
  const use = payload['token_use'];
  const expected = options.tokenUse;
  if (expected === undefined) {
    if (kind === 'cognito-id' || kind === 'cognito-access') {
      return check('token_use', 'skip', `not compared: this is ${kindInSentence(kind)}`, {
        actual: show(use),
      });
    }
    return check('token_use', 'skip', 'not a Cognito token');
  }
  if (use === expected)
    return check('token_use', 'pass', `${expected} token, as expected`, { actual: expected, expected });
  const wrong =
    use === 'access' && expected === 'id'
      ? 'wrong token kind: this is an access token but an ID token is expected (e.g. an API Gateway Cognito authorizer on a method without OAuth scopes)'
      : use === 'id' && expected === 'access'
        ? 'wrong token kind: this is an ID token but an access token is expected (e.g. a method with OAuth scopes)'
        : `wrong token kind: token_use must be "${expected}"`;
  return check('token_use', 'fail', wrong, { actual: use === undefined ? undefined : show(use), expected });
}

/** A NumericDate claim: a finite JSON number, or why not. */
function numericDate(value: JsonValue | undefined): { value: number } | { problem: string } | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number') return { problem: `must be a number (got ${show(value)})` };
  if (!Number.isFinite(value)) return { problem: 'must be a finite number' };
  return { value };
}

function expCheck(
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
          )
        : check('exp', 'warn', 'no exp: this token never expires');
    }
    if ('problem' in parsed) return check('exp', 'fail', `${name} ${parsed.problem}`, { actual: show(raw) });
    const exp = parsed.value;
    if (exp <= now - skew) {
      return check(
        'exp',
        'fail',
        `${name === 'exp' ? 'expired' : 'the ALB header expired'} ${relativeTime(exp, now)}`,
        {
          actual: isoTime(exp),
          expected: `after ${isoTime(now - skew)}`,
        },
      );
    }
    const note = exp <= now ? ` (within the ${skew} s clock skew)` : '';
    latest = check('exp', 'pass', `expires ${relativeTime(exp, now)}${note}`);
  }
  return latest ?? check('exp', 'fail', 'no exp');
}

function nbfCheck(payload: JsonObject, now: number, skew: number): Check {
  const parsed = numericDate(payload['nbf']);
  if (parsed === undefined) return check('nbf', 'skip', 'no nbf claim');
  if ('problem' in parsed)
    return check('nbf', 'fail', `nbf ${parsed.problem}`, { actual: show(payload['nbf']) });
  const nbf = parsed.value;
  if (nbf > now + skew) {
    return check('nbf', 'fail', `not valid yet: usable ${relativeTime(nbf, now)}`, {
      actual: isoTime(nbf),
      expected: `before ${isoTime(now + skew)}`,
    });
  }
  if (nbf > now)
    return check('nbf', 'pass', `in the future by ${duration(nbf - now)}, within the ${skew} s clock skew`, {
      actual: isoTime(nbf),
    });
  return check('nbf', 'pass', `valid since ${relativeTime(nbf, now)}`);
}

function iatCheck(kind: TokenKind, payload: JsonObject, now: number, skew: number): Check {
  const parsed = numericDate(payload['iat']);
  if (parsed === undefined)
    return check('iat', kind === 'jwt' || kind === 'alb-data' ? 'skip' : 'warn', 'no iat claim');
  if ('problem' in parsed)
    return check('iat', 'fail', `iat ${parsed.problem}`, { actual: show(payload['iat']) });
  const iat = parsed.value;
  if (iat > now + skew)
    return check('iat', 'warn', `issued in the future (${relativeTime(iat, now)}): check the clocks`, {
      actual: isoTime(iat),
    });
  return check('iat', 'pass', `issued ${relativeTime(iat, now)}`);
}

/** RFC 7519 §4.1: `sub` and `jti` are strings (iss, aud and the NumericDates have checks of their own). */
function claimTypesCheck(payload: JsonObject): Check {
  const problems = registeredClaimProblems(payload);
  if (problems.length > 0) return check('claim_types', 'fail', problems.join('; '));
  const present = (['sub', 'jti'] as const).filter((name) => Object.hasOwn(payload, name));
  if (present.length === 0) return check('claim_types', 'skip', 'no sub or jti claim');
  return check(
    'claim_types',
    'pass',
    `${present.join(' and ')} ${present.length > 1 ? 'are strings' : 'is a string'} (RFC 7519)`,
  );
}

/** Scopes for display: every usable `scope`/`scp` shape (the JWT authorizer's reading, the most inclusive). */
export function tokenScopes(payload: JsonObject): string[] | undefined {
  return readScopes(payload, SCOPE_RULES['jwt-authorizer']).scopes;
}

function scopeCheck(kind: TokenKind, payload: JsonObject, options: VerifyOptions): Check {
  const rule = SCOPE_RULES[options.scopeRule ?? defaultScopeRule(kind)];
  const required = options.requiredScopes;
  if (!required || required.length === 0) {
    return check('scope', 'skip', 'no scopes required', {
      actual: readScopes(payload, rule).scopes?.join(' '),
    });
  }
  const match = matchScopes(payload, required, rule);
  const expected = `any of: ${required.join(' ')}`;
  const unread = match.ignored.length > 0 ? ` (${match.ignored.join('; ')})` : '';
  if (match.noScopeClaim) {
    const why =
      kind === 'cognito-id'
        ? 'ID tokens carry no scopes: send the access token'
        : `no scope claim ${rule.reader} reads${unread}`;
    return check('scope', 'fail', `${why}; ${rule.otherShapes}`, { expected });
  }
  const actual = match.granted.join(' ');
  return match.hit !== undefined
    ? check('scope', 'pass', `has ${match.hit} (scopes read as ${rule.reader} reads them)`, {
        actual,
        expected,
      })
    : check(
        'scope',
        'fail',
        `none of the required scopes is granted as ${rule.reader} reads scopes${unread}; ${rule.otherShapes}`,
        {
          actual,
          expected,
        },
      );
}

function signerCheck(kind: TokenKind, header: JsonObject, options: VerifyOptions): Check {
  if (kind !== 'alb-data') return check('signer', 'skip', 'only ALB tokens have a signer');
  const signer = header['signer'];
  if (options.albArn === undefined) {
    return check(
      'signer',
      'warn',
      "signer not checked: give the expected load balancer ARN (any ALB's token verifies against the regional key)",
      {
        actual: show(signer),
      },
    );
  }
  return signer === options.albArn
    ? check('signer', 'pass', 'signed by the expected load balancer', {
        actual: options.albArn,
        expected: options.albArn,
      })
    : check('signer', 'fail', 'signed by a different load balancer', {
        actual: show(signer),
        expected: options.albArn,
      });
}

function clientCheck(kind: TokenKind, header: JsonObject, options: VerifyOptions): Check {
  if (kind !== 'alb-data') return check('client', 'skip', 'only ALB tokens have a client header');
  const client = header['client'];
  if (options.clientId === undefined)
    return check('client', 'skip', 'not compared: no client id given', { actual: show(client) });
  return client === options.clientId
    ? check('client', 'pass', 'app client matches', { actual: options.clientId, expected: options.clientId })
    : check('client', 'fail', 'the ALB authenticated with another app client', {
        actual: show(client),
        expected: options.clientId,
      });
}

/** Compact JSON for messages, cut to a readable length. */
export function show(value: JsonValue | undefined): string {
  if (value === undefined) return 'undefined';
  return shortText(typeof value === 'string' ? value : JSON.stringify(value));
}

function shortText(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
