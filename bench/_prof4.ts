import { inspectToken } from '../src/core/inspect.ts';
import { createKeyStore } from '../src/core/keys/keyStore.ts';
import { rsaKey, signToken, idClaims, ISSUER, CLIENT_ID } from '../test/support/tokens.ts';
async function main() {
  const k = rsaKey();
  const now = Math.floor(Date.now() / 1000);
  const id = signToken({ kid: k.kid, alg: 'RS256' }, idClaims({ iat: now, exp: now + 3600, auth_time: now }), k.privateKey);
  const body = new TextEncoder().encode(JSON.stringify({ keys: [k.jwk] }));
  const store = createKeyStore({ httpGet: () => Promise.resolve({ status: 200, contentType: 'application/json', body }), now: () => Date.now() });
  const options = { now, issuer: ISSUER, audience: [CLIENT_ID], tokenUse: 'id' as const, keySource: { type: 'jwks-url' as const, url: 'https://example.com/keys' } };
  const deps = { keys: store };
  let s = 0;
  for (let i = 0; i < 100000; i++) s += (await inspectToken(id, options, deps)).valid ? 1 : 0;
  console.log(s);
}
void main();
