// HMAC secrets people actually use: short ones and the ones in every tutorial are guessable, and public keys
// passed as secrets are the algorithm-confusion attack.
import { X509Certificate, createPublicKey } from 'node:crypto';

const COMMON_SECRETS = new Set([
  'secret',
  'password',
  'changeme',
  'change-me',
  'your-256-bit-secret',
  'your-secret-key',
  'secretkey',
  'secret-key',
  'jwt-secret',
  'jwtsecret',
  'mysecret',
  'supersecret',
  'test',
  'key',
  '123456',
  'qwerty',
  'admin',
  'default',
  'shhhhh',
  'keyboard cat',
]);

/** RFC 7518 §3.2: an HMAC key at least as long as the hash output. */
export const MIN_HMAC_SECRET_BYTES: Readonly<Record<string, number>> = { HS256: 32, HS384: 48, HS512: 64 };

/** Why the secret is weak for `alg`, or undefined. RFC 7518 §3.2: at least as many bytes as the hash output. */
export function weakSecretReason(secret: Uint8Array, alg = 'HS256'): string | undefined {
  const text = Buffer.from(secret).toString('utf8').trim().toLowerCase();
  if (COMMON_SECRETS.has(text)) return 'it is in the list of common secrets';
  const minimum = Object.hasOwn(MIN_HMAC_SECRET_BYTES, alg) ? (MIN_HMAC_SECRET_BYTES[alg] ?? 32) : 32;
  if (secret.length < minimum) {
    return `only ${secret.length} bytes (${alg} needs at least ${minimum}, its hash output, per RFC 7518 §3.2)`;
  }
  return undefined;
}

// Text public keys are published in: PEM blocks, JWK JSON, OpenSSH one-liners.
const PEM_BEGIN = /-----BEGIN ([A-Z0-9 ]{1,40})-----/;
const SSH_PUBLIC_KEY = /^(ssh-rsa|ssh-ed25519|ssh-ed448|ssh-dss|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]/;

/**
 * What public-key material this HMAC secret is, or undefined. Keying HMAC with a key that is public is the
 * algorithm-confusion attack (RFC 8725 §2.1): anyone holding the published key can mint valid HS* tokens.
 */
export function publicKeyMaterial(secret: Uint8Array): string | undefined {
  const bytes = Buffer.from(secret);
  // Only the start matters, and a secret file can be large: look at a bounded prefix.
  const head = bytes.subarray(0, 4096).toString('latin1').trimStart();
  const pem = PEM_BEGIN.exec(head);
  if (pem) return `a PEM "${pem[1] ?? ''}" block`;
  if (SSH_PUBLIC_KEY.test(head)) return `an OpenSSH public key (${head.split(' ')[0] ?? ''})`;
  if (head.startsWith('{') && looksLikeJwk(bytes)) return 'a JWK or JWK set (JSON with "kty")';
  // DER starts with a SEQUENCE; only a successful parse names it (random secrets start with 0x30 too).
  if (bytes[0] === 0x30) return derKeyMaterial(bytes);
  return undefined;
}

function derKeyMaterial(bytes: Buffer): string | undefined {
  try {
    new X509Certificate(bytes);
    return 'a DER-encoded certificate';
  } catch {
    // not a certificate: try a public key
  }
  for (const type of ['spki', 'pkcs1'] as const) {
    try {
      createPublicKey({ key: bytes, format: 'der', type });
      return `a DER-encoded public key (${type})`;
    } catch {
      // try the next encoding
    }
  }
  return undefined;
}

function looksLikeJwk(bytes: Buffer): boolean {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return false;
  }
  if (typeof value !== 'object' || value === null) return false;
  const keys = (value as { keys?: unknown }).keys;
  const first: unknown = Array.isArray(keys) ? keys[0] : value;
  return typeof first === 'object' && first !== null && typeof (first as { kty?: unknown }).kty === 'string';
}
