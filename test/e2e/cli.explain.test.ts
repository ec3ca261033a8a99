// `authdbg explain` end to end: the built CLI reads a pasted response, and with a configuration and the pasted
// request's token it simulates the request and says whether that reproduces the response.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { json, runCli } from '../support/cli.ts';
import {
  CLIENT_ID,
  NOW,
  POOL_ID,
  accessClaims,
  rsaKey,
  signToken,
  startKeyServer,
} from '../support/tokens.ts';
import type { KeyServer, TestKey } from '../support/tokens.ts';

let rsa: TestKey;
let server: KeyServer;
const dir = mkdtempSync(join(tmpdir(), 'authdbg-explain-'));
let config: string;

before(async () => {
  rsa = rsaKey();
  server = await startKeyServer({ '/jwks.json': { body: JSON.stringify({ keys: [rsa.jwk] }) } });
  config = join(dir, 'authdebug.yaml');
  writeFileSync(
    config,
    `version: 1
api: { region: us-east-1, accountId: "123456789012", apiId: a1b2c3d4e5, stage: prod }
authorizers:
  pool: { type: cognito, userPools: [${POOL_ID}], jwks: "${server.url}/jwks.json" }
routes:
  - { route: GET /orders, authorizer: pool }
`,
  );
});
after(() => server.close());

const REST_401 = [
  'HTTP/2 401',
  'content-type: application/json',
  'x-amzn-requestid: 0b7c',
  'x-amzn-errortype: UnauthorizedException',
  '',
  '{"message":"Unauthorized"}',
].join('\n');

describe('authdbg explain', () => {
  test('a pasted REST 401 from standard input: the steps that answer like it, the first line first', async () => {
    const run = await runCli(['explain', '-'], REST_401);
    assert.equal(run.status, 0, run.stderr);
    const [first] = run.stdout.split('\n');
    assert.match(first ?? '', /^401: one of \d+ authorizer steps answers exactly like this/);
    assert.match(run.stdout, /Answered by: a REST API/);
    assert.match(run.stdout, /Cognito authorizer refused the token/);
  });

  test('with the request and a configuration: the access-token trap is reproduced and ranked first', async () => {
    const token = signToken({ alg: 'RS256', kid: rsa.kid }, accessClaims(), rsa.privateKey);
    const paste = `> GET /orders HTTP/1.1\n> Authorization: Bearer ${token}\n>\n${REST_401.split('\n')
      .map((l) => `< ${l}`)
      .join('\n')}`;
    const file = join(dir, 'curl.txt');
    writeFileSync(file, paste);
    const run = await runCli(['explain', file, '--config', config, '--now', String(NOW)]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^401: .*access token.*\n/i);
    assert.match(run.stdout, /\nReproduced: the simulation of this request answers the same\n/);
    assert.match(run.stdout, /the simulation decided here/);
    assert.ok(!run.stdout.includes(token) && !run.stderr.includes(token), 'the token is never printed whole');

    const asJson = await runCli(['explain', file, '--config', config, '--now', String(NOW), '--json']);
    assert.equal(asJson.status, 0, asJson.stderr);
    assert.ok(!asJson.stdout.includes(token.split('.')[2] ?? 'x'), 'no signature in --json');
    const explanation = (json(asJson).explanations as { reproduction: { reproduced: boolean } }[])[0];
    assert.equal(explanation?.reproduction.reproduced, true);
    void CLIENT_ID;
  });

  test('a REST invoke URL path carries the stage (/prod/orders): the route is matched without it', async () => {
    const token = signToken({ alg: 'RS256', kid: rsa.kid }, accessClaims(), rsa.privateKey);
    const paste = `> GET /prod/orders HTTP/1.1\n> Host: a1b2c3d4e5.execute-api.us-east-1.amazonaws.com\n> Authorization: Bearer ${token}\n>\n${REST_401.split(
      '\n',
    )
      .map((l) => `< ${l}`)
      .join('\n')}`;
    const file = join(dir, 'curl-stage.txt');
    writeFileSync(file, paste);
    const run = await runCli(['explain', file, '--config', config, '--now', String(NOW)]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /\nReproduced: the simulation of this request answers the same\n/);
    assert.match(run.stderr, /GET \/prod\/orders is simulated as GET \/orders/);
  });

  test('a response no step produces exits 1; a route without a configuration is a usage error', async () => {
    const unknown = await runCli(['explain', '-'], 'HTTP/1.1 401 Unauthorized\n\nplease log in');
    assert.equal(unknown.status, 1);
    assert.match(unknown.stdout, /not explained/);
    const usage = await runCli(['explain', '-', '--route', 'GET /x'], REST_401);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /need --config/);
  });
});
