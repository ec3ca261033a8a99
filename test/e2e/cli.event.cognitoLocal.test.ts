// authdbg event and diff end to end: real cognito-local sign-ins, the built CLI, the event a backend would get.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { json, runCli } from '../support/cli.ts';
import { startSeededCognitoLocal } from '../support/cognitoLocal.ts';
import type { SeededCognitoLocal } from '../support/cognitoLocal.ts';

let seeded: SeededCognitoLocal;
let config: string;
let dir: string;

before(async () => {
  seeded = await startSeededCognitoLocal({
    name: 'event-e2e',
    users: [
      {
        username: 'ada',
        password: 'Ada-Passw0rd!',
        groups: ['admin'],
        attributes: { email: 'ada@example.com', 'custom:tenant': 'acme' },
      },
      {
        username: 'rita',
        password: 'Rita-Passw0rd!',
        groups: ['readers'],
        attributes: { email: 'rita@example.com', 'custom:tenant': 'globex' },
      },
    ],
  });
  const { issuer, jwksUrl, clientId } = seeded.pool;
  dir = mkdtempSync(join(tmpdir(), 'authdbg-event-e2e-'));
  config = join(dir, 'authdebug.yaml');
  writeFileSync(
    config,
    `version: 1
api: { region: us-east-1, accountId: "123456789012", apiId: a1b2c3d4e5, stage: prod }
authorizers:
  pool: { type: cognito, issuers: [${JSON.stringify(issuer)}], jwks: ${JSON.stringify(jwksUrl)} }
  httpJwt: { type: jwt, issuer: ${JSON.stringify(issuer)}, audience: [${JSON.stringify(clientId)}], jwks: ${JSON.stringify(jwksUrl)} }
routes:
  - { route: "GET /orders/{id}", authorizer: pool, rbac: { groups: [admin] } }
  - { route: "GET /v2/orders/{id}", apiKind: http, authorizer: httpJwt }
`,
  );
});
after(() => seeded?.stop());

const token = (user: string, kind: 'idToken' | 'accessToken'): string => seeded.tokens[user]?.[kind] ?? '';

describe('cognito-local tokens through authdbg event and diff', () => {
  test('REST proxy event: claims as strings, groups, Java dates, path parameters; signature redacted', async () => {
    const run = await runCli([
      'event',
      '--config',
      config,
      '--route',
      'GET /orders/42?x=1',
      token('ada', 'idToken'),
    ]);
    assert.equal(run.status, 0, run.stderr);
    const event = json(run) as {
      pathParameters: Record<string, string>;
      queryStringParameters: Record<string, string>;
      headers: Record<string, string>;
      requestContext: { stage: string; authorizer: { claims: Record<string, string> } };
    };
    assert.deepEqual(event.pathParameters, { id: '42' });
    assert.deepEqual(event.queryStringParameters, { x: '1' });
    assert.equal(event.requestContext.stage, 'prod');
    const claims = event.requestContext.authorizer.claims;
    assert.equal(claims['cognito:groups'], 'admin');
    assert.equal(claims['custom:tenant'], 'acme');
    assert.match(claims.exp ?? '', /^[A-Z][a-z]{2} [A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d UTC \d{4}$/);
    assert.match(event.headers.Authorization ?? '', /\.<redacted>$/);
  });

  test('HTTP API payload 2.0 event, written with --out --unredacted to an owner-only file', async () => {
    const out = join(dir, 'http-event.json');
    const access = token('ada', 'accessToken');
    const run = await runCli([
      'event',
      '--config',
      config,
      '--route',
      'GET /v2/orders/7',
      `Bearer ${access}`,
      '--out',
      out,
      '--unredacted',
    ]);
    // cognito-local access tokens carry client_id, not aud: the JWT authorizer checks client_id then.
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, '');
    const event = JSON.parse(readFileSync(out, 'utf8')) as {
      version: string;
      routeKey: string;
      headers: Record<string, string>;
      requestContext: { authorizer: { jwt: { claims: Record<string, string> } } };
    };
    assert.equal(event.version, '2.0');
    assert.equal(event.routeKey, 'GET /v2/orders/{id}');
    assert.equal(event.headers.authorization, `Bearer ${access}`);
    assert.equal(event.requestContext.authorizer.jwt.claims.token_use, 'access');
    if (process.platform !== 'win32') assert.equal(statSync(out).mode & 0o077, 0);
  });

  test('a denied request prints no event and exits 1 with the reason', async () => {
    const run = await runCli([
      'event',
      '--config',
      config,
      '--route',
      'GET /orders/42',
      token('rita', 'idToken'),
    ]);
    assert.equal(run.status, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^DENY 403/);
    assert.match(run.stderr, /Why:/);
  });

  test('diff --json of the two users ID tokens names the claims that differ', async () => {
    const run = await runCli(['diff', token('ada', 'idToken'), token('rita', 'idToken'), '--json']);
    assert.equal(run.status, 1, run.stderr);
    const diff = json(run) as {
      kinds: { a: string; b: string };
      differences: { claim: string }[];
      same: string[];
    };
    assert.deepEqual(diff.kinds, { a: 'cognito-id', b: 'cognito-id' });
    const names = diff.differences.map((d) => d.claim);
    for (const claim of ['cognito:groups', 'custom:tenant', 'email', 'sub'])
      assert.ok(names.includes(claim), claim);
    assert.ok(diff.same.includes('iss'));
  });
});
