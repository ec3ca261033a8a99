import { createKeyStore } from '../src/core/keys/keyStore.ts';
import { createHttpGet } from '../src/core/keys/httpGet.ts';
import { inspectToken } from '../src/core/inspect.ts';
import { ecKey, rsaKey, albBlob, publicPem, startKeyServer, ISSUER, CLIENT_ID, ALB_ARN } from '../test/support/tokens.ts';
async function main() {
  const ec = ecKey(); const rsa = rsaKey();
  const now = Math.floor(Date.now() / 1000);
  const server = await startKeyServer({ '/keys': { body: JSON.stringify({ keys: [rsa.jwk] }) }, [`/alb/${ec.kid}`]: { contentType: 'application/octet-stream', body: publicPem(ec) } });
  const store = createKeyStore({ httpGet: createHttpGet(), now: () => Date.now() });
  const base = `${server.url}/alb`; const url = `${server.url}/keys`;
  await store.albKey(base, ec.kid); await store.jwks(url, { kid: rsa.kid });
  const blob = albBlob(ec, { header: { exp: now + 3600 }, payload: { exp: now + 3600 } });
  const o1 = { now, issuer: ISSUER, clientId: CLIENT_ID, albArn: ALB_ARN, keySource: { type: 'alb' as const, baseUrl: base } };
  const o2 = { ...o1, keySource: { type: 'pem' as const, pem: publicPem(ec), label: 'x' } };
  const deps = { keys: store };
  const fns: [string, () => unknown][] = [
    ['albKey', () => store.albKey(base, ec.kid)],
    ['jwks', () => store.jwks(url, { kid: rsa.kid })],
    ['inspect alb loopback', () => inspectToken(blob, o1, deps)],
    ['inspect alb pem', () => inspectToken(blob, o2, deps)],
  ];
  const res = new Map<string, number[]>();
  for (let r = 0; r < 31; r++) for (const [name, fn] of fns) { const n = name.startsWith('inspect') ? 100 : 2000; const t0 = performance.now(); for (let i = 0; i < n; i++) await fn(); (res.get(name) ?? res.set(name, []).get(name)!).push((performance.now() - t0) * 1000 / n); }
  for (const [name, v] of res) console.log(name.padEnd(22), [...v].sort((a, b) => a - b)[15]!.toFixed(2), 'µs');
  await server.close();
}
void main();
