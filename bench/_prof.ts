import { decodeReport, inspectToken } from '../src/core/inspect.ts';
import { decodeToken } from '../src/core/decode.ts';
import { rsaKey, signToken, accessClaims, idClaims, ISSUER, CLIENT_ID } from '../test/support/tokens.ts';
import { createKeyStore } from '../src/core/keys/keyStore.ts';
async function main() {
  const k = rsaKey();
  const now = Math.floor(Date.now() / 1000);
  const t = signToken({ kid: k.kid, alg: 'RS256' }, accessClaims({ iat: now, exp: now + 3600, auth_time: now }), k.privateKey);
  const id = signToken({ kid: k.kid, alg: 'RS256' }, idClaims({ iat: now, exp: now + 3600, auth_time: now }), k.privateKey);
  const mode = process.argv[2];
  if (mode === 'decode') {
    let s = 0; const t0 = performance.now();
    for (let i = 0; i < 300000; i++) s += decodeReport(t, now).claims.length;
    console.log('decodeReport µs', ((performance.now() - t0) * 1000 / 300000).toFixed(2), s);
  } else {
    const body = new TextEncoder().encode(JSON.stringify({ keys: [k.jwk] }));
    const store = createKeyStore({ httpGet: () => Promise.resolve({ status: 200, contentType: 'application/json', body }), now: () => Date.now() });
    const options = { now, issuer: ISSUER, audience: [CLIENT_ID], tokenUse: 'id' as const };
    const deps = { keys: store };
    let s = 0; const t0 = performance.now();
    for (let i = 0; i < 60000; i++) s += (await inspectToken(id, options, deps)).valid ? 1 : 0;
    console.log('inspect µs', ((performance.now() - t0) * 1000 / 60000).toFixed(2), s);
  }
}
void main();
