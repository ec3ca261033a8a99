// Key fetches through a real CONNECT proxy on loopback: HTTPS_PROXY, NO_PROXY, credentials, refusals, timeouts.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { KeyFetchError } from '../../src/core/keys/keyErrors.ts';
import { createHttpGet } from '../../src/core/keys/httpGet.ts';
import { proxyFor } from '../../src/core/keys/proxy.ts';
import { selfSignedCert } from '../support/httpServer.ts';

describe('proxyFor: which key URLs go through HTTPS_PROXY', () => {
  const url = (text: string): URL => new URL(text);
  const proxy = { HTTPS_PROXY: 'http://proxy.corp:3128' };

  test('https targets use the proxy; loopback, http and NO_PROXY matches do not', () => {
    assert.equal(
      proxyFor(url('https://cognito-idp.us-east-1.amazonaws.com/x'), proxy)?.host,
      'proxy.corp:3128',
    );
    assert.equal(proxyFor(url('https://127.0.0.1:9229/x'), proxy), undefined);
    assert.equal(proxyFor(url('https://localhost/x'), proxy), undefined);
    assert.equal(proxyFor(url('http://127.0.0.1/x'), proxy), undefined);
    assert.equal(proxyFor(url('https://a.example.com/x'), {}), undefined);
    for (const noProxy of [
      'example.com',
      '.example.com',
      '*.example.com',
      'other.org, example.com',
      '*',
      'a.example.com:443',
    ]) {
      assert.equal(
        proxyFor(url('https://a.example.com/x'), { ...proxy, NO_PROXY: noProxy }),
        undefined,
        noProxy,
      );
    }
    assert.ok(proxyFor(url('https://a.example.com/x'), { ...proxy, NO_PROXY: 'a.example.com:8443' }));
    assert.ok(proxyFor(url('https://notexample.com/x'), { ...proxy, NO_PROXY: 'example.com' }));
  });

  test('lower-case variables win; a bare host:port is taken as http://', () => {
    const chosen = proxyFor(url('https://k.example.com/'), {
      HTTPS_PROXY: 'http://upper:1',
      https_proxy: 'lower:2',
    });
    assert.equal(chosen?.href, 'http://lower:2/');
  });

  test('an unusable proxy setting is a clear error, not a silent direct connection', () => {
    assert.throws(() => proxyFor(url('https://k.example.com/'), { HTTPS_PROXY: 'http://' }), KeyFetchError);
    assert.throws(
      () => proxyFor(url('https://k.example.com/'), { HTTPS_PROXY: 'socks5://p:1080' }),
      /only http:\/\/ proxies/,
    );
  });
});

describe('CONNECT tunnel to a real https key endpoint', () => {
  const tls = selfSignedCert('DNS:keys.test', 'keys.test');
  const received: IncomingMessage[] = [];
  const connects: { target: string; auth: string | undefined }[] = [];
  let keysPort = 0;
  let proxyPort = 0;
  let answer: 'tunnel' | 'refuse' | 'hang' = 'tunnel';
  const sockets = new Set<Socket>();
  const keyServer = createHttpsServer({ key: tls?.key, cert: tls?.cert }, (req, res) => {
    received.push(req);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":[]}');
  });
  const proxy = createServer();
  proxy.on('connect', (req: IncomingMessage, client: Socket) => {
    sockets.add(client);
    connects.push({ target: req.url ?? '', auth: req.headers['proxy-authorization'] });
    if (answer === 'hang') return;
    if (answer === 'refuse') {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n');
      return;
    }
    // Whatever host was asked for, this test proxy tunnels to the loopback key server.
    const upstream = connect(keysPort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });

  before(async () => {
    if (!tls) return;
    await new Promise<void>((resolve) => keyServer.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    keysPort = (keyServer.address() as AddressInfo).port;
    proxyPort = (proxy.address() as AddressInfo).port;
  });
  after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => keyServer.close(() => resolve()));
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
  });

  const get = (env: Record<string, string>, timeoutMs = 3000): Promise<unknown> =>
    createHttpGet({ ca: tls?.cert, proxyEnv: env })('https://keys.test/jwks.json', {
      timeoutMs,
      maxBytes: 1024,
    });

  test(
    'fetches through the tunnel with TLS verified end to end; credentials reach the proxy only',
    { skip: !tls && 'openssl is missing' },
    async () => {
      answer = 'tunnel';
      const response = (await get({ HTTPS_PROXY: `http://alice:s%40cret@127.0.0.1:${proxyPort}` })) as {
        status: number;
        body: Uint8Array;
      };
      assert.equal(response.status, 200);
      assert.equal(Buffer.from(response.body).toString(), '{"keys":[]}');
      assert.deepEqual(connects.at(-1), {
        target: 'keys.test:443',
        auth: `Basic ${Buffer.from('alice:s@cret').toString('base64')}`,
      });
      const last = received.at(-1);
      assert.equal(last?.headers['proxy-authorization'], undefined);
      assert.equal(last?.headers['authorization'], undefined);
    },
  );

  test(
    'a certificate the client does not trust still fails inside the tunnel',
    { skip: !tls && 'openssl is missing' },
    async () => {
      answer = 'tunnel';
      const untrusted = createHttpGet({ proxyEnv: { HTTPS_PROXY: `http://127.0.0.1:${proxyPort}` } });
      await assert.rejects(
        untrusted('https://keys.test/jwks.json', { timeoutMs: 3000, maxBytes: 1024 }),
        /not trusted|certificate/i,
      );
    },
  );

  test(
    'NO_PROXY sends the request direct (here: DNS fails for keys.test, proving no tunnel was used)',
    { skip: !tls && 'openssl is missing' },
    async () => {
      const before = connects.length;
      await assert.rejects(
        get({ HTTPS_PROXY: `http://127.0.0.1:${proxyPort}`, NO_PROXY: '.test' }),
        /could not resolve host keys\.test/,
      );
      assert.equal(connects.length, before);
    },
  );

  test('a proxy that refuses the tunnel (407) says so', { skip: !tls && 'openssl is missing' }, async () => {
    answer = 'refuse';
    await assert.rejects(
      get({ HTTPS_PROXY: `http://127.0.0.1:${proxyPort}` }),
      /refused a tunnel to keys\.test:443: HTTP 407 \(proxy authentication required\)/,
    );
  });

  test(
    'a proxy that never answers ends within the timeout',
    { skip: !tls && 'openssl is missing' },
    async () => {
      answer = 'hang';
      const started = Date.now();
      await assert.rejects(
        get({ HTTPS_PROXY: `http://127.0.0.1:${proxyPort}` }, 1000),
        /timeout|timed out|in time/i,
      );
      assert.ok(Date.now() - started < 2500, `took ${Date.now() - started} ms`);
    },
  );

  test('an unreachable proxy is named in the error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await assert.rejects(
      get({ HTTPS_PROXY: `http://127.0.0.1:${port}` }),
      /could not reach the proxy 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
    );
  });
});
