// `authdbg simulate` in-process: exit statuses, the human card, --json, what-if flags, usage errors.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { UsageError } from '../../src/cli/io.ts';
import { runSimulate } from '../../src/cli/simulateCommand.ts';
import type { Harness } from '../fixtures/simulate/harness.ts';
import { NOW, POOL, startHarness } from '../fixtures/simulate/harness.ts';
import { capturedIo } from '../support/capturedIo.ts';
import type { CapturedIo } from '../support/capturedIo.ts';

let h: Harness;
let dir: string;
let configPath: string;

function io(stdin = ''): CapturedIo {
  return capturedIo({ keys: h.keys, nowMs: NOW * 1000, stdin });
}

before(async () => {
  h = await startHarness();
  dir = mkdtempSync(join(tmpdir(), 'authdbg-sim-'));
  configPath = join(dir, 'authdebug.yaml');
  writeFileSync(
    configPath,
    `version: 1
api: { region: us-east-1, accountId: "123456789012", apiId: a1b2c3d4e5, stage: prod }
authorizers:
  pool: { type: cognito, userPools: [${POOL}], jwks: "${h.base}/jwks.json" }
routes:
  - { route: "GET /orders/{id}", authorizer: pool, rbac: { groups: [finance] } }
  - { route: GET /open, authorizer: none }
`,
  );
});
after(() => h.close());

void describe('authdbg simulate', () => {
  void it('exit 0 on allow, with the card, the trace and the backend context', async () => {
    const cli = io();
    const code = await runSimulate(['--config', configPath, '--route', 'GET /open'], cli);
    assert.equal(code, 0);
    const text = cli.out.join('');
    assert.match(text, /^ALLOW {2}200/);
    assert.match(text, /Trace\n {2}✓ route/);
    assert.match(text, /Backend receives/);
  });
  void it('exit 1 on deny; the response and the missing group are shown', async () => {
    const cli = io();
    const code = await runSimulate(
      ['--config', configPath, '--route', 'GET /orders/1', await h.idToken()],
      cli,
    );
    assert.equal(code, 1);
    const text = cli.out.join('');
    assert.match(text, /^DENY {2}403/);
    // The reason on the next lines, before the card and the trace.
    const [, why, toPass] = text.split('\n');
    assert.equal(why, 'Why:        the backend refuses with 403: missing group finance');
    assert.equal(toPass, 'To pass:    the route requires group finance; the token has admin, support');
    assert.match(text, /body: \{"message":"Forbidden"\}/);
    assert.match(text, /✗ rbac +missing group: needs one of "finance"/);
  });
  void it('reads the token from stdin with -, prints JSON with --json, applies what-if flags', async () => {
    const cli = io(await h.idToken());
    const code = await runSimulate(
      [
        '--config',
        configPath,
        '--route',
        'GET /orders/1',
        '-',
        '--json',
        '--add-group',
        'finance',
        '--now',
        String(NOW),
      ],
      cli,
    );
    assert.equal(code, 0);
    const result = JSON.parse(cli.out.join('')) as {
      decision: string;
      whatIf: unknown;
      route: { params: unknown };
    };
    assert.equal(result.decision, 'allow');
    assert.deepEqual(result.whatIf, { edited: true, signatureSkipped: true, edits: ['added group finance'] });
    assert.deepEqual(result.route.params, { id: '1' });
  });
  void it('--set parses JSON values', async () => {
    const cli = io();
    const code = await runSimulate(
      [
        '--config',
        configPath,
        '--route',
        'GET /orders/1',
        await h.idToken(),
        '--json',
        '--set',
        `exp=${NOW - 1}`,
      ],
      cli,
    );
    assert.equal(code, 1);
    assert.match(cli.out.join(''), /"decidedBy": "token"/);
  });
  void it('hostile claim text is printed inert', async () => {
    const cli = io();
    await runSimulate(
      [
        '--config',
        configPath,
        '--route',
        'GET /orders/1',
        await h.idToken({ 'cognito:groups': ['\u001b[31mred\u202e'] }),
      ],
      cli,
    );
    const text = cli.out.join('');
    assert.ok(!text.includes('\u001b'));
    assert.ok(!text.includes('\u202e'));
  });
  const usage: [string, string[], RegExp][] = [
    ['no --config', ['--route', 'GET /a'], /--config FILE is required/],
    ['no --route', ['--config', 'authdebug.yaml'], /--route "METHOD \/path" is required/],
    ['bad --route', ['--config', 'x', '--route', 'GET'], /--route must look like/],
    ['unknown option', ['--config', 'x', '--route', 'GET /a', '--nope'], /unknown option --nope/],
    ['bad --set', ['--config', 'CONFIG', '--route', 'GET /a', '--set', 'novalue'], /--set takes CLAIM=VALUE/],
    [
      'unknown --authorizer',
      ['--config', 'CONFIG', '--route', 'GET /a', '--authorizer', 'ghost'],
      /--authorizer ghost is not in/,
    ],
    ['missing file', ['--config', '/nonexistent/authdebug.yaml', '--route', 'GET /a'], /ENOENT/],
    ['bad --cached-from', ['--config', 'CONFIG', '--route', 'GET /a', '--cached-from', 'x'], /--cached-from/],
  ];
  for (const [name, argv, pattern] of usage) {
    void it(`usage error: ${name}`, async () => {
      await assert.rejects(
        runSimulate(
          argv.map((a) => (a === 'CONFIG' ? configPath : a)),
          io(),
        ),
        (error: unknown) => error instanceof UsageError && pattern.test(error.message),
      );
    });
  }
  void it('configuration errors: every line on stderr, one usage error', async () => {
    const bad = join(dir, 'authdebug.json');
    writeFileSync(bad, '{\n "version": 2,\n "routes": [{"route": "GET /a", "authorizer": "ghost"}]\n}\n');
    const cli = io();
    await assert.rejects(runSimulate(['--config', bad, '--route', 'GET /a'], cli), /2 configuration errors/);
    assert.match(cli.err.join(''), /authdebug\.json:2: version must be 1/);
    assert.match(cli.err.join(''), /authdebug\.json:3: routes\[0\]\.authorizer "ghost" is not defined/);
  });
  void it('--help', async () => {
    const cli = io();
    assert.equal(await runSimulate(['--help'], cli), 0);
    assert.match(cli.out.join(''), /usage: authdbg simulate/);
  });
});
