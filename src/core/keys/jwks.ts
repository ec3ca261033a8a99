// Turning untrusted key material (JWKS JSON, PEM text) into vetted public KeyObjects, and picking the key.
import { createPublicKey } from 'node:crypto';
import type { JsonWebKey, KeyObject } from 'node:crypto';
import { warning } from '../findings.ts';
import type { Warning } from '../findings.ts';
import { pemBlocks } from '../textScan.ts';
import { displayText, fail, ok } from './keyErrors.ts';
import type { KeyError, KeyResult, KeySet, VerificationKey } from './types.ts';

/** Deeper JSON than this is not a key set (and would make recursive walkers overflow). */
export const MAX_JSON_DEPTH = 32;
/** More members than this is not a key set a verifier should walk. */
export const MAX_KEYS = 100;
/** Smallest RSA modulus accepted (RFC 7518 §3.3). */
export const MIN_RSA_BITS = 2048;

/** Warning ids raised here, so the verifier and tests can match them. */
export const KEY_WARNING = {
  privateKey: 'key-private',
  symmetric: 'key-symmetric',
  weakRsa: 'key-weak-rsa',
  invalid: 'key-invalid',
  unsupported: 'key-unsupported',
  duplicateKid: 'key-duplicate-kid',
  pemMultiple: 'pem-multiple',
} as const;

// `k` is a symmetric secret: on an asymmetric key it is just as much a leak.
const RSA_PRIVATE = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;
const EC_PRIVATE = ['d', 'k'] as const;
const B64URL = /^[A-Za-z0-9_-]*$/;
const CURVE_NAMES: Record<string, string> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
  secp256k1: 'secp256k1',
};
/** Which key a signature algorithm needs: kty, and the curve for EC/OKP. */
const ALG_KEYS: Record<string, { kty: VerificationKey['kty']; curves?: string[] }> = {
  RS256: { kty: 'RSA' },
  RS384: { kty: 'RSA' },
  RS512: { kty: 'RSA' },
  PS256: { kty: 'RSA' },
  PS384: { kty: 'RSA' },
  PS512: { kty: 'RSA' },
  ES256: { kty: 'EC', curves: ['P-256'] },
  ES384: { kty: 'EC', curves: ['P-384'] },
  ES512: { kty: 'EC', curves: ['P-521'] },
  ES256K: { kty: 'EC', curves: ['secp256k1'] },
  // As jose 6 does: EdDSA means Ed25519 here, and RFC 9864's fully-specified Ed25519 is the same check.
  EdDSA: { kty: 'OKP', curves: ['Ed25519'] },
  Ed25519: { kty: 'OKP', curves: ['Ed25519'] },
  HS256: { kty: 'oct' },
  HS384: { kty: 'oct' },
  HS512: { kty: 'oct' },
};

/** Fatal UTF-8 decoding: invalid bytes are an error, never U+FFFD. */
function decodeUtf8(body: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return undefined;
  }
}

/** HTML where keys were expected: typically a captive portal, proxy login or error page. */
function looksLikeHtml(contentType: string | undefined, text: string): boolean {
  const type = mediaType(contentType);
  if (type === 'text/html' || type === 'application/xhtml+xml') return true;
  return /^\s*<(!doctype\s+html|html|head|body|\?xml|!--)/i.test(text.slice(0, 200));
}

/** The bare media type of a Content-Type header, lower-cased, parameters dropped. */
function mediaType(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  return contentType.split(';')[0]?.trim().toLowerCase();
}

/**
 * Content-Type rule for JWKS responses: application/json or application/jwk-set+json (parameters allowed);
 * HTML is reported as a captive portal; a missing type is tolerated (the body must still be JSON).
 */
export function jwksContentTypeProblem(
  contentType: string | undefined,
  body: Uint8Array | string,
  source: string,
): KeyError | undefined {
  const text = typeof body === 'string' ? body.slice(0, 200) : (decodeUtf8(body.subarray(0, 200)) ?? '');
  if (looksLikeHtml(contentType, text)) return htmlError(source);
  const type = mediaType(contentType);
  if (type === undefined || type === 'application/json' || type === 'application/jwk-set+json')
    return undefined;
  return {
    code: 'content-type',
    message: `${displayText(source)}: expected a JSON key set but got content type "${displayText(type, 60)}"`,
  };
}

function htmlError(source: string): KeyError {
  return {
    code: 'content-type',
    message: `${displayText(source)}: got an HTML page instead of keys (captive portal or proxy page?)`,
  };
}

/** Deepest bracket nesting outside strings; stops counting once past `limit`. */
function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** JSON.parse with a depth cap and `__proto__`/`constructor` members dropped. */
function parseJsonSafely(text: string, source: string): KeyResult<unknown> {
  const shown = displayText(source);
  if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
    return fail('not-json', `${shown}: JSON nested deeper than ${MAX_JSON_DEPTH} levels; not a key set`);
  }
  try {
    return ok(
      JSON.parse(text, (key, value: unknown) =>
        key === '__proto__' || key === 'constructor' ? undefined : value,
      ) as unknown,
    );
  } catch (err) {
    const why = err instanceof Error ? displayText(err.message, 80) : 'parse error';
    return fail('not-json', `${shown}: the response is not valid JSON (${why})`);
  }
}

/**
 * Validates a JWKS and imports its usable public keys. `input` is the raw body (bytes or text) or an
 * already-parsed object (a local file or setting). Bad members are skipped with a warning; a set whose shape
 * is wrong is 'malformed-key-set'.
 */
export function parseJwks(
  input: unknown,
  source: string,
  options: { fetchedAt?: number } = {},
): KeyResult<KeySet> {
  const shown = displayText(source);
  let value = input;
  if (input instanceof Uint8Array || typeof input === 'string') {
    const text = typeof input === 'string' ? input : decodeUtf8(input);
    if (text === undefined) return fail('not-json', `${shown}: the response is not valid UTF-8`);
    if (looksLikeHtml(undefined, text)) return { ok: false, error: htmlError(source) };
    const parsed = parseJsonSafely(text, source);
    if (!parsed.ok) return parsed;
    value = parsed.value;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const what = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    return fail(
      'malformed-key-set',
      `${shown}: a key set must be an object with a "keys" array, got ${what}`,
    );
  }
  const members = (value as { keys?: unknown }).keys;
  if (!Array.isArray(members)) {
    return fail('malformed-key-set', `${shown}: the key set has no "keys" array`);
  }
  if (members.length > MAX_KEYS) {
    return fail(
      'malformed-key-set',
      `${shown}: the key set has ${members.length} keys (more than ${MAX_KEYS})`,
    );
  }
  const keys: VerificationKey[] = [];
  const warnings: Warning[] = [];
  for (let i = 0; i < members.length; i++) {
    const member: unknown = members[i];
    if (typeof member !== 'object' || member === null || Array.isArray(member)) {
      return fail('malformed-key-set', `${shown}: keys[${i}] is not a JSON object`);
    }
    const imported = importJwk(member as Record<string, unknown>, i, source);
    if ('warning' in imported) warnings.push(imported.warning);
    else keys.push(imported.key);
  }
  warnings.push(...duplicateKidWarnings(keys, source));
  return ok({ source, keys, warnings, fetchedAt: options.fetchedAt, stale: false });
}

function importJwk(
  jwk: Record<string, unknown>,
  index: number,
  source: string,
): { key: VerificationKey } | { warning: Warning } {
  const shown = displayText(source);
  const kid = jwk.kid;
  const label = typeof kid === 'string' ? `key kid "${displayText(kid, 80)}"` : `keys[${index}]`;
  const reject = (id: string, message: string) => ({
    warning: warning(id, `${label} in ${shown} ${message}`),
  });
  if (kid !== undefined && typeof kid !== 'string')
    return reject(KEY_WARNING.invalid, 'has a non-string kid; ignored');
  for (const name of ['kty', 'alg', 'use'] as const) {
    if (jwk[name] !== undefined && typeof jwk[name] !== 'string') {
      return reject(KEY_WARNING.invalid, `has a non-string "${name}"; ignored`);
    }
  }
  const keyOps: unknown = jwk.key_ops;
  if (keyOps !== undefined && !(Array.isArray(keyOps) && keyOps.every((op) => typeof op === 'string'))) {
    return reject(KEY_WARNING.invalid, 'has a "key_ops" that is not an array of strings; ignored');
  }
  const kty = jwk.kty as string | undefined;
  if (kty === undefined) return reject(KEY_WARNING.invalid, 'has no "kty"; ignored');
  if (kty === 'oct') {
    return reject(
      KEY_WARNING.symmetric,
      'is a symmetric (oct) key: a published key set must not contain shared secrets; ignored',
    );
  }
  if (kty !== 'RSA' && kty !== 'EC' && kty !== 'OKP') {
    return reject(KEY_WARNING.unsupported, `has unsupported kty "${displayText(kty, 20)}"; ignored`);
  }
  const privateParts = (kty === 'RSA' ? RSA_PRIVATE : EC_PRIVATE).filter((p) => jwk[p] !== undefined);
  if (privateParts.length > 0) {
    return reject(
      KEY_WARNING.privateKey,
      `contains private key parts (${privateParts.join(', ')}): private key published! The key was rejected; whoever published it must rotate it`,
    );
  }
  const fields =
    kty === 'RSA'
      ? (['n', 'e'] as const)
      : kty === 'EC'
        ? (['crv', 'x', 'y'] as const)
        : (['crv', 'x'] as const);
  const clean: Record<string, string> = { kty };
  for (const field of fields) {
    const v = jwk[field];
    if (typeof v !== 'string' || v === '' || (field !== 'crv' && !B64URL.test(v))) {
      return reject(KEY_WARNING.invalid, `has a missing or malformed "${field}"; ignored`);
    }
    clean[field] = v;
  }
  let keyObject: KeyObject;
  try {
    keyObject = createPublicKey({ key: clean as JsonWebKey, format: 'jwk' });
  } catch (err) {
    const why = err instanceof Error ? displayText(err.message, 80) : 'import failed';
    const hint = kty === 'EC' ? ' (point not on the curve, or wrong coordinate size?)' : '';
    return reject(KEY_WARNING.invalid, `could not be imported: ${why}${hint}; rejected`);
  }
  const described = describeKeyObject(keyObject);
  if ('problem' in described) return reject(described.warningId, `${described.problem}; rejected`);
  return {
    key: {
      kid: kid,
      kty: described.kty,
      alg: jwk.alg as string | undefined,
      use: jwk.use as string | undefined,
      keyOps,
      detail: described.detail,
      keyObject,
    },
  };
}

/** Key type, display detail and curve of an imported public key, or why it must not be used. */
function describeKeyObject(
  keyObject: KeyObject,
): { kty: VerificationKey['kty']; detail: string; curve?: string } | { problem: string; warningId: string } {
  if (keyObject.type !== 'public') return { problem: 'is not a public key', warningId: KEY_WARNING.invalid };
  const details = keyObject.asymmetricKeyDetails ?? {};
  switch (keyObject.asymmetricKeyType) {
    case 'rsa': {
      const bits = details.modulusLength ?? 0;
      if (bits < MIN_RSA_BITS) {
        return {
          problem: `is an RSA key of only ${bits} bits (minimum ${MIN_RSA_BITS})`,
          warningId: KEY_WARNING.weakRsa,
        };
      }
      const e = details.publicExponent ?? 0n;
      if (e < 3n || e % 2n === 0n) {
        return { problem: `has an unusable RSA public exponent (${e})`, warningId: KEY_WARNING.invalid };
      }
      return { kty: 'RSA', detail: `RSA ${bits}-bit` };
    }
    case 'ec': {
      const curve = CURVE_NAMES[details.namedCurve ?? ''];
      if (curve === undefined) {
        return {
          problem: `uses an unsupported curve (${details.namedCurve ?? 'unknown'})`,
          warningId: KEY_WARNING.unsupported,
        };
      }
      return { kty: 'EC', detail: curve, curve };
    }
    case 'ed25519':
      return { kty: 'OKP', detail: 'Ed25519', curve: 'Ed25519' };
    case 'ed448':
      return { kty: 'OKP', detail: 'Ed448', curve: 'Ed448' };
    default:
      return {
        problem: `is a ${keyObject.asymmetricKeyType ?? 'unknown'} key, which cannot verify JWT signatures`,
        warningId: KEY_WARNING.unsupported,
      };
  }
}

function duplicateKidWarnings(keys: VerificationKey[], source: string): Warning[] {
  const counts = new Map<string, number>();
  for (const key of keys) if (key.kid !== undefined) counts.set(key.kid, (counts.get(key.kid) ?? 0) + 1);
  return [...counts]
    .filter(([, n]) => n > 1)
    .map(([kid, n]) =>
      warning(
        KEY_WARNING.duplicateKid,
        `kid "${displayText(kid, 80)}" appears ${n} times in ${displayText(source)}; a token with this kid may not match one key unambiguously`,
      ),
    );
}

const PUBLIC_PEM_TYPES = new Set(['PUBLIC KEY', 'RSA PUBLIC KEY', 'CERTIFICATE']);

/**
 * One PEM public key (the ALB endpoint's answer, or --pem-file) as a KeySet. Private keys are refused, not
 * silently turned into public ones. `kid` labels the key (the ALB kid it was fetched for).
 */
export function parsePem(
  input: string | Uint8Array,
  label: string,
  options: { kid?: string; fetchedAt?: number } = {},
): KeyResult<KeySet> {
  const shown = displayText(label);
  const text = typeof input === 'string' ? input : decodeUtf8(input);
  if (text === undefined) return fail('invalid-pem', `${shown}: not valid UTF-8 text, so not a PEM key`);
  if (looksLikeHtml(undefined, text)) return { ok: false, error: htmlError(label) };
  const blocks = pemBlocks(text);
  if (blocks.some((b) => b.type.includes('PRIVATE KEY'))) {
    return fail(
      'invalid-pem',
      `${shown}: this PEM contains a PRIVATE key; give the public key instead (openssl pkey -pubout). If it was published, rotate it`,
    );
  }
  const first = blocks.find((b) => PUBLIC_PEM_TYPES.has(b.type));
  if (first === undefined) {
    const found =
      blocks.length > 0 ? `found only "${displayText(blocks[0]?.type ?? '', 40)}"` : 'no PEM block found';
    return fail('invalid-pem', `${shown}: expected a "-----BEGIN PUBLIC KEY-----" block; ${found}`);
  }
  let keyObject: KeyObject;
  try {
    keyObject = createPublicKey({ key: first.text, format: 'pem' });
  } catch (err) {
    const why = err instanceof Error ? displayText(err.message, 80) : 'import failed';
    return fail('invalid-pem', `${shown}: the PEM key could not be read (${why})`);
  }
  const described = describeKeyObject(keyObject);
  if ('problem' in described) return fail('invalid-pem', `${shown}: the key ${described.problem}`);
  const warnings: Warning[] = [];
  if (blocks.length > 1) {
    warnings.push(
      warning(
        KEY_WARNING.pemMultiple,
        `${shown} holds ${blocks.length} PEM blocks; only the first public key is used`,
      ),
    );
  }
  const key: VerificationKey = {
    kid: options.kid,
    kty: described.kty,
    alg: undefined,
    use: undefined,
    detail: described.detail,
    keyObject,
  };
  return ok({ source: label, keys: [key], warnings, fetchedAt: options.fetchedAt, stale: false });
}

/** Why no single key could be chosen. 'ambiguous-key' = several keys fit and we refuse to guess. */
export interface KeySelectionProblem {
  code: 'no-key' | 'ambiguous-key';
  message: string;
}

/** Result of selectKeys: exactly one key, or none plus a problem (ambiguous candidates listed separately). */
export interface KeySelection {
  keys: VerificationKey[];
  problem?: KeySelectionProblem;
  /** The keys that made the choice ambiguous, for display only: never verify with these. */
  candidates?: VerificationKey[];
}

/**
 * Picks the key for a token (RFC 7517): same kid (when the token has one), `use` "sig" when stated, `key_ops`
 * including "verify" when stated, JWK alg equal to the token alg when stated, and a key type/curve that can
 * verify that alg. Every key the kid names but these rules exclude is named, with why, in the problem.
 */
export function selectKeys(
  set: KeySet,
  token: { kid?: string | undefined; alg?: string | undefined },
): KeySelection {
  const { kid, alg } = token;
  const byKid = kid === undefined ? set.keys : set.keys.filter((k) => k.kid === kid);
  if (byKid.length === 0) {
    if (set.keys.length === 0) {
      return {
        keys: [],
        problem: { code: 'no-key', message: `${displayText(set.source)} has no usable keys` },
      };
    }
    const kids = set.keys.map((k) => (k.kid === undefined ? '(no kid)' : `"${displayText(k.kid, 60)}"`));
    const list = kids.length > 10 ? `${kids.slice(0, 10).join(', ')}, …` : kids.join(', ');
    return {
      keys: [],
      problem: {
        code: 'no-key',
        message: `no key with kid "${displayText(kid ?? '', 80)}" in ${displayText(set.source)} (it has ${list})`,
      },
    };
  }
  const reasons: string[] = [];
  const eligible = byKid.filter((key) => {
    const why = exclusionReason(key, alg);
    if (why !== undefined) reasons.push(why);
    return why === undefined;
  });
  if (eligible.length === 0) {
    return {
      keys: [],
      problem: {
        code: 'no-key',
        message: `no usable key in ${displayText(set.source)}: ${reasons.join('; ')}`,
      },
    };
  }
  if (eligible.length > 1) {
    const message =
      kid === undefined
        ? `the token has no kid and ${eligible.length} keys in ${displayText(set.source)} could match; refusing to guess`
        : `kid "${displayText(kid, 80)}" matches ${eligible.length} keys in ${displayText(set.source)}; refusing to guess`;
    return { keys: [], problem: { code: 'ambiguous-key', message }, candidates: eligible };
  }
  return { keys: eligible };
}

function exclusionReason(key: VerificationKey, alg: string | undefined): string | undefined {
  const name = key.kid === undefined ? 'the key' : `key "${displayText(key.kid, 60)}"`;
  if (key.use !== undefined && key.use !== 'sig') {
    return `${name} is for ${key.use === 'enc' ? 'encryption' : 'another use'} (use:"${displayText(key.use, 20)}"): only "sig" keys verify signatures`;
  }
  if (key.keyOps !== undefined && !key.keyOps.includes('verify')) {
    const ops = key.keyOps.map((op) => `"${displayText(op, 20)}"`).join(', ');
    return `${name} does not allow verification (key_ops: [${ops}] has no "verify")`;
  }
  if (alg === undefined) return undefined;
  if (key.alg !== undefined && key.alg !== alg) {
    return `${name} is for ${displayText(key.alg, 20)} but the token says ${displayText(alg, 20)}`;
  }
  const needs = ALG_KEYS[alg];
  if (needs === undefined) return `alg "${displayText(alg, 20)}" is not supported`;
  const curve = keyCurve(key);
  if (
    key.kty !== needs.kty ||
    (needs.curves !== undefined && (curve === undefined || !needs.curves.includes(curve)))
  ) {
    const detail = key.detail === '' ? '' : ` (${key.detail})`;
    return `${name} is an ${key.kty} key${detail}, which cannot verify ${alg}`;
  }
  return undefined;
}

function keyCurve(key: VerificationKey): string | undefined {
  if (key.keyObject.type === 'secret') return undefined;
  const d = describeKeyObject(key.keyObject);
  return 'curve' in d ? d.curve : undefined;
}
