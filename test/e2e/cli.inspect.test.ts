// `authdbg inspect` end to end: the built CLI against real loopback key endpoints and keys made per run.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { json, runCli } from '../support/cli.ts';
import {
  ALB_ARN,
  CLIENT_ID,
  ISSUER,
  NOW,
  accessClaims,
  albBlob,
  ecKey,
  idClaims,
  publicPem,
  rsaKey,
  signToken,
  startKeyServer,
} from '../support/tokens.ts';
import type { KeyServer, TestKey } from '../support/tokens.ts';

type Check = { id: string; status: string; message: string };

let ec: TestKey;
let rsa: TestKey;
let server: KeyServer;
const dir = mkdtempSync(join(tmpdir(), 'authdbg-cli-'));

before(async () => {
  ec = ecKey();
  rsa = rsaKey();
  server = await startKeyServer({
    [`/${ec.kid}`]: { contentType: 'text/plain', body: publicPem(ec) },
    '/jwks.json': { body: JSON.stringify({ keys: [rsa.jwk] }) },
  });
});
after(() => server.close());

function checkOf(output: Record<string, unknown>, id: string): Check | undefined {
  return (output['checks'] as Check[]).find((c) => c.id === id);
}

describe('ALB x-amzn-oidc-data through the CLI', () => {
  const albArgs = (): string[] => [
    '--alb-key-url',
    server.url,
    '--alb-arn',
    ALB_ARN,
    '--now',
    String(NOW),
    '--json',
  ];

  test('a padded blob, built as the ALB builds it, verifies (exit 0)', async () => {
    const blob = albBlob(ec);
    const run = await runCli(['inspect', blob, ...albArgs()]);
    const output = json(run);
    assert.equal(run.status, 0, run.stdout);
    assert.equal(output['kind'], 'alb-data');
    assert.equal(output['valid'], true);
    assert.equal(checkOf(output, 'signature')?.status, 'pass');
    assert.equal(checkOf(output, 'signer')?.status, 'pass');
  });

  test('the same blob with padding stripped fails at the signature', async () => {
    const stripped = albBlob(ec).replace(/=/g, '');
    const run = await runCli(['inspect', stripped, ...albArgs()]);
    assert.equal(run.status, 1);
    assert.equal(checkOf(json(run), 'signature')?.status, 'fail');
  });

  test('a wrong signer fails at signer', async () => {
    const blob = albBlob(ec, { header: { signer: ALB_ARN.replace('my-alb', 'other-alb') } });
    const run = await runCli(['inspect', blob, ...albArgs()]);
    assert.equal(run.status, 1);
    const output = json(run);
    assert.equal(checkOf(output, 'signature')?.status, 'pass');
    assert.equal(checkOf(output, 'signer')?.status, 'fail');
  });

  test('without --alb-arn the signer is a warning, not a silent pass', async () => {
    const run = await runCli([
      'inspect',
      albBlob(ec),
      '--alb-key-url',
      server.url,
      '--now',
      String(NOW),
      '--json',
    ]);
    assert.equal(checkOf(json(run), 'signer')?.status, 'warn');
    assert.match(checkOf(json(run), 'signer')?.message ?? '', /signer not checked/);
  });

  test('a non-UUID kid fails at kid with no request made', async () => {
    const before = server.requests.length;
    const blob = albBlob(ec, { header: { kid: 'not-a-uuid' } });
    const run = await runCli(['inspect', blob, ...albArgs()]);
    assert.equal(run.status, 1);
    assert.equal(checkOf(json(run), 'kid')?.status, 'fail');
    assert.equal(server.requests.length, before);
  });

  test('the header exp is honoured', async () => {
    const blob = albBlob(ec, { header: { exp: NOW - 5 } });
    const run = await runCli(['inspect', blob, ...albArgs()]);
    assert.equal(run.status, 1);
    assert.equal(checkOf(json(run), 'exp')?.status, 'fail');
  });

  test('a header block from stdin inspects each header and cross-checks x-amzn-oidc-identity', async () => {
    const access = signToken({ kid: rsa.kid, alg: 'RS256' }, accessClaims(), rsa.privateKey);
    const block = [
      'GET /orders HTTP/1.1',
      'Host: api.example.com',
      `x-amzn-oidc-accesstoken: ${access}`,
      'x-amzn-oidc-identity: someone-else',
      `x-amzn-oidc-data: ${albBlob(ec)}`,
    ].join('\r\n');
    const run = await runCli(['inspect', '-', ...albArgs()], block);
    const output = json(run) as {
      items: { header: string; kind: string; checks: Check[] }[];
      valid: boolean;
    };
    assert.equal(run.status, 1);
    assert.deepEqual(
      output.items.map((item) => [item.header, item.kind]),
      [
        ['x-amzn-oidc-accesstoken', 'cognito-access'],
        ['x-amzn-oidc-data', 'alb-data'],
      ],
    );
    assert.equal(output.items[1]?.checks.find((c) => c.id === 'identity')?.status, 'fail');
    assert.equal(output.valid, false);
  });
});

describe('Cognito-style tokens through the CLI', () => {
  test('human output: kind, claims with times, each check with a mark, the verdict', async () => {
    const token = signToken({ kid: rsa.kid, alg: 'RS256' }, idClaims(), rsa.privateKey);
    const run = await runCli([
      'inspect',
      token,
      '--jwks',
      `${server.url}/jwks.json`,
      '--issuer',
      ISSUER,
      '--client-id',
      CLIENT_ID,
      '--token-use',
      'id',
      '--now',
      String(NOW),
    ]);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    // The verdict first, then the reason, before any table.
    assert.match(
      run.stdout,
      /^VALID {2}Cognito ID token \(cognito-id\)\n {2}signature verified, no check failed\n/,
    );
    assert.match(run.stdout, /exp\s+1700003600\s+2023-11-14T23:13:20.000Z \(in 1 hour\)/);
    assert.match(run.stdout, /✓ signature/);
    assert.match(run.stdout, /Verdict: VALID/);
    assert.ok(!run.stdout.includes(token.split('.')[2] ?? '-'), 'the signature is never printed');
  });

  test('--now past exp fails at exp; --clock-skew is honoured', async () => {
    const token = signToken({ kid: rsa.kid, alg: 'RS256' }, idClaims(), rsa.privateKey);
    const base = ['inspect', token, '--jwks', `${server.url}/jwks.json`, '--issuer', ISSUER, '--json'];
    const late = await runCli([...base, '--now', String(NOW + 3601)]);
    assert.equal(late.status, 1);
    assert.equal(checkOf(json(late), 'exp')?.status, 'fail');
    const skewed = await runCli([...base, '--now', String(NOW + 3601), '--clock-skew', '5']);
    assert.equal(skewed.status, 0);
  });

  test('--jwks-file, --pem-file and --secret-file are key sources', async () => {
    const token = signToken({ kid: rsa.kid, alg: 'RS256' }, idClaims(), rsa.privateKey);
    const jwksFile = join(dir, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify({ keys: [rsa.jwk] }));
    const pemFile = join(dir, 'key.pem');
    writeFileSync(pemFile, rsa.publicKey.export({ format: 'pem', type: 'spki' }).toString());
    for (const source of [
      ['--jwks-file', jwksFile],
      ['--pem-file', pemFile],
    ]) {
      const run = await runCli(['inspect', token, ...source, '--issuer', ISSUER, '--now', String(NOW)]);
      assert.equal(run.status, 0, `${source[0]}: ${run.stdout}`);
    }
    const secretFile = join(dir, 'secret.txt');
    writeFileSync(secretFile, 'secret\n');
    const hs = signToken({ alg: 'HS256' }, { sub: 'x', exp: NOW + 60 }, Buffer.from('secret'));
    const run = await runCli(['inspect', hs, '--secret-file', secretFile, '--now', String(NOW), '--json']);
    const output = json(run) as { valid: boolean; warnings: { id: string }[] };
    assert.equal(output.valid, true);
    assert.ok(output.warnings.some((w) => w.id === 'weak-secret'));
  });
});

describe('errors: exit 2, one clear line, no stack, no token', () => {
  test('usage errors and unusable input', async () => {
    const token = signToken({ kid: rsa.kid, alg: 'RS256' }, idClaims(), rsa.privateKey);
    const cases: [string[], string | undefined, RegExp][] = [
      [['inspect', token, '--bogus'], undefined, /unknown option --bogus/],
      [['inspect', token, '--token-use', 'refresh'], undefined, /--token-use/],
      [['inspect', token, '--jwks', 'x', '--pem-file', 'y'], undefined, /one key source/],
      [['inspect', token, '--jwks-file', join(dir, 'missing.json')], undefined, /ENOENT/],
      [['inspect', token, '--now', 'tomorrow'], undefined, /--now must be a number/],
      [['inspect', token, '--timeout-ms', '5'], undefined, /--timeout-ms/],
      [['inspect', '-'], `Authorization: Basic ${Buffer.from('a:b').toString('base64')}`, /Basic/],
      [['inspect', '-'], 'hello there world', /not a token/],
      [['frobnicate'], undefined, /unknown command/],
    ];
    for (const [args, stdin, pattern] of cases) {
      const run = await runCli(args, stdin);
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, pattern);
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
      assert.ok(!run.stderr.includes('    at '), 'no stack trace');
      assert.ok(!run.stderr.includes(token), 'no token in errors');
    }
  });

  test('an invalid token exits 1 with the failed check named', async () => {
    const run = await runCli(['inspect', 'not.a.token'], undefined);
    assert.equal(run.status, 1);
    assert.match(run.stdout, /✗ format/);
  });
});

describe('key endpoint faults through the CLI', () => {
  test('a hanging endpoint ends with a timeout message within the timeout', async () => {
    const hanging = createServer(() => undefined);
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const { port } = hanging.address() as AddressInfo;
    try {
      const token = signToken({ kid: rsa.kid, alg: 'RS256' }, idClaims(), rsa.privateKey);
      const run = await runCli([
        'inspect',
        token,
        '--jwks',
        `http://127.0.0.1:${port}/jwks.json`,
        '--timeout-ms',
        '1000',
        '--now',
        String(NOW),
        '--json',
      ]);
      assert.equal(run.status, 1);
      assert.match(checkOf(json(run), 'key')?.message ?? '', /timed out|timeout/i);
      assert.ok(run.ms < 4000, `took ${run.ms} ms`);
    } finally {
      hanging.closeAllConnections();
      hanging.close();
    }
  });

  test('http to a non-loopback host is refused without a request', async () => {
    const token = signToken({ kid: rsa.kid, alg: 'RS256' }, idClaims(), rsa.privateKey);
    const run = await runCli([
      'inspect',
      token,
      '--jwks',
      'http://keys.example.com/jwks.json',
      '--now',
      String(NOW),
      '--json',
    ]);
    assert.equal(run.status, 1);
    assert.match(checkOf(json(run), 'key')?.message ?? '', /http/);
  });
});
