// HMAC secrets people actually use: short ones and the ones in every tutorial are guessable.

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

/** Why the secret is weak, or undefined. RFC 7518 §3.2: at least as many bytes as the hash output. */
export function weakSecretReason(secret: Uint8Array): string | undefined {
  const text = Buffer.from(secret).toString('utf8').trim().toLowerCase();
  if (COMMON_SECRETS.has(text)) return 'it is in the list of common secrets';
  if (secret.length < 32) return `only ${secret.length} bytes (HS256 needs at least 32)`;
  return undefined;
}
