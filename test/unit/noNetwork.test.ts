// The hermetic-test guard itself: non-loopback connections and lookups are refused, loopback servers still
// work, `npm run test:unit` preloads it, and a test whose offline path regresses into calling AWS fails.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as dns from 'node:dns';
import * as http from 'node:http';
import * as net from 'node:net';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createHttpGet } from '../../src/core/keys/httpGet.ts';
import { KeyFetchError } from '../../src/core/keys/keyErrors.ts';
import { startServer } from '../support/httpServer.ts';
import type { TestServer } from '../support/httpServer.ts';
import { collectRefusals, isLoopbackHost, isReservedName, noNetworkInstalled } from '../support/noNetwork.ts';

const ROOT = resolve(__dirname, '..', '..');

/** This process's environment minus node:test's marker, so the child runs its test file as a top-level run. */
function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env['NODE_TEST_CONTEXT'];
  return env;
}
const PRELOAD = './test/support/noNetwork.ts';

let server: TestServer;
before(async () => {
  server = await startServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}'),
  );
});
after(() => server.close());

void describe('noNetwork guard', () => {
  test('npm run test:unit preloads the guard', () => {
    const manifest = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const script = manifest.scripts['test:unit'] ?? '';
    assert.match(script, /--import tsx --import \.\/test\/support\/noNetwork\.ts --test /);
    assert.equal(noNetworkInstalled(), true);
  });

  test('loopback names and addresses pass; everything else does not', () => {
    for (const host of ['localhost', '127.0.0.1', '127.1.2.3', '[::1]', '::1', '::ffff:127.0.0.1', '0.0.0.0'])
      assert.equal(isLoopbackHost(host), true, host);
    for (const host of [
      'cognito-idp.us-east-1.amazonaws.com',
      'public-keys.auth.elb.us-east-1.amazonaws.com',
      'localhost.example.com',
      '10.0.0.1',
      '169.254.169.254',
      '192.0.2.1',
      '::2',
      '::ffff:10.0.0.1',
    ])
      assert.equal(isLoopbackHost(host), false, host);
  });

  test('raw sockets, http and DNS to non-loopback hosts are refused before anything is sent', async () => {
    const { refused } = await collectRefusals(async () => {
      assert.throws(() => net.connect(443, '192.0.2.1'), /noNetwork: .*192\.0\.2\.1:443/);
      assert.throws(() => net.connect({ host: 'example.com', port: 80 }), /noNetwork: .*example\.com:80/);
      assert.throws(
        () => http.get('http://169.254.169.254/latest/meta-data/'),
        /noNetwork: .*169\.254\.169\.254/,
      );
      assert.throws(() => dns.lookup('cognito-idp.us-east-1.amazonaws.com', () => undefined), /noNetwork/);
      await assert.rejects(dns.promises.lookup('amazonaws.com'), /noNetwork/);
    });
    assert.equal(refused.length, 5, refused.join('\n'));
  });

  test('reserved names (.invalid, .test, .example) fail with ENOTFOUND locally, and are not refusals', async () => {
    const { value, refused } = await collectRefusals(async () => {
      const socketError = await new Promise<NodeJS.ErrnoException>((done) => {
        net.connect({ host: 'keys.invalid', port: 443 }).on('error', done);
      });
      const lookupError = await new Promise<NodeJS.ErrnoException | null>((done) => {
        dns.lookup('cognito.test', (error) => done(error));
      });
      const promiseError = await dns.promises.lookup('pool.example').then(
        () => undefined,
        (error: NodeJS.ErrnoException) => error,
      );
      return [socketError, lookupError, promiseError];
    });
    assert.deepEqual(
      value.map((error) => error?.code),
      ['ENOTFOUND', 'ENOTFOUND', 'ENOTFOUND'],
    );
    assert.deepEqual(refused, []);
    assert.equal(isReservedName('keys.invalid.'), true);
    assert.equal(isReservedName('invalid.example.com'), false);
  });

  test('the default key client reaches a loopback server, and refuses AWS with a finding-sized error', async () => {
    const get = createHttpGet();
    const { value, refused } = await collectRefusals(async () => {
      const local = await get(server.url('/jwks.json'), { timeoutMs: 2000, maxBytes: 1024 });
      const remote = await get(
        'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123/.well-known/jwks.json',
        {
          timeoutMs: 2000,
          maxBytes: 1024,
        },
      ).then(
        () => 'fetched',
        (error: unknown) => error,
      );
      return { local, remote };
    });
    assert.equal(value.local.status, 200);
    assert.equal(server.requests.length, 1);
    assert.ok(value.remote instanceof KeyFetchError, String(value.remote));
    assert.match(value.remote.message, /noNetwork/);
    assert.deepEqual(refused, ['a connection to cognito-idp.us-east-1.amazonaws.com:443']);
  });

  test('a test whose offline path regresses into fetching AWS keys fails, though its own assertion holds', async () => {
    const run = await new Promise<{ status: number | null; output: string }>((done, fail) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', '--import', PRELOAD, '--test', 'test/fixtures/noNetwork/offlineRegression.ts'],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: childEnv() },
      );
      let output = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('error', fail);
      child.on('close', (status) => {
        clearTimeout(timer);
        done({ status, output });
      });
    });
    assert.notEqual(run.status, 0, run.output);
    assert.match(run.output, /# fail 1/);
    assert.match(
      run.output,
      /noNetwork: unit tests may only reach loopback; refused a connection to cognito-idp\.us-east-1\.amazonaws\.com:443/,
    );
  });
});
