// Signature verification with node:crypto on cached KeyObjects: the fast, synchronous hot path.
import { constants, createHmac, timingSafeEqual, verify as cryptoVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { CheckReason } from './findings.ts';

interface AlgorithmSpec {
  family: 'RSA' | 'RSA-PSS' | 'EC' | 'OKP' | 'HMAC';
  hash: string | null;
  /** EC curve the key must be on, and the raw r||s length. */
  curve?: string;
  signatureLength?: number;
}

const ALGORITHMS: Record<string, AlgorithmSpec> = {
  RS256: { family: 'RSA', hash: 'sha256' },
  RS384: { family: 'RSA', hash: 'sha384' },
  RS512: { family: 'RSA', hash: 'sha512' },
  PS256: { family: 'RSA-PSS', hash: 'sha256' },
  PS384: { family: 'RSA-PSS', hash: 'sha384' },
  PS512: { family: 'RSA-PSS', hash: 'sha512' },
  ES256: { family: 'EC', hash: 'sha256', curve: 'prime256v1', signatureLength: 64 },
  ES384: { family: 'EC', hash: 'sha384', curve: 'secp384r1', signatureLength: 96 },
  ES512: { family: 'EC', hash: 'sha512', curve: 'secp521r1', signatureLength: 132 },
  // jose 6 reads EdDSA as Ed25519; RFC 9864's fully-specified Ed25519 names the same check.
  EdDSA: { family: 'OKP', hash: null },
  Ed25519: { family: 'OKP', hash: null },
  HS256: { family: 'HMAC', hash: 'sha256' },
  HS384: { family: 'HMAC', hash: 'sha384' },
  HS512: { family: 'HMAC', hash: 'sha512' },
};

/** Every algorithm this verifier implements (never `none`). */
export const SUPPORTED_ALGORITHMS = Object.keys(ALGORITHMS);
/** Public-key algorithms, the default for generic JWTs verified against a key set. */
export const ASYMMETRIC_ALGORITHMS = SUPPORTED_ALGORITHMS.filter((alg) => !alg.startsWith('HS'));
export const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'];

/** A refusal in words plus its typed reason, so the key and signature checks can carry both. */
export interface SignatureProblem {
  message: string;
  reason: CheckReason;
}

/** Why this key cannot verify this algorithm, or undefined when it can. */
export function keyMismatch(alg: string, key: KeyObject): SignatureProblem | undefined {
  const spec = Object.hasOwn(ALGORITHMS, alg) ? ALGORITHMS[alg] : undefined;
  if (!spec) return { message: `${alg} is not a supported algorithm`, reason: 'unsupported' };
  if (spec.family === 'HMAC')
    return { message: `${alg} needs a shared secret, not a public key`, reason: 'mismatch' };
  if (key.type !== 'public') return { message: 'the key is not a public key', reason: 'unsupported' };
  const type = key.asymmetricKeyType;
  if (spec.family === 'RSA' || spec.family === 'RSA-PSS') {
    if (type !== 'rsa' && !(spec.family === 'RSA-PSS' && type === 'rsa-pss'))
      return { message: `an ${describe(key)} cannot verify ${alg}`, reason: 'mismatch' };
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    // Refused, not merely warned about: 'unsupported' (CheckReason 'weak' means accepted but weak).
    if (bits < 2048)
      return { message: `the RSA key has ${bits} bits; at least 2048 are required`, reason: 'unsupported' };
    return undefined;
  }
  if (spec.family === 'EC') {
    if (type !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== spec.curve) {
      return { message: `an ${describe(key)} cannot verify ${alg}`, reason: 'mismatch' };
    }
    return undefined;
  }
  if (type !== 'ed25519')
    return {
      message: `an ${describe(key)} cannot verify ${alg} (it needs an Ed25519 key)`,
      reason: 'mismatch',
    };
  return undefined;
}

/** "RSA 2048-bit key", "EC P-256 key"... */
export function describe(key: KeyObject): string {
  const details = key.asymmetricKeyDetails;
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss':
      return `RSA ${details?.modulusLength ?? '?'}-bit key`;
    case 'ec':
      return `EC ${curveName(details?.namedCurve)} key`;
    default:
      return `${key.asymmetricKeyType ?? key.type} key`;
  }
}

function curveName(curve: string | undefined): string {
  if (curve === 'prime256v1') return 'P-256';
  if (curve === 'secp384r1') return 'P-384';
  if (curve === 'secp521r1') return 'P-521';
  return curve ?? '?';
}

export type SignatureOutcome = { ok: true } | ({ ok: false } & SignatureProblem);

/** Verify a signature with a public key. Never throws. */
export function verifyWithKey(
  alg: string,
  signingInput: string,
  signature: Uint8Array,
  key: KeyObject,
): SignatureOutcome {
  const spec = Object.hasOwn(ALGORITHMS, alg) ? ALGORITHMS[alg] : undefined;
  if (!spec || spec.family === 'HMAC')
    return { ok: false, message: `${alg} cannot be verified with a public key`, reason: 'mismatch' };
  if (signature.length === 0)
    return { ok: false, message: 'the signature segment is empty', reason: 'missing' };
  if (spec.family === 'EC') {
    if (signature.length !== spec.signatureLength) {
      return {
        ok: false,
        message: `an ${alg} signature is ${spec.signatureLength} bytes of raw r||s; this one is ${signature.length} bytes (DER-encoded or truncated?)`,
        reason: 'malformed',
      };
    }
    const half = signature.length / 2;
    if (isZero(signature, 0, half) || isZero(signature, half, signature.length)) {
      return {
        ok: false,
        message: 'r or s is zero (the "psychic signature", CVE-2022-21449)',
        reason: 'malformed',
      };
    }
  }
  try {
    const data = signingBytes(signingInput);
    const options =
      spec.family === 'EC'
        ? { key, dsaEncoding: 'ieee-p1363' as const }
        : spec.family === 'RSA-PSS'
          ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
          : key;
    const ok = cryptoVerify(spec.hash, data, options, signature);
    return ok
      ? { ok: true }
      : {
          ok: false,
          message: 'the signature does not match the key and the signed content',
          reason: 'mismatch',
        };
  } catch (error) {
    return {
      ok: false,
      message: `the signature could not be checked (${(error as Error).message})`,
      reason: 'malformed',
    };
  }
}

/** Verify an HMAC signature with a user-given secret. Never throws. */
export function verifyWithSecret(
  alg: string,
  signingInput: string,
  signature: Uint8Array,
  secret: Uint8Array,
): SignatureOutcome {
  const spec = Object.hasOwn(ALGORITHMS, alg) ? ALGORITHMS[alg] : undefined;
  if (!spec || spec.family !== 'HMAC' || !spec.hash)
    return { ok: false, message: `${alg} cannot be verified with a shared secret`, reason: 'mismatch' };
  const expected = createHmac(spec.hash, secret).update(signingBytes(signingInput)).digest();
  if (expected.length !== signature.length || !timingSafeEqual(expected, signature)) {
    return { ok: false, message: 'the HMAC does not match this secret', reason: 'mismatch' };
  }
  return { ok: true };
}

/** Whether bytes[from, to) are all zero (indices, not subarray views: this runs on every EC verification). */
/**
 * One buffer, reused for every signing input: verification is synchronous and keeps no reference to its input,
 * so no caller can see the bytes change. Saves a copy from Buffer's pool (and its garbage) per verification.
 */
const signingScratch = Buffer.allocUnsafe(16 * 1024);

/** The signing input's bytes (base64url text, so latin1 is exact), valid until the next call. */
function signingBytes(signingInput: string): Buffer {
  if (signingInput.length > signingScratch.length) return Buffer.from(signingInput, 'latin1');
  const length = signingScratch.write(signingInput, 0, 'latin1');
  return signingScratch.subarray(0, length);
}

function isZero(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (bytes[i] !== 0) return false;
  return true;
}
