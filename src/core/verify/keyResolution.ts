// Key resolution: where keys come from (given or derived), fetch or peek, select one, refine the kid check.
import { albKeyBaseUrl, cognitoJwksUrl, regionFromAlbArn } from '../awsIdentifiers.ts';
import { check } from '../findings.ts';
import type { Check, CheckReason, CheckStatus, Warning } from '../findings.ts';
import { warning } from '../findings.ts';
import { isUuidKid } from '../keys/alb.ts';
import { CACHE_ONLY_WHY, cacheOnlyKeys } from '../keys/cacheOnly.ts';
import { parseJwks, parsePem, selectKeys } from '../keys/jwks.ts';
import type { KeyError, KeyResult, KeySet, VerificationKey, VerifyDeps } from '../keys/types.ts';
import { HMAC_ALGORITHMS, describe, keyMismatch } from '../signature.ts';
import type { DecodedToken, KeySource, VerifyOptions } from '../types.ts';
import { publicKeyMaterial, weakSecretReason } from '../weakSecrets.ts';
import { show, shortText } from './showValue.ts';

/** The key check plus what the signature check needs: one public key or one secret, or neither. */
export interface ResolvedKeys {
  check: Check;
  sourceLabel: string;
  key: VerificationKey | undefined;
  secret: Uint8Array | undefined;
  /** Set when the kid names no key of the set. */
  noMatchingKid: string | undefined;
}

export function kidCheck(token: DecodedToken, options: VerifyOptions): Check {
  const kid = token.header?.['kid'];
  const source = options.keySource?.type;
  if (token.kind === 'alb-data' && (source === undefined || source === 'alb')) {
    if (typeof kid !== 'string')
      return check('kid', 'fail', 'an ALB token needs a kid (a UUID naming its key)', {
        actual: show(kid),
        reason: kid === undefined ? 'missing' : 'malformed',
      });
    if (!isUuidKid(kid)) {
      return check(
        'kid',
        'fail',
        'the ALB kid is not a UUID: refused before any request (it would be put in a URL)',
        { actual: shortText(kid), reason: 'malformed' },
      );
    }
    return check('kid', 'pass', 'UUID kid', { actual: kid });
  }
  if (source === 'pem' || source === 'secret') {
    return check('kid', 'skip', 'a single key was given: the kid is not used to select it', {
      actual: kid === undefined ? undefined : shortText(show(kid)),
      reason: 'not-applicable',
    });
  }
  if (kid === undefined)
    return check('kid', 'warn', 'no kid: the key set must hold exactly one usable key', {
      reason: 'missing',
    });
  if (typeof kid !== 'string')
    return check('kid', 'fail', 'kid must be a string', { actual: show(kid), reason: 'malformed' });
  return check('kid', 'pass', 'kid present', { actual: shortText(kid) });
}

/** Once the keys are known, a kid that passed may turn out to name no key of the set. */
export function refineKid(kid: Check, keys: ResolvedKeys): Check {
  if (kid.status === 'skip' || kid.status === 'fail') return kid;
  if (keys.noMatchingKid)
    return check('kid', 'fail', keys.noMatchingKid, { actual: kid.actual, reason: 'mismatch' });
  if (kid.status === 'pass' && keys.key?.kid !== undefined) {
    return check('kid', 'pass', `matches a key in ${keys.sourceLabel}`, { actual: kid.actual });
  }
  return kid;
}

const parsedInlineSources = new WeakMap<object, KeyResult<KeySet>>();

/** No key: the key check says why (module level: a closure per call costs on the hot path). */
function none(
  status: CheckStatus,
  message: string,
  reason: CheckReason,
  sourceLabel = 'no key source',
): ResolvedKeys {
  return {
    check: check('key', status, message, { reason }),
    sourceLabel,
    key: undefined,
    secret: undefined,
    noMatchingKid: undefined,
  };
}

export async function resolveKeys(
  token: DecodedToken,
  alg: string,
  options: VerifyOptions,
  deps: VerifyDeps,
  warnings: Warning[],
): Promise<ResolvedKeys> {
  const source = options.keySource ?? deriveKeySource(token, options);
  if (!source) {
    return none(
      'fail',
      token.kind === 'jwt'
        ? 'no key source: give a JWKS URL or file, a PEM file or (for HS*) a secret'
        : 'no key source: the issuer is not a Cognito user pool URL, so no JWKS URL can be derived; give one',
      'no-key-source',
    );
  }
  if (source.type === 'secret') {
    if (!HMAC_ALGORITHMS.includes(alg))
      return none('fail', `a shared secret cannot verify ${alg}`, 'mismatch', source.label);
    const material = publicKeyMaterial(source.secret);
    const confusion = material
      ? `the HMAC secret from ${source.label} is ${material}: keying ${alg} with public-key material is the algorithm-confusion attack (RFC 8725 §2.1), anyone holding the published key can mint tokens`
      : undefined;
    if (confusion && options.allowPublicKeySecret !== true) {
      return none(
        'fail',
        `${confusion}; refused (allow it explicitly, e.g. --allow-public-key-secret, only if the issuer really uses this text as its shared secret)`,
        'unsupported',
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
    return none('fail', 'the kid is not a string, so it names no key', 'malformed');
  }
  const kid = headerKid;
  // allowNetwork: false is the same cache-only view the hover and Restricted Mode use: one mechanism.
  const keyProvider =
    options.allowNetwork === false ? cacheOnlyKeys(deps.keys, CACHE_ONLY_WHY.offline) : deps.keys;
  let result: KeyResult<KeySet>;
  let label: string;
  switch (source.type) {
    case 'jwks-url':
      label = source.url;
      result = await keyProvider.jwks(
        source.url,
        kid === undefined
          ? { reload: options.reloadKeys === true }
          : { kid, reload: options.reloadKeys === true },
      );
      break;
    case 'alb': {
      const base = source.baseUrl ?? defaultAlbBase(token, options);
      if (!base)
        return none(
          'fail',
          'no ALB key endpoint: the signer ARN names no region; give the key URL',
          'no-key-source',
        );
      if (kid === undefined || !isUuidKid(kid))
        return none('skip', 'not fetched: the kid is not a UUID', 'depends', base);
      label = `${base}/${kid}`;
      result = await keyProvider.albKey(base, kid, { reload: options.reloadKeys === true });
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
  if (!result.ok) {
    const remote = source.type === 'jwks-url' || source.type === 'alb';
    const reason = keyErrorReason(result.error.code, remote);
    // A key we did not look at is not a failed key: skipped, reason not-cached (isValid still needs a signature).
    if (reason === 'not-cached') return none('skip', `not checked: ${result.error.message}`, reason, label);
    return none('fail', result.error.message, reason, label);
  }
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
  return selectedKey(set, alg, kid, source.type === 'pem', label);
}

/** Per key set (its identity changes on every refetch), the selection for each (alg, kid, label). */
const selections = new WeakMap<KeySet, Map<string, ResolvedKeys>>();
/** Kids come from tokens: a flood of distinct unknown kids must not grow the memo without bound. */
const MAX_SELECTIONS_PER_SET = 64;

/**
 * Select and vet the key of `set` for this alg and kid (a single given key is not selected by kid). The answer depends on nothing else, and tokens of
 * one issuer share it, so it is remembered per set; each caller gets its own copy of the check.
 */
function selectedKey(
  set: KeySet,
  alg: string,
  kid: string | undefined,
  singleKey: boolean,
  label: string,
): ResolvedKeys {
  let memo = selections.get(set);
  if (memo === undefined) {
    memo = new Map();
    selections.set(set, memo);
  }
  const memoKey = `${alg}\u0000${kid === undefined ? '-' : `+${kid}`}\u0000${singleKey ? 1 : 0}${label}`;
  let resolved = memo.get(memoKey);
  if (resolved === undefined) {
    resolved = selectFromSet(set, alg, kid, singleKey, label);
    if (memo.size >= MAX_SELECTIONS_PER_SET) memo.clear();
    memo.set(memoKey, resolved);
  }
  return { ...resolved, check: { ...resolved.check } };
}

function selectFromSet(
  set: KeySet,
  alg: string,
  kid: string | undefined,
  singleKey: boolean,
  label: string,
): ResolvedKeys {
  const selectOptions = singleKey ? { alg } : { alg, ...(kid === undefined ? {} : { kid }) };
  const selection = selectKeys(set, selectOptions);
  const key = selection.keys.length === 1 ? selection.keys[0] : undefined;
  if (!key) {
    const message = selection.problem?.message ?? `no matching key in ${label}`;
    const noKid = kid !== undefined && !set.keys.some((k) => k.kid === kid);
    // No key named (or none at all) is 'missing'; keys named but unfit for this alg/use is 'mismatch'.
    const reason: CheckReason =
      selection.problem?.code === 'ambiguous-key'
        ? 'ambiguous'
        : noKid || set.keys.length === 0
          ? 'missing'
          : 'mismatch';
    return {
      check: check('key', 'fail', message, { reason }),
      sourceLabel: label,
      key: undefined,
      secret: undefined,
      noMatchingKid: noKid ? `no key with this kid in ${label}` : undefined,
    };
  }
  const mismatch = keyMismatch(alg, key.keyObject);
  if (mismatch) {
    return {
      check: check('key', 'fail', `${mismatch.message} (${label})`, { reason: mismatch.reason }),
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

/** A key error as a check reason: endpoint failures are `key-fetch-failed`, bad given material `malformed`. */
function keyErrorReason(code: KeyError['code'], remote: boolean): CheckReason {
  switch (code) {
    case 'insecure-url':
      return 'unsupported';
    case 'invalid-url':
    case 'invalid-kid':
    case 'invalid-pem':
      return 'malformed';
    case 'no-key':
      return 'missing';
    case 'not-cached':
      return 'not-cached';
    case 'not-json':
    case 'malformed-key-set':
      return remote ? 'key-fetch-failed' : 'malformed';
    case 'timeout':
    case 'too-large':
    case 'http-status':
    case 'redirect':
    case 'content-type':
    case 'network':
      return 'key-fetch-failed';
  }
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
function deriveKeySource(token: DecodedToken, options: VerifyOptions): KeySource | undefined {
  if (token.kind === 'alb-data') return { type: 'alb' };
  const expectedUrl = options.issuer === undefined ? undefined : derivedJwksUrl(options.issuer);
  if (expectedUrl) return { type: 'jwks-url', url: expectedUrl };
  if (options.issuer !== undefined) return undefined;
  const url = derivedJwksUrl(token.payload?.['iss']);
  return url ? { type: 'jwks-url', url } : undefined;
}

/** Issuers whose derived JWKS URL (or its absence) is remembered: a session sees the same few. */
const derivedUrls = new Map<string, string | undefined>();
const MAX_DERIVED_URLS = 32;
/** Longer issuers are parsed every time rather than kept. */
const MAX_REMEMBERED_ISSUER_LENGTH = 256;

/** cognitoJwksUrl, remembered per issuer string: the parse is pure and the same for every token of a pool. */
function derivedJwksUrl(iss: unknown): string | undefined {
  if (typeof iss !== 'string' || iss.length > MAX_REMEMBERED_ISSUER_LENGTH) return cognitoJwksUrl(iss);
  if (derivedUrls.has(iss)) return derivedUrls.get(iss);
  const url = cognitoJwksUrl(iss);
  if (derivedUrls.size >= MAX_DERIVED_URLS) derivedUrls.clear();
  derivedUrls.set(iss, url);
  return url;
}

function defaultAlbBase(token: DecodedToken, options: VerifyOptions): string | undefined {
  const arn = options.albArn ?? token.header?.['signer'];
  const region = typeof arn === 'string' ? regionFromAlbArn(arn) : undefined;
  return region ? albKeyBaseUrl(region) : undefined;
}
