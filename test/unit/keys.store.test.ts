// Key store caching rules with an injected clock, over a real loopback server that counts requests.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createHttpGet } from '../../src/core/keys/httpGet.ts';
import { KeyFetchError } from '../../src/core/keys/keyErrors.ts';
import { cognitoJwksUrl } from '../../src/core/awsIdentifiers.ts';
import { createKeyStore } from '../../src/core/keys/keyStore.ts';
import { isLoopbackUrl } from '../../src/core/keys/keyUrls.ts';
import type { HttpGet, KeyProvider, KeyResult, KeySet } from '../../src/core/keys/types.ts';
import { startServer } from '../support/httpServer.ts';
import type { TestServer } from '../support/httpServer.ts';

const MINUTE = 60_000;
const KID = 'a1b2c3d4-e5f6-4789-abcd-0123456789ab';
const MISSING_KID = 'ffffffff-ffff-4fff-bfff-ffffffffffff';
const rsaJwk = { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' }) };
const ecPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
  format: 'pem',
  type: 'spki',
});

/** What the fake endpoint answers; tests flip it between calls. */
let mode: 'jwks' | 'fail' | 'slow' | 'html' = 'jwks';
let kids = ['k1'];
let clock = 0;

let server: TestServer;
let JWKS: string;
before(async () => {
  server = await startServer((req, res) => {
    if (req.url === `/alb/${MISSING_KID}`) {
      res.writeHead(404);
      res.end();
      return;
    }
    if (req.url?.startsWith('/alb/')) {
      if (mode === 'html') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html><body>login</body></html>');
        return;
      }
      res.writeHead(200, { 'content-type': 'binary/octet-stream' });
      res.end(ecPem);
      return;
    }
    if (mode === 'fail') {
      res.writeHead(503);
      res.end();
      return;
    }
    const body = JSON.stringify({ keys: kids.map((kid) => ({ ...rsaJwk, kid, alg: 'RS256', use: 'sig' })) });
    const send = () => {
      res.writeHead(200, { 'content-type': 'application/jwk-set+json' });
      res.end(body);
    };
    if (mode === 'slow') setTimeout(send, 50);
    else send();
  });
  JWKS = server.url('/.well-known/jwks.json');
});
after(() => server.close());

function newStore(httpGet: HttpGet = createHttpGet()): KeyProvider {
  return createKeyStore({ httpGet, now: () => clock, timeoutMs: 1000 });
}

function value(result: KeyResult<KeySet>): KeySet {
  if (!result.ok) assert.fail(`expected keys, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

const requests = () => server.requests.filter((r) => r.path === '/.well-known/jwks.json').length;

beforeEach(() => {
  mode = 'jwks';
  kids = ['k1'];
  clock = 1_000_000;
  server.requests.length = 0;
});

void describe('key store', () => {
  void it('caches a key set per URL for the max age (10 min)', async () => {
    const store = newStore();
    const first = value(await store.jwks(JWKS, { kid: 'k1' }));
    assert.equal(first.fetchedAt, clock);
    assert.equal(first.keys[0]?.kid, 'k1');
    clock += 9 * MINUTE;
    await store.jwks(JWKS, { kid: 'k1' });
    assert.equal(requests(), 1);
    clock += 2 * MINUTE;
    const refreshed = value(await store.jwks(JWKS, { kid: 'k1' }));
    assert.equal(requests(), 2);
    assert.equal(refreshed.fetchedAt, clock);
  });

  void it('refetches for an unknown kid at most once per 30 s cooldown', async () => {
    const store = newStore();
    await store.jwks(JWKS, { kid: 'k1' });
    kids = ['k1', 'k2'];
    assert.equal(value(await store.jwks(JWKS, { kid: 'k2' })).keys.length, 2);
    assert.equal(requests(), 2, 'unknown kid triggers a refetch');
    await store.jwks(JWKS, { kid: 'k9' });
    clock += 29_000;
    await store.jwks(JWKS, { kid: 'k9' });
    assert.equal(requests(), 2, 'no refetch inside the cooldown');
    clock += 1_000;
    await store.jwks(JWKS, { kid: 'k9' });
    assert.equal(requests(), 3, 'one refetch after the cooldown');
  });

  void it('shares one request between concurrent lookups of one URL', async () => {
    mode = 'slow';
    const store = newStore();
    const results = await Promise.all(Array.from({ length: 8 }, () => store.jwks(JWKS, { kid: 'k1' })));
    assert.equal(requests(), 1);
    assert.ok(results.every((r) => r.ok));
  });

  void it('reload bypasses the cache and the cooldown', async () => {
    const store = newStore();
    await store.jwks(JWKS);
    await store.jwks(JWKS, { reload: true });
    await store.jwks(JWKS, { kid: 'k9' });
    await store.jwks(JWKS, { kid: 'k9', reload: true });
    await store.jwks(JWKS, { kid: 'k9', reload: true });
    assert.equal(requests(), 5);
  });

  void it('falls back to the last good set, labelled stale, when a refetch fails', async () => {
    const store = newStore();
    const good = value(await store.jwks(JWKS));
    mode = 'fail';
    clock += 11 * MINUTE;
    const stale = value(await store.jwks(JWKS));
    assert.equal(stale.stale, true);
    assert.equal(stale.fetchedAt, good.fetchedAt);
    assert.equal(stale.lastError?.code, 'http-status');
    assert.match(stale.lastError?.message ?? '', /HTTP 503/);
    assert.equal(store.peekJwks(JWKS)?.stale, true);
    assert.equal(requests(), 2);
    clock += 10_000;
    await store.jwks(JWKS);
    assert.equal(requests(), 2, 'a failing endpoint is not hammered inside the cooldown');
    mode = 'jwks';
    const fresh = value(await store.jwks(JWKS, { reload: true }));
    assert.equal(fresh.stale, false);
    assert.equal(fresh.lastError, undefined);
    assert.equal(store.peekJwks(JWKS)?.stale, false);
  });

  void it('returns the error when there is no good copy to fall back on', async () => {
    mode = 'fail';
    const result = await newStore().jwks(JWKS);
    assert.equal(result.ok ? 'ok' : result.error.code, 'http-status');
  });

  void it('never sends cookies or Authorization, and asks for JSON', async () => {
    await newStore().jwks(JWKS);
    const headers = server.requests[0]?.headers ?? {};
    assert.equal(headers.cookie, undefined);
    assert.equal(headers.authorization, undefined);
    assert.equal(headers.accept, 'application/json, application/jwk-set+json');
  });

  void it('peek never touches the network, and clear forgets everything (including in-flight results)', async () => {
    const store = newStore();
    assert.equal(store.peekJwks(JWKS), undefined);
    assert.equal(requests(), 0);
    await store.jwks(JWKS);
    assert.equal(store.peekJwks(JWKS)?.keys.length, 1);
    store.clear();
    assert.equal(store.peekJwks(JWKS), undefined);
    mode = 'slow';
    const pending = store.jwks(JWKS);
    store.clear();
    assert.equal((await pending).ok, true);
    assert.equal(store.peekJwks(JWKS), undefined);
  });

  void it('refuses bad URLs without calling httpGet, and turns anything httpGet throws into a KeyError', async () => {
    let calls = 0;
    const throwing: HttpGet = () => {
      calls++;
      return Promise.reject(new TypeError('boom'));
    };
    const store = newStore(throwing);
    const insecure = await store.jwks('http://example.com/jwks.json');
    assert.equal(insecure.ok ? 'ok' : insecure.error.code, 'insecure-url');
    const invalid = await store.jwks('::not a url');
    assert.equal(invalid.ok ? 'ok' : invalid.error.code, 'invalid-url');
    assert.equal(calls, 0);
    const thrown = await store.jwks('https://example.test/jwks.json');
    assert.equal(thrown.ok ? 'ok' : thrown.error.code, 'network');
    assert.match(thrown.ok ? '' : thrown.error.message, /boom/);
    const typed = newStore(() => Promise.reject(new KeyFetchError('timeout', 'slow')));
    const timedOut = await typed.jwks('https://example.test/jwks.json');
    assert.deepEqual(timedOut.ok ? undefined : timedOut.error, { code: 'timeout', message: 'slow' });
  });

  void it('does not hang on an injected httpGet that never settles', async () => {
    const store = createKeyStore({
      httpGet: () => new Promise(() => undefined),
      now: () => clock,
      timeoutMs: 100,
    });
    const started = performance.now();
    const result = await store.jwks('https://example.test/jwks.json');
    assert.equal(result.ok ? 'ok' : result.error.code, 'timeout');
    assert.ok(performance.now() - started < 1000);
  });

  void it('checks status and size even when an injected httpGet does not', async () => {
    const notFound = await newStore(() =>
      Promise.resolve({ status: 404, contentType: 'application/json', body: new Uint8Array() }),
    ).jwks('https://example.test/jwks.json');
    assert.equal(notFound.ok ? 'ok' : notFound.error.code, 'http-status');
    const huge = await newStore(() =>
      Promise.resolve({ status: 200, contentType: 'application/json', body: new Uint8Array(300 * 1024) }),
    ).jwks('https://example.test/jwks.json');
    assert.equal(huge.ok ? 'ok' : huge.error.code, 'too-large');
  });
});

void describe('key store: ALB keys', () => {
  const base = () => `${server.origin}/alb/`;

  void it('rejects a non-UUID kid before any request', async () => {
    const store = newStore();
    const result = await store.albKey(base(), '../../secret');
    assert.equal(result.ok ? 'ok' : result.error.code, 'invalid-kid');
    assert.equal(server.requests.length, 0);
  });

  void it('fetches {base}/{kid}, accepts a PEM served as binary/octet-stream, and caches it', async () => {
    const store = newStore();
    const set = value(await store.albKey(base(), KID));
    assert.equal(server.requests[0]?.path, `/alb/${KID}`);
    assert.deepEqual([set.keys[0]?.kid, set.keys[0]?.kty, set.keys[0]?.detail], [KID, 'EC', 'P-256']);
    await store.albKey(base(), KID);
    assert.equal(server.requests.length, 1);
    assert.equal(store.peekAlbKey(base(), KID)?.keys.length, 1);
    assert.equal(store.peekAlbKey(base(), 'nope'), undefined);
  });

  void it('explains a 404 for an unknown kid', async () => {
    const result = await newStore().albKey(base(), MISSING_KID);
    assert.equal(result.ok ? 'ok' : result.error.code, 'http-status');
    assert.match(
      result.ok ? '' : result.error.message,
      /HTTP 404.*no public key for kid ffffffff-.*wrong region/,
    );
  });

  void it('reports an HTML page instead of a PEM as a captive portal', async () => {
    mode = 'html';
    const result = await newStore().albKey(base(), KID);
    assert.match(result.ok ? '' : result.error.message, /captive portal or proxy page\?/);
  });
});

void describe('key store re-exports', () => {
  void it('exposes cognitoJwksUrl and isLoopbackUrl', () => {
    assert.equal(isLoopbackUrl(JWKS), true);
    assert.equal(
      cognitoJwksUrl('https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc'),
      'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc/.well-known/jwks.json',
    );
  });
});
