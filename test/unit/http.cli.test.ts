// `authdbg http` in-process: one row per request (line, method, path, route, decision, status, deciding step),
// environments from http-client.env.json, .env, --base-url, exit statuses, and no token printed whole.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runHttp } from '../../src/cli/httpCommand.ts';
import { UsageError } from '../../src/cli/io.ts';
import type { Harness } from '../fixtures/simulate/harness.ts';
import { NOW, POOL, startHarness } from '../fixtures/simulate/harness.ts';
import { capturedIo } from '../support/capturedIo.ts';
import type { CapturedIo } from '../support/capturedIo.ts';

let h: Harness;
let dir: string;
let configPath: string;
let httpPath: string;
let idToken: string;
let accessToken: string;

function io(): CapturedIo {
  return capturedIo({ keys: h.keys, nowMs: NOW * 1000 });
}

before(async () => {
  h = await startHarness();
  dir = mkdtempSync(join(tmpdir(), 'authdbg-http-'));
  idToken = await h.idToken();
  accessToken = await h.accessToken();
  configPath = join(dir, 'authdebug.yaml');
  writeFileSync(
    configPath,
    `version: 1
api: { region: us-east-1, accountId: "123456789012", apiId: a1b2c3d4e5, stage: prod }
authorizers:
  pool: { type: cognito, userPools: [${POOL}], jwks: "${h.base}/jwks.json" }
routes:
  - { route: GET /profile, authorizer: pool }
  - { route: "GET /orders/{id}", authorizer: pool, scopes: [orders/read] }
`,
  );
  httpPath = join(dir, 'api.http');
  writeFileSync(
    httpPath,
    `@idToken = ${idToken}

### profile with the ID token
GET {{baseUrl}}/profile
Authorization: Bearer {{idToken}}

### profile with the access token from .env
GET {{baseUrl}}/profile
Authorization: Bearer {{$dotenv ACCESS_TOKEN}}

###
GET {{baseUrl}}/orders/7?token=${idToken}
Authorization: Bearer {{$processEnv AUTHDBG_TEST_TOKEN}}
`,
  );
  writeFileSync(
    join(dir, 'http-client.env.json'),
    JSON.stringify({ dev: { baseUrl: 'https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod' } }),
  );
  writeFileSync(join(dir, '.env'), `ACCESS_TOKEN=${accessToken}\n`);
});
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await h.close();
});

void describe('authdbg http', () => {
  it('prints one row per request and exits 1 when one is denied', async () => {
    const run = io();
    const status = await runHttp([httpPath, '--config', configPath, '--env', 'dev'], run);
    assert.equal(status, 1);
    const lines = run.out.join('').trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^LINE\s+METHOD\s+PATH\s+ROUTE\s+DECISION\s+STATUS\s+DECIDING STEP$/);
    assert.equal(lines.length, 4, run.out.join(''));
    assert.match(
      lines[1] ?? '',
      /^4\s+GET\s+\/profile\s+GET \/profile\s+ALLOW\s+200\s+allowed by authorizer/,
    );
    assert.match(lines[2] ?? '', /^8\s+GET\s+\/profile\s+GET \/profile\s+DENY\s+401\s+/);
    // Without --process-env the third request's token is not read: skipped, with the reason.
    assert.match(lines[3] ?? '', /^12\s+GET\s+.*skipped\s+-\s+the token cannot be read: .*trusted workspace/);
    const all = run.out.join('');
    assert.ok(!all.includes(idToken), 'no token printed whole');
  });

  it('--json: the stable shape, paths redacted', async () => {
    const run = io();
    await runHttp([httpPath, '--config', configPath, '--env', 'dev', '--json'], run);
    const document = JSON.parse(run.out.join('')) as {
      environment: string;
      requests: { line: number; decision: string; status?: number; route?: string; step: string }[];
    };
    assert.equal(document.environment, 'dev');
    assert.deepEqual(
      document.requests.map((r) => [r.line, r.decision, r.status ?? null]),
      [
        [4, 'allow', 200],
        [8, 'deny', 401],
        [12, 'skipped', null],
      ],
    );
    assert.ok(!run.out.join('').includes(idToken));
  });

  it('--process-env reads the process environment; the query string still never shows the token', async () => {
    process.env['AUTHDBG_TEST_TOKEN'] = accessToken;
    try {
      const run = io();
      await runHttp([httpPath, '--config', configPath, '--env', 'dev', '--process-env', '--json'], run);
      const document = JSON.parse(run.out.join('')) as {
        requests: { line: number; decision: string; status?: number; path: string; route?: string }[];
      };
      const third = document.requests[2];
      assert.equal(third?.decision, 'allow', JSON.stringify(third));
      assert.equal(third?.route, 'GET /orders/{id}');
      assert.match(third?.path ?? '', /^\/orders\/7\?token=eyJ[^.]*\.[^.]*\.<redacted>$/);
    } finally {
      delete process.env['AUTHDBG_TEST_TOKEN'];
    }
  });

  it('without --env the base URL is unknown: requests are skipped naming the variable', async () => {
    const run = io();
    const status = await runHttp([httpPath, '--config', configPath], run);
    assert.equal(status, 0, 'nothing denied');
    assert.match(run.out.join(''), /\{\{baseUrl\}\} is not defined/);
    assert.match(run.err.join(''), /no --env given: .* not used \(environments: dev\)/);
  });

  it('--base-url maps a {{host}}-style prefix to the API', async () => {
    const run = io();
    await runHttp([httpPath, '--config', configPath, '--base-url', '{{baseUrl}}=a1b2c3d4e5', '--json'], run);
    const document = JSON.parse(run.out.join('')) as { requests: { decision: string }[] };
    assert.deepEqual(
      document.requests.map((r) => r.decision),
      ['allow', 'deny', 'skipped'],
    );
  });

  it('usage errors: an unknown environment, a missing file, no FILE', async () => {
    await assert.rejects(
      runHttp([httpPath, '--config', configPath, '--env', 'prod'], io()),
      (error: unknown) =>
        error instanceof UsageError && /--env prod is not defined .*known: dev/.test(error.message),
    );
    await assert.rejects(
      runHttp([join(dir, 'missing.http'), '--config', configPath], io()),
      (error: unknown) => error instanceof UsageError && /ENOENT/.test(error.message),
    );
    await assert.rejects(runHttp(['--config', configPath], io()), UsageError);
  });
});
