// `authdbg http` end to end: the built CLI on a .http file with an env file, a .env and a loopback key server.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { json, runCli } from '../support/cli.ts';
import {
  NOW,
  POOL_ID,
  accessClaims,
  idClaims,
  rsaKey,
  signToken,
  startKeyServer,
} from '../support/tokens.ts';
import type { KeyServer } from '../support/tokens.ts';

let server: KeyServer;
let id: string;
const dir = mkdtempSync(join(tmpdir(), 'authdbg-http-e2e-'));

before(async () => {
  const rsa = rsaKey();
  server = await startKeyServer({ '/jwks.json': { body: JSON.stringify({ keys: [rsa.jwk] }) } });
  const header = { kid: rsa.kid, alg: 'RS256' };
  id = signToken(header, idClaims(), rsa.privateKey);
  const access = signToken(header, accessClaims(), rsa.privateKey);
  writeFileSync(
    join(dir, 'authdebug.yaml'),
    [
      'version: 1',
      'api: { region: us-east-1, accountId: "123456789012", apiId: a1b2c3d4e5, stage: prod }',
      'authorizers:',
      `  pool: { type: cognito, userPools: [${POOL_ID}], jwks: "${server.url}/jwks.json" }`,
      'routes:',
      '  - { route: "GET /orders/{id}", authorizer: pool }',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'api.http'),
    [
      `@idToken = ${id}`,
      '',
      '### ID token',
      'GET {{base}}/orders/1',
      'Authorization: Bearer {{idToken}}',
      '',
      '### access token from .env',
      'GET {{base}}/orders/2',
      'Authorization: Bearer {{$dotenv ACCESS}}',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'http-client.env.json'),
    JSON.stringify({ dev: { base: 'https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod' } }),
  );
  writeFileSync(join(dir, '.env'), `ACCESS=${access}\n`);
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

void describe('authdbg http (built CLI)', () => {
  test('one row per request, exit 1 when one is denied, no token printed', async () => {
    const run = await runCli([
      'http',
      join(dir, 'api.http'),
      '--config',
      join(dir, 'authdebug.yaml'),
      '--env',
      'dev',
      '--now',
      String(NOW),
    ]);
    assert.equal(run.status, 1, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 3, run.stdout);
    assert.match(lines[1] ?? '', /^4\s+GET\s+\/orders\/1\s+GET \/orders\/\{id\}\s+ALLOW\s+200/);
    assert.match(
      lines[2] ?? '',
      /^8\s+GET\s+\/orders\/2\s+GET \/orders\/\{id\}\s+DENY\s+401\s+.*access token/,
    );
    assert.ok(!run.stdout.includes(id));
  });

  test('--json and usage errors', async () => {
    const run = await runCli([
      'http',
      join(dir, 'api.http'),
      '--config',
      join(dir, 'authdebug.yaml'),
      '--env',
      'dev',
      '--now',
      String(NOW),
      '--json',
    ]);
    const document = json(run) as { requests: { decision: string; route: string }[] };
    assert.deepEqual(
      document.requests.map((r) => r.decision),
      ['allow', 'deny'],
    );
    const unknown = await runCli([
      'http',
      join(dir, 'api.http'),
      '--config',
      join(dir, 'authdebug.yaml'),
      '--env',
      'x',
    ]);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /--env x is not defined/);
    const help = await runCli(['help', 'http']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /usage: authdbg http FILE\.http --config FILE/);
  });
});
