// `authdbg event` and `authdbg diff` in-process: each event kind, denials, --out, redaction, diff shapes.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runDiff } from '../../src/cli/diffCommand.ts';
import { runEvent } from '../../src/cli/eventCommand.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { UsageError } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import type { Harness } from '../fixtures/simulate/harness.ts';
import { ALB_ARN, CLIENT_ID, NOW, POOL, startHarness } from '../fixtures/simulate/harness.ts';

let h: Harness;
let dir: string;
let configPath: string;

type TestIo = CliIo & { out: string[]; err: string[]; files: Map<string, string> };

function io(stdin = ''): TestIo {
  const out: string[] = [];
  const err: string[] = [];
  const files = new Map<string, string>();
  return {
    out,
    err,
    files,
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    readStdin: () => Promise.resolve(stdin),
    readFileBytes: (p) => readFile(p),
    writeTextFile: (p, text) => {
      files.set(p, text);
      return Promise.resolve();
    },
    nowMs: () => NOW * 1000,
    keys: h.keys,
  };
}

before(async () => {
  h = await startHarness();
  dir = mkdtempSync(join(tmpdir(), 'authdbg-event-'));
  configPath = join(dir, 'authdebug.yaml');
  writeFileSync(
    configPath,
    `version: 1
api: { region: us-east-1, accountId: "123456789012", apiId: a1b2c3d4e5, stage: prod }
authorizers:
  pool: { type: cognito, userPools: [${POOL}], jwks: "${h.base}/jwks.json" }
  jwt: { type: jwt, issuer: "https://cognito-idp.us-east-1.amazonaws.com/${POOL}", audience: [${CLIENT_ID}], jwks: "${h.base}/jwks.json" }
  web: { type: alb, albArn: "${ALB_ARN}", clientId: ${CLIENT_ID}, keyUrl: "${h.base}/alb" }
routes:
  - { route: "GET /orders/{id}", authorizer: pool, rbac: { groups: [admin] } }
  - { route: "GET /finance", authorizer: pool, rbac: { groups: [finance] } }
  - { route: "GET /v2/items", apiKind: http, authorizer: jwt }
  - { route: "GET /web/*", apiKind: alb, authorizer: web }
`,
  );
});
after(() => h.close());

function parsed(cli: TestIo): Record<string, unknown> {
  return JSON.parse(cli.out.join('')) as Record<string, unknown>;
}

void describe('authdbg event', () => {
  void it('prints the REST proxy event; every JWT signature in it is redacted', async () => {
    const cli = io();
    const token = await h.idToken();
    const code = await runEvent(
      ['--config', configPath, '--route', 'GET /orders/42', token, '--now', String(NOW)],
      cli,
    );
    assert.equal(code, 0, cli.err.join(''));
    const event = parsed(cli);
    assert.equal(event.resource, '/orders/{id}');
    assert.deepEqual(event.pathParameters, { id: '42' });
    const header = (event.headers as Record<string, string>).Authorization ?? '';
    assert.equal(header, `${token.split('.').slice(0, 2).join('.')}.<redacted>`);
    assert.ok(!cli.out.join('').includes(token.split('.')[2] ?? 'no-signature'));
    assert.equal((event.requestContext as Record<string, unknown>).requestTimeEpoch, NOW * 1000);
    assert.match(cli.err.join(''), /note: .*sourceIp/);
  });

  void it('HTTP API payload 2.0 by default, 1.0 on request', async () => {
    const token = await h.accessToken({ aud: CLIENT_ID });
    const two = io();
    assert.equal(
      await runEvent(['--config', configPath, '--route', 'GET /v2/items', token], two),
      0,
      two.err.join(''),
    );
    assert.equal(parsed(two).version, '2.0');
    const one = io();
    assert.equal(
      await runEvent(['--config', configPath, '--route', 'GET /v2/items', token, '--payload', '1.0'], one),
      0,
    );
    const event = parsed(one);
    assert.equal(event.version, '1.0');
    assert.ok(
      Object.hasOwn(
        (event.requestContext as Record<string, Record<string, unknown>>).authorizer ?? {},
        'claims',
      ),
    );
  });

  void it('ALB target event from a header block', async () => {
    const cli = io();
    const blob = h.albBlob();
    const code = await runEvent(
      ['--config', configPath, '--route', 'GET /web/home', `x-amzn-oidc-data: ${blob}`],
      cli,
    );
    assert.equal(code, 0, cli.err.join(''));
    const event = parsed(cli);
    assert.ok(Object.hasOwn(event.requestContext as object, 'elb'));
    assert.match((event.headers as Record<string, string>)['x-amzn-oidc-data'] ?? '', /\.<redacted>$/);
  });

  void it('a denied request: exit 1, no event, the reason on stderr', async () => {
    const cli = io();
    const code = await runEvent(['--config', configPath, '--route', 'GET /finance', await h.idToken()], cli);
    assert.equal(code, 1);
    assert.equal(cli.out.join(''), '');
    const err = cli.err.join('');
    assert.match(err, /^DENY 403: the request never reaches the backend/);
    assert.match(err, /Why: +.*finance/);
  });

  void it('--out writes the file; --unredacted keeps the token there only', async () => {
    const token = await h.idToken();
    const cli = io();
    const out = join(dir, 'event.json');
    const code = await runEvent(
      ['--config', configPath, '--route', 'GET /orders/1', token, '--out', out, '--unredacted'],
      cli,
    );
    assert.equal(code, 0, cli.err.join(''));
    assert.equal(cli.out.join(''), '');
    const written = JSON.parse(cli.files.get(out) ?? '{}') as { headers: Record<string, string> };
    assert.equal(written.headers.Authorization, token);
    assert.match(cli.err.join(''), /REST API proxy event written to/);
    await assert.rejects(
      runEvent(['--config', configPath, '--route', 'GET /orders/1', token, '--unredacted'], io()),
      UsageError,
    );
    await assert.rejects(
      runEvent(['--config', configPath, '--route', 'GET /orders/1', token, '--payload', '3.0'], io()),
      /--payload must be 1\.0 or 2\.0/,
    );
  });

  void it('is reachable through main and listed in help', async () => {
    const cli = io();
    assert.equal(await main(['help', 'event'], cli), 0);
    assert.match(cli.out.join(''), /^usage: authdbg event/);
    const all = io();
    await main(['help'], all);
    assert.match(all.out.join(''), /authdbg event --config FILE/);
    assert.match(all.out.join(''), /authdbg diff A B/);
  });
});

void describe('authdbg diff', () => {
  void it('--json: kinds first, then differences (payload, then header.*) and the same names', async () => {
    const a = await h.idToken();
    const b = await h.accessToken();
    const cli = io();
    const code = await runDiff([a, `Bearer ${b}`, '--json'], cli);
    assert.equal(code, 1);
    const result = parsed(cli) as {
      kinds: { a: string; b: string };
      differences: { claim: string; a?: unknown; b?: unknown }[];
      same: string[];
    };
    assert.deepEqual(Object.keys(result), ['kinds', 'differences', 'same']);
    assert.deepEqual(result.kinds, { a: 'cognito-id', b: 'cognito-access' });
    const byName = new Map(result.differences.map((d) => [d.claim, d]));
    assert.deepEqual(byName.get('token_use'), { claim: 'token_use', a: 'id', b: 'access' });
    assert.deepEqual(byName.get('aud'), { claim: 'aud', a: CLIENT_ID });
    assert.deepEqual(byName.get('client_id'), { claim: 'client_id', b: CLIENT_ID });
    assert.ok(result.same.includes('sub'));
    assert.ok(result.same.includes('iss'));
    const names = result.differences.map((d) => d.claim);
    const firstHeader = names.findIndex((n) => n.startsWith('header.'));
    assert.ok(firstHeader > 0, 'header fields come after payload claims');
    assert.ok(names.slice(firstHeader).every((n) => n.startsWith('header.')));
    assert.ok(names.includes('header.kid'));
  });

  void it('people output: differences side by side before the same claims; secrets redacted', async () => {
    const inner = await h.idToken();
    const a = await h.idToken({ refresh_token: 'rt-secret-value', nested: inner });
    const b = await h.idToken({ 'custom:tenant': 'globex', exp: NOW + 60 });
    const cli = io(b);
    const code = await runDiff([a, '-'], cli);
    assert.equal(code, 1);
    const text = cli.out.join('');
    assert.match(text, /^A: Cognito ID token \(cognito-id\)\nB: Cognito ID token \(cognito-id\)\n/);
    assert.match(text, /custom:tenant +"acme" +"globex"/);
    assert.ok(text.indexOf('Differences') < text.indexOf('Same ('));
    assert.ok(!text.includes('rt-secret-value'));
    assert.match(text, /refresh_token +"<redacted: 15 chars>" +\(absent\)/);
    assert.ok(!text.includes(inner.split('.')[2] ?? 'no-signature'));
    assert.match(text, /exp .*\(20\d\d-/);
  });

  void it('identical tokens: exit 0; usage errors for one side or unreadable input', async () => {
    const a = await h.idToken();
    const cli = io();
    assert.equal(await runDiff([a, a], cli), 0);
    assert.match(cli.out.join(''), /No differences/);
    await assert.rejects(runDiff([a], io()), UsageError);
    await assert.rejects(runDiff(['-', '-'], io()), UsageError);
    await assert.rejects(runDiff([a, 'not-a-token'], io()), /B: /);
  });
});
