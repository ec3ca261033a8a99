// Key endpoint faults against real loopback servers: each must end with its own clear error, in time.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import * as http from 'node:http';
import { after, describe, it } from 'node:test';
import { createHttpGet } from '../../src/core/keys/httpGet.ts';
import { KeyFetchError } from '../../src/core/keys/keyErrors.ts';
import { createKeyStore } from '../../src/core/keys/keyStore.ts';
import type { HttpGet, KeyError } from '../../src/core/keys/types.ts';
import { closedPort, selfSignedCert, startServer } from '../support/httpServer.ts';
import type { Handler, TestServer } from '../support/httpServer.ts';

const TIMEOUT = 500;
const MAX_BYTES = 256 * 1024;
const servers: TestServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function serve(handler: Handler, tls?: { key: string; cert: string }): Promise<TestServer> {
  const server = await startServer(handler, tls);
  servers.push(server);
  return server;
}

/** Runs a GET and returns its KeyError (fails the test if it succeeded) plus the elapsed time. */
async function failure(get: HttpGet, url: string): Promise<{ error: KeyFetchError; ms: number }> {
  const started = performance.now();
  try {
    await get(url, { timeoutMs: TIMEOUT, maxBytes: MAX_BYTES });
  } catch (err) {
    assert.ok(err instanceof KeyFetchError, `expected a KeyFetchError, got ${String(err)}`);
    return { error: err, ms: performance.now() - started };
  }
  assert.fail('the request unexpectedly succeeded');
}

function jwksBody(): string {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return JSON.stringify({
    keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' }],
  });
}

/** Counts connections an agent opens: proves a refused URL made no request at all. */
class CountingAgent extends http.Agent {
  connections = 0;
  override createConnection(
    ...args: Parameters<http.Agent['createConnection']>
  ): ReturnType<http.Agent['createConnection']> {
    this.connections++;
    return super.createConnection(...args);
  }
}

void describe('httpGet against real servers', () => {
  const get = createHttpGet();

  void it('fetches a 200 JSON body with our accept and user-agent and no cookie or authorization', async () => {
    const body = jwksBody();
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(body);
    });
    const res = await get(server.url('/.well-known/jwks.json'), { timeoutMs: TIMEOUT, maxBytes: MAX_BYTES });
    assert.equal(res.status, 200);
    assert.equal(res.contentType, 'application/json; charset=utf-8');
    assert.equal(new TextDecoder().decode(res.body), body);
    const headers = server.requests[0]?.headers ?? {};
    assert.equal(headers.accept, 'application/json, application/jwk-set+json');
    assert.match(headers['user-agent'] ?? '', /cognito-auth-debugger/);
    assert.equal(headers.cookie, undefined);
    assert.equal(headers.authorization, undefined);
    assert.equal(headers['proxy-authorization'], undefined);
  });

  void it('times out when the server never answers', async () => {
    const server = await serve(() => undefined);
    const { error, ms } = await failure(get, server.url('/jwks.json'));
    assert.equal(error.code, 'timeout');
    assert.match(error.message, /no complete answer within 500 ms/);
    assert.ok(ms >= TIMEOUT - 20 && ms < TIMEOUT + 400, `took ${ms} ms`);
    assert.equal(server.requests.length, 1, 'a timeout is not retried');
  });

  void it('times out on a slow trickle that keeps sending bytes past the deadline', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      const timer = setInterval(() => res.write(' '), 200);
      res.on('close', () => clearInterval(timer));
    });
    const { error, ms } = await failure(get, server.url('/jwks.json'));
    assert.equal(error.code, 'timeout');
    assert.ok(ms < TIMEOUT + 400, `took ${ms} ms`);
  });

  void it('reports HTTP 500 without retrying', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(500);
      res.end('oops');
    });
    const { error } = await failure(get, server.url('/jwks.json'));
    assert.equal(error.code, 'http-status');
    assert.match(error.message, /answered HTTP 500 Internal Server Error; expected 200/);
    assert.equal(server.requests.length, 1);
  });

  void it('does not follow a 302 and names the Location', async () => {
    const target = await serve((_req, res) => res.end('{"keys":[]}'));
    const server = await serve((_req, res) => {
      res.writeHead(302, { location: target.url('/elsewhere.json') });
      res.end();
    });
    const { error } = await failure(get, server.url('/jwks.json'));
    assert.equal(error.code, 'redirect');
    assert.match(error.message, /redirected \(HTTP 302\) to http:\/\/127\.0\.0\.1:\d+\/elsewhere\.json/);
    assert.equal(target.requests.length, 0);
  });

  void it('stops reading a 10 MB streamed body just past the cap, with bounded memory', async () => {
    const total = 10 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let handedOver = 0;
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const pump = (): void => {
        while (handedOver < total && !res.destroyed) {
          handedOver += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      pump();
    });
    const before = process.memoryUsage();
    const { error, ms } = await failure(get, server.url('/big.json'));
    const afterMem = process.memoryUsage();
    assert.equal(error.code, 'too-large');
    assert.match(error.message, /larger than 256 KiB \(stopped reading\)/);
    assert.ok(ms < TIMEOUT, `took ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(handedOver < total, `server managed to hand over all ${handedOver} bytes`);
    const grown = afterMem.arrayBuffers + afterMem.heapUsed - (before.arrayBuffers + before.heapUsed);
    assert.ok(grown < 4 * 1024 * 1024, `memory grew by ${grown} bytes`);
  });

  void it('refuses a declared oversized Content-Length before reading the body', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024) });
      res.write('{');
    });
    const { error, ms } = await failure(get, server.url('/big.json'));
    assert.equal(error.code, 'too-large');
    assert.match(error.message, /declares 10485760 bytes/);
    assert.ok(ms < TIMEOUT);
  });

  void it('reports connection refused in plain words', async () => {
    const port = await closedPort();
    const { error, ms } = await failure(get, `http://127.0.0.1:${port}/jwks.json`);
    assert.equal(error.code, 'network');
    assert.match(error.message, /connection refused by 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    assert.ok(ms < TIMEOUT);
  });

  void it('reports a DNS failure as "could not resolve host"', async () => {
    const { error, ms } = await failure(get, 'https://keys.invalid/.well-known/jwks.json');
    assert.equal(error.code, 'network');
    assert.match(error.message, /could not resolve host keys\.invalid/);
    assert.ok(ms <= TIMEOUT + 100, `took ${ms} ms`);
  });

  void it('refuses plain http to a non-loopback host without opening a connection', async () => {
    const agent = new CountingAgent();
    const { error, ms } = await failure(createHttpGet({ agent }), 'http://example.com/jwks.json');
    assert.equal(error.code, 'insecure-url');
    assert.match(error.message, /plain http is refused/);
    assert.equal(agent.connections, 0);
    assert.ok(ms < 50);
  });

  void it('refuses URLs with credentials and non-http schemes', async () => {
    assert.equal((await failure(get, 'https://user:pw@example.com/jwks.json')).error.code, 'invalid-url');
    assert.equal((await failure(get, 'file:///etc/passwd')).error.code, 'invalid-url');
    assert.equal((await failure(get, 'not a url')).error.code, 'invalid-url');
  });

  void it('allows http://localhost (it resolves to loopback)', async () => {
    const server = await serve((_req, res) => res.end('{}'));
    const res = await get(`http://localhost:${server.port}/jwks.json`, {
      timeoutMs: TIMEOUT,
      maxBytes: MAX_BYTES,
    });
    assert.equal(res.status, 200);
  });

  void it('retries once, immediately, when the connection is reset', async () => {
    const server = await serve((req, res) => {
      if (server.requests.length === 1) {
        req.socket.destroy();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"keys":[]}');
    });
    const res = await get(server.url('/jwks.json'), { timeoutMs: TIMEOUT, maxBytes: MAX_BYTES });
    assert.equal(res.status, 200);
    assert.equal(server.requests.length, 2);
  });

  void it('gives up after one retry when the body is cut short twice', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"keys":', () => res.destroy());
    });
    const { error } = await failure(get, server.url('/jwks.json'));
    assert.equal(error.code, 'network');
    assert.match(error.message, /closed before the whole body arrived|reset/);
    assert.equal(server.requests.length, 2);
  });

  const tls = selfSignedCert();
  void it(
    'rejects a self-signed certificate, and accepts it only when its CA is added',
    { skip: tls === undefined },
    async () => {
      assert.ok(tls);
      const server = await serve((_req, res) => res.end('{}'), tls);
      const { error } = await failure(get, server.url('/jwks.json'));
      assert.equal(error.code, 'network');
      assert.match(
        error.message,
        /TLS certificate of 127\.0\.0\.1 is not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\)/,
      );
      const trusting = createHttpGet({ ca: tls.cert });
      const res = await trusting(server.url('/jwks.json'), { timeoutMs: TIMEOUT, maxBytes: MAX_BYTES });
      assert.equal(res.status, 200);
    },
  );
});

void describe('key store over real servers: bodies that are not key sets', () => {
  async function storeError(handler: Handler): Promise<KeyError> {
    const server = await serve(handler);
    const store = createKeyStore({ httpGet: createHttpGet(), now: () => 0, timeoutMs: TIMEOUT });
    const result = await store.jwks(server.url('/.well-known/jwks.json'));
    assert.equal(result.ok, false);
    return result.ok ? assert.fail() : result.error;
  }

  void it('reports an HTML 200 page as a captive portal or proxy page', async () => {
    const error = await storeError((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!DOCTYPE html><html><body>Sign in to the hotel Wi-Fi</body></html>');
    });
    assert.equal(error.code, 'content-type');
    assert.match(error.message, /captive portal or proxy page\?/);
  });

  void it('reports garbage JSON', async () => {
    const error = await storeError((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"keys": [ {"kty": "RSA", ');
    });
    assert.equal(error.code, 'not-json');
    assert.match(error.message, /not valid JSON/);
  });

  void it('reports invalid UTF-8', async () => {
    const error = await storeError((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]));
    });
    assert.equal(error.code, 'not-json');
    assert.match(error.message, /not valid UTF-8/);
  });

  void it('reports a non-JSON content type', async () => {
    const error = await storeError((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('{"keys":[]}');
    });
    assert.equal(error.code, 'content-type');
  });
});
