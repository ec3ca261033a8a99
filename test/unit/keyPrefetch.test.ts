// Issue 12: a hover reads cached keys only, says "Not verified" when they are missing, and fetches them in the
// background (trusted workspace only, one request per key URL) so the next hover shows the real verdict.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { tokenVerdict } from '../../src/core/explain/verdict.ts';
import { createHttpGet } from '../../src/core/keys/httpGet.ts';
import { createKeyStore } from '../../src/core/keys/keyStore.ts';
import type { KeyProvider } from '../../src/core/keys/types.ts';
import type { TokenReport, VerifyOptions } from '../../src/core/types.ts';
import { decodeToken, inspectDecoded } from '../../src/core/verify/inspect.ts';
import { keyAccess, keyProviderFor } from '../../src/vscode/keyAccess.ts';
import {
  KeyPrefetcher,
  PREFETCH_RETRY_MS,
  missedKeyUrl,
  recordingMisses,
} from '../../src/vscode/keyPrefetch.ts';
import type { MissedKey } from '../../src/vscode/keyPrefetch.ts';
import type { Harness } from '../fixtures/simulate/harness.ts';
import { ISSUER, NOW, startHarness } from '../fixtures/simulate/harness.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

function freshStore(): KeyProvider {
  return createKeyStore({ httpGet: createHttpGet(), now: () => Date.now(), timeoutMs: 2000 });
}

function options(path = '/jwks.json'): VerifyOptions {
  return { now: NOW, issuer: ISSUER, keySource: { type: 'jwks-url', url: `${h.base}${path}` } };
}

/** What the hover does: cache-only verification (a trusted workspace's hover access), noting missed keys. */
async function hoverVerify(
  store: KeyProvider,
  token: string,
  path = '/jwks.json',
): Promise<{ report: TokenReport; missed: MissedKey[] }> {
  const missed: MissedKey[] = [];
  const keys = recordingMisses(keyProviderFor(store, keyAccess('hover', true)), missed);
  const report = await inspectDecoded(decodeToken(token), options(path), { keys });
  return { report, missed };
}

function jwksRequests(path = '/jwks.json'): number {
  return h.requests.filter((url) => url === path).length;
}

/** A token whose payload was changed after signing (the signature is the original one). */
function tampered(token: string): string {
  const [head = '', payload = '', signature = ''] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  claims['cognito:groups'] = ['admin', 'finance'];
  return `${head}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}

describe('hover key prefetch', () => {
  test('keys not cached: Not verified, one background request per key URL, then the real verdict', async () => {
    const store = freshStore();
    const token = await h.idToken();
    const first = await hoverVerify(store, token);
    const verdict = tokenVerdict(first.report);
    assert.equal(verdict.status, 'not-verified');
    assert.match(verdict.sentence, /keys are not cached/);
    assert.deepEqual(first.missed, [{ type: 'jwks', url: `${h.base}/jwks.json`, kid: first.missed[0]?.kid }]);
    assert.ok(first.missed[0]?.kid, 'the kid goes with the request');

    const before = jwksRequests();
    const prefetcher = new KeyPrefetcher((access) => keyProviderFor(store, access));
    const trusted = keyAccess('verify', true);
    assert.equal(prefetcher.prefetch(first.missed, trusted), 'started');
    // Hovers moving over the token while the fetch runs start nothing new.
    for (let i = 0; i < 20; i++) assert.equal(prefetcher.prefetch(first.missed, trusted), 'in-flight');
    await prefetcher.settled();
    assert.equal(jwksRequests() - before, 1, 'one request for twenty-one hovers');

    const next = await hoverVerify(store, token);
    assert.deepEqual(next.missed, []);
    assert.equal(tokenVerdict(next.report).status, 'valid', tokenVerdict(next.report).sentence);
  });

  test('Restricted Mode: nothing is fetched', async () => {
    const store = freshStore();
    const { missed } = await hoverVerify(store, await h.idToken());
    const before = h.requests.length;
    const prefetcher = new KeyPrefetcher((access) => keyProviderFor(store, access));
    assert.equal(prefetcher.prefetch(missed, keyAccess('verify', false)), 'not-allowed');
    await prefetcher.settled();
    assert.equal(h.requests.length, before);
    assert.equal((await hoverVerify(store, await h.idToken())).missed.length, 1, 'still not cached');
  });

  test('a failed fetch is not retried on every hover, only after the retry pause or Reload keys', async () => {
    const store = freshStore();
    const path = '/missing/jwks.json';
    const { missed } = await hoverVerify(store, await h.idToken(), path);
    assert.equal(missed.length, 1);
    let now = 1_000_000;
    const prefetcher = new KeyPrefetcher(
      (access) => keyProviderFor(store, access),
      () => now,
    );
    const trusted = keyAccess('verify', true);
    const before = jwksRequests(path);
    assert.equal(prefetcher.prefetch(missed, trusted), 'started');
    await prefetcher.settled();
    assert.equal(jwksRequests(path) - before, 1);
    for (let i = 0; i < 10; i++) assert.equal(prefetcher.prefetch(missed, trusted), 'failed-recently');
    await prefetcher.settled();
    assert.equal(jwksRequests(path) - before, 1, 'no retry within the pause');
    now += PREFETCH_RETRY_MS;
    assert.equal(prefetcher.prefetch(missed, trusted), 'started');
    await prefetcher.settled();
    assert.equal(jwksRequests(path) - before, 2);
    prefetcher.forgetFailures();
    assert.equal(prefetcher.prefetch(missed, trusted), 'started');
    await prefetcher.settled();
    assert.equal(jwksRequests(path) - before, 3);
  });

  test('a tampered token never reads as valid: Not verified without keys, Invalid with them', async () => {
    const store = freshStore();
    const token = tampered(await h.idToken());
    const uncached = tokenVerdict((await hoverVerify(store, token)).report);
    assert.equal(uncached.status, 'not-verified', uncached.sentence);
    const prefetcher = new KeyPrefetcher((access) => keyProviderFor(store, access));
    prefetcher.prefetch((await hoverVerify(store, token)).missed, keyAccess('verify', true));
    await prefetcher.settled();
    const cached = tokenVerdict((await hoverVerify(store, token)).report);
    assert.equal(cached.status, 'invalid');
    assert.match(cached.sentence, /signature does not match the key/);
  });

  test('expired: Invalid naming the expiry even before the keys are cached', async () => {
    const store = freshStore();
    const token = await h.idToken({ exp: NOW - 7200, iat: NOW - 10_800, auth_time: NOW - 10_800 });
    const verdict = tokenVerdict((await hoverVerify(store, token)).report);
    assert.equal(verdict.status, 'invalid');
    assert.match(verdict.sentence, /expired 2 hours ago/);
    assert.match(verdict.sentence, /keys are not cached/);
  });

  test('ALB keys are fetched per kid URL', () => {
    assert.equal(
      missedKeyUrl({
        type: 'alb',
        baseUrl: 'https://public-keys.auth.elb.us-east-1.amazonaws.com/',
        kid: 'k',
      }),
      'https://public-keys.auth.elb.us-east-1.amazonaws.com/k',
    );
    assert.equal(missedKeyUrl({ type: 'jwks', url: 'https://x/jwks.json', kid: 'a' }), 'https://x/jwks.json');
  });
});
