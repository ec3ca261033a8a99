import { verify as cv } from 'node:crypto';
import { createKeyStore } from '../src/core/keys/keyStore.ts';
import { inspectToken } from '../src/core/inspect.ts';
import { decodeToken } from '../src/core/decode.ts';
import { verifyDecoded } from '../src/core/verify.ts';
import { lintToken } from '../src/core/lints.ts';
import { rsaKey, signToken, idClaims, ISSUER, CLIENT_ID } from '../test/support/tokens.ts';
async function main() {
  const k = rsaKey();
  const now = Math.floor(Date.now() / 1000);
  const id = signToken({ kid: k.kid, alg: 'RS256' }, idClaims({ iat: now, exp: now + 3600, auth_time: now }), k.privateKey);
  const body = new TextEncoder().encode(JSON.stringify({ keys: [k.jwk] }));
  const store = createKeyStore({ httpGet: () => Promise.resolve({ status: 200, contentType: 'application/json', body }), now: () => Date.now() });
  const options = { now, issuer: ISSUER, audience: [CLIENT_ID], tokenUse: 'id' as const, keySource: { type: 'jwks-url' as const, url: 'https://example.com/keys' } };
  const deps = { keys: store };
  await inspectToken(id, options, deps);
  const d = decodeToken(id);
  const dot = id.lastIndexOf('.'); const data = Buffer.from(id.slice(0, dot)); const sig = Buffer.from(id.slice(dot + 1), 'base64url');
  let s = 0; const t0 = performance.now(); for (let i = 0; i < 100000; i++) s += (await inspectToken(id, options, deps)).valid ? 1 : 0; console.log("inspect µs", ((performance.now() - t0) * 10).toFixed(1) / 1000 * 1000 / 1000, s); return;
    ['floor crypto.verify', () => cv('sha256', data, k.publicKey, sig)],
    ['inspectToken', () => inspectToken(id, options, deps)],
    ['decodeToken', () => decodeToken(id)],
    ['verifyDecoded (incl crypto)', () => verifyDecoded(d, options, deps)],
    ['lintToken', () => lintToken(d, now)],
  ];
  const res = new Map<string, number[]>();
  for (let r = 0; r < 41; r++) for (const [name, fn] of (r % 2 ? fns : [...fns].reverse())) { const n = 200; const t0 = performance.now(); for (let i = 0; i < n; i++) await fn(); (res.get(name) ?? res.set(name, []).get(name)!).push((performance.now() - t0) * 1000 / n); }
  for (const [name, v] of res) console.log(name.padEnd(30), [...v].sort((a, b) => a - b)[20]!.toFixed(2), 'µs');
}
void main();
