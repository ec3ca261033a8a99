// Shared fixtures: keys, tokens, a loopback key server and warm key stores, built once per run.
import { verify as cryptoVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { createHttpGet } from '../src/core/keys/httpGet.ts';
import { cognitoJwksUrl } from '../src/core/awsIdentifiers.ts';
import { createKeyStore } from '../src/core/keys/keyStore.ts';
import type { HttpGet, KeyProvider } from '../src/core/keys/types.ts';
import {
  ISSUER,
  accessClaims,
  albBlob,
  ecKey,
  idClaims,
  publicPem,
  rsaKey,
  signToken,
  startKeyServer,
} from '../test/support/tokens.ts';
import type { KeyServer, TestKey } from '../test/support/tokens.ts';

export interface Fixtures {
  rsa: TestKey;
  ec: TestKey;
  now: number;
  server: KeyServer;
  jwksUrl: string;
  albBase: string;
  store: KeyProvider;
  /** Store whose fetcher answers the real Cognito JWKS URL from memory (the derived-URL path). */
  cognitoStore: KeyProvider;
  idTokens: string[];
  accessTokens: string[];
  albTokens: string[];
}

/** Distinct tokens per kind, cycled through so consecutive calls do not see the same token. */
export const POOL = 16;

export async function createFixtures(): Promise<Fixtures> {
  const rsa = rsaKey();
  const ec = ecKey();
  const now = Math.floor(Date.now() / 1000);
  const times = { iat: now - 60, auth_time: now - 60, exp: now + 3600 };
  const idTokens: string[] = [];
  const accessTokens: string[] = [];
  const albTokens: string[] = [];
  for (let i = 0; i < POOL; i++) {
    idTokens.push(
      signToken({ kid: rsa.kid, alg: 'RS256' }, idClaims({ ...times, jti: `id-${i}` }), rsa.privateKey),
    );
    accessTokens.push(
      signToken({ kid: rsa.kid, alg: 'RS256' }, accessClaims({ ...times, jti: `ac-${i}` }), rsa.privateKey),
    );
    albTokens.push(
      albBlob(ec, { header: { exp: now + 3600 }, payload: { exp: now + 3600, username: `user-${i}` } }),
    );
  }
  const jwksBody = JSON.stringify({ keys: [rsa.jwk] });
  const server = await startKeyServer({
    '/keys': { body: jwksBody },
    [`/alb/${ec.kid}`]: { contentType: 'application/octet-stream', body: publicPem(ec) },
  });
  const store = createKeyStore({ httpGet: createHttpGet(), now: () => Date.now() });
  const cognitoUrl = cognitoJwksUrl(ISSUER) as string;
  const memoryGet: HttpGet = (url) =>
    url === cognitoUrl
      ? Promise.resolve({
          status: 200,
          contentType: 'application/json',
          body: new TextEncoder().encode(jwksBody),
        })
      : Promise.resolve({ status: 404, contentType: 'text/plain', body: new Uint8Array(0) });
  const cognitoStore = createKeyStore({ httpGet: memoryGet, now: () => Date.now() });
  return {
    rsa,
    ec,
    now,
    server,
    jwksUrl: `${server.url}/keys`,
    albBase: `${server.url}/alb`,
    store,
    cognitoStore,
    idTokens,
    accessTokens,
    albTokens,
  };
}

/** The `i`-th element, cycling. */
export function pick<T>(list: T[], i: number): T {
  return list[i % list.length] as T;
}

/** Signing input and decoded signature: what the floor contenders verify without any parsing. */
export function split(token: string): { data: Buffer; signature: Buffer } {
  const dot = token.lastIndexOf('.');
  return {
    data: Buffer.from(token.slice(0, dot), 'latin1'),
    signature: Buffer.from(token.slice(dot + 1), 'base64url'),
  };
}

/** The floor: `crypto.verify` on bytes already split and decoded, with a cached KeyObject. */
export function floorVerify(p: { data: Buffer; signature: Buffer }, key: KeyObject, ec: boolean): boolean {
  const ok = ec
    ? cryptoVerify('sha256', p.data, { key, dsaEncoding: 'ieee-p1363' }, p.signature)
    : cryptoVerify('sha256', p.data, key, p.signature);
  if (!ok) throw new Error('floor: signature did not verify');
  return ok;
}

/** Fails the run when the core rejects a benchmark token: timing a rejection would measure the wrong path. */
export async function assertValid(
  label: string,
  promise: Promise<{ valid: boolean; checks: { id: string; status: string; message: string }[] }>,
): Promise<void> {
  const report = await promise;
  if (!report.valid) {
    const failed = report.checks.filter((c) => c.status === 'fail').map((c) => `${c.id}: ${c.message}`);
    throw new Error(`${label}: the core did not accept the benchmark token (${failed.join('; ')})`);
  }
}
