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
import { LastPassed } from './sharedChecks.ts';
import { show, shortText } from './showValue.ts';

/** The key check plus what the signature check needs: one public key or one secret, or neither. */
export interface ResolvedKeys {
  check: Check;
  sourceLabel: string;
  key: VerificationKey | undefined;
  secret: Uint8Array | undefined;
  /** Set when the kid names no key of the set. */
  noMatchingKid: string | undefined;
  /** The kid check once the kid named the selected key (built with the selection, shared and frozen). */
  kidMatched?: Check;
}

/** The last kid found to be a UUID: the kid check and the key lookup both ask, and an ALB reuses its kid. */
let lastUuidKid: string | undefined;

function isUuidKidRemembered(kid: string): boolean {
  if (kid === lastUuidKid) return true;
  if (!isUuidKid(kid)) return false;
  lastUuidKid = kid;
  return true;
}

// The passed kid checks for the last kid (tokens of one key share it), shared and frozen.
const uuidKidPassed = new LastPassed();
const kidPresent = new LastPassed();
const uuidKidCheck = (kid: string): Check => check('kid', 'pass', 'UUID kid', { actual: kid });
const kidPresentCheck = (kid: string): Check =>
  check('kid', 'pass', 'kid present', { actual: shortText(kid) });

export function kidCheck(token: DecodedToken, options: VerifyOptions): Check {
  const kid = token.header?.['kid'];
  const source = options.keySource?.type;
  if (token.kind === 'alb-data' && (source === undefined || source === 'alb')) {
    if (typeof kid !== 'string')
      return check('kid', 'fail', 'an ALB token needs a kid (a UUID naming its key)', {
        actual: show(kid),
        reason: kid === undefined ? 'missing' : 'malformed',
      });
    if (!isUuidKidRemembered(kid)) {
      return check(
        'kid',
        'fail',
        'the ALB kid is not a UUID: refused before any request (it would be put in a URL)',
        { actual: shortText(kid), reason: 'malformed' },
      );
    }
    return uuidKidPassed.get(kid, uuidKidCheck);
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
  return kidPresent.get(kid, kidPresentCheck);
}

/** Once the keys are known, a kid that passed may turn out to name no key of the set. */
export function refineKid(kid: Check, keys: ResolvedKeys): Check {
  if (kid.status === 'skip' || kid.status === 'fail') return kid;
  if (keys.noMatchingKid)
    return check('kid', 'fail', keys.noMatchingKid, { actual: kid.actual, reason: 'mismatch' });
  if (kid.status === 'pass' && keys.key?.kid !== undefined) {
    if (keys.kidMatched !== undefined && keys.kidMatched.actual === kid.actual) return keys.kidMatched;
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
        kid === undefined ? reloadOption(options) : { kid, reload: options.reloadKeys === true },
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
      if (kid === undefined || !isUuidKidRemembered(kid))
        return none('skip', 'not fetched: the kid is not a UUID', 'depends', base);
      label = albLabel(base, kid);
      result = await keyProvider.albKey(base, kid, reloadOption(options));
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
  if (set.warnings.length > 0) warnings.push(...set.warnings);
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

const RELOAD = Object.freeze({ reload: true });
const NO_RELOAD = Object.freeze({ reload: false });

/** The key provider's options without a kid: one of two constants instead of an object per lookup. */
function reloadOption(options: VerifyOptions): { reload: boolean } {
  return options.reloadKeys === true ? RELOAD : NO_RELOAD;
}

/** The last ALB key label: one string per base and kid, so the selection memo finds it without rehashing. */
let lastAlbLabel: { base: string; kid: string; label: string } | undefined;

function albLabel(base: string, kid: string): string {
  if (lastAlbLabel === undefined || lastAlbLabel.base !== base || lastAlbLabel.kid !== kid)
    lastAlbLabel = { base, kid, label: `${base}/${kid}` };
  return lastAlbLabel.label;
}

type SelectionMemo = Map<string, Map<string, Map<string | undefined, ResolvedKeys>>>;
/**
 * Per key set (its identity changes on every refetch), the selection for each label, alg and kid (undefined: no
 * kid), one memo for sets searched by kid and one for single given keys. Nested maps, not a joined key: the
 * strings come from the (cached) header and the options, so their hashes are reused.
 */
const selections = new WeakMap<KeySet, SelectionMemo>();
const singleKeySelections = new WeakMap<KeySet, SelectionMemo>();
/**
 * Kids come from tokens: a flood of distinct unknown kids must not grow the memo without bound. A set has one
 * label in practice (its URL or source label) and algs are from the short supported list.
 */
const MAX_KIDS = 64;
const MAX_LABELS = 4;
const MAX_ALGS = 16;

/**
 * Select and vet the key of `set` for this alg and kid (a single given key is not selected by kid). The answer
 * depends on nothing else, and tokens of one issuer share it, so it is remembered per set. It is frozen, its
 * check included: every caller shares it and none can change it for the next token.
 */
function selectedKey(
  set: KeySet,
  alg: string,
  kid: string | undefined,
  singleKey: boolean,
  label: string,
): ResolvedKeys {
  const memos = singleKey ? singleKeySelections : selections;
  let byLabel = memos.get(set);
  if (byLabel === undefined) {
    byLabel = new Map();
    memos.set(set, byLabel);
  }
  let byAlg = byLabel.get(label);
  if (byAlg === undefined) {
    if (byLabel.size >= MAX_LABELS) byLabel.clear();
    byAlg = new Map();
    byLabel.set(label, byAlg);
  }
  let byKid = byAlg.get(alg);
  if (byKid === undefined) {
    if (byAlg.size >= MAX_ALGS) byAlg.clear();
    byKid = new Map();
    byAlg.set(alg, byKid);
  }
  let resolved = byKid.get(kid);
  if (resolved === undefined) {
    resolved = freezeResolved(selectFromSet(set, alg, kid, singleKey, label));
    if (byKid.size >= MAX_KIDS) byKid.clear();
    byKid.set(kid, resolved);
  }
  return resolved;
}

function freezeResolved(resolved: ResolvedKeys): ResolvedKeys {
  Object.freeze(resolved.check);
  return Object.freeze(resolved);
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
    ...(kid === undefined || key.kid === undefined
      ? {}
      : {
          kidMatched: Object.freeze(
            check('kid', 'pass', `matches a key in ${label}`, { actual: shortText(kid) }),
          ),
        }),
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

/** The last signer ARN and the regional key endpoint it names (tokens of one load balancer share both). */
let lastAlbBase: { arn: string; base: string | undefined } | undefined;

function defaultAlbBase(token: DecodedToken, options: VerifyOptions): string | undefined {
  const arn = options.albArn ?? token.header?.['signer'];
  if (typeof arn !== 'string') return undefined;
  if (lastAlbBase?.arn !== arn) {
    const region = regionFromAlbArn(arn);
    lastAlbBase = { arn, base: region ? albKeyBaseUrl(region) : undefined };
  }
  return lastAlbBase.base;
}
