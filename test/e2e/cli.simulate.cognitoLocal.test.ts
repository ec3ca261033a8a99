// authdbg simulate end to end: real cognito-local sign-ins, a real authdebug.yaml, the built CLI's decision.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { json, runCli } from '../support/cli.ts';
import { startSeededCognitoLocal } from '../support/cognitoLocal.ts';
import type { SeededCognitoLocal } from '../support/cognitoLocal.ts';

type Decision = {
  decision: string;
  status: number;
  body: string;
  headers: Record<string, string>;
  decidedBy: string;
  backendContext: unknown;
};

let seeded: SeededCognitoLocal;
let config: string;

before(async () => {
  seeded = await startSeededCognitoLocal({
    name: 'simulate-e2e',
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
  const yaml = `version: 1
defaults: { region: us-east-1, clockSkewSeconds: 0 }
api: { region: us-east-1, accountId: "123456789012", apiId: a1b2c3d4e5, stage: prod }
authorizers:
  pool:
    type: cognito
    issuers: [${JSON.stringify(issuer)}]
    jwks: ${JSON.stringify(jwksUrl)}
  httpJwt:
    type: jwt
    issuer: ${JSON.stringify(issuer)}
    audience: [${JSON.stringify(clientId)}]
    jwks: ${JSON.stringify(jwksUrl)}
routes:
  - route: GET /orders/{id}
    authorizer: pool
    rbac: { groups: [admin], claims: { "custom:tenant": acme } }
  - route: GET /reports
    authorizer: pool
    scopes: [aws.cognito.signin.user.admin]
  - route: GET /v2/orders
    apiKind: http
    authorizer: httpJwt
    scopes: [orders/read]
`;
  const dir = mkdtempSync(join(tmpdir(), 'authdbg-sim-'));
  config = join(dir, 'authdebug.yaml');
  writeFileSync(config, yaml);
});
after(() => seeded?.stop());

async function simulate(
  route: string,
  token: string,
  ...extra: string[]
): Promise<{ status: number | null; result: Decision }> {
  const run = await runCli(['simulate', '--config', config, '--route', route, token, '--json', ...extra]);
  return { status: run.status, result: json(run) as Decision };
}

describe('cognito-local tokens through authdbg simulate', () => {
  test('REST Cognito authorizer: an admin ID token of tenant acme is allowed (exit 0)', async () => {
    const { status, result } = await simulate('GET /orders/42', seeded.tokens['ada']?.idToken ?? '');
    assert.equal(status, 0, JSON.stringify(result));
    assert.equal(result.decision, 'allow');
    assert.equal(result.status, 200);
  });

  test('the access token on a method without scopes is the classic 401 trap', async () => {
    const { status, result } = await simulate('GET /orders/42', seeded.tokens['ada']?.accessToken ?? '');
    assert.equal(status, 1);
    assert.equal(result.status, 401);
    assert.equal((JSON.parse(result.body) as { message: string }).message, 'Unauthorized');
  });

  test('RBAC: a reader of another tenant passes the authorizer and gets the backend 403', async () => {
    const { status, result } = await simulate('GET /orders/42', seeded.tokens['rita']?.idToken ?? '');
    assert.equal(status, 1);
    assert.equal(result.status, 403);
    assert.equal(result.decidedBy, 'rbac');
  });

  test('a scoped REST method takes the access token', async () => {
    const { status, result } = await simulate(
      'GET /reports',
      `Bearer ${seeded.tokens['rita']?.accessToken ?? ''}`,
    );
    assert.equal(status, 0, JSON.stringify(result));
  });

  test('HTTP API JWT authorizer: a missing route scope is 403 Forbidden', async () => {
    const { status, result } = await simulate('GET /v2/orders', seeded.tokens['ada']?.accessToken ?? '');
    assert.equal(status, 1);
    assert.equal(result.status, 403);
    assert.equal((JSON.parse(result.body) as { message: string }).message, 'Forbidden');
  });

  test('what-if: adding the scope flips it to allow, and says the claims were edited', async () => {
    const { status, result } = await simulate(
      'GET /v2/orders',
      seeded.tokens['ada']?.accessToken ?? '',
      '--add-scope',
      'orders/read',
    );
    assert.equal(status, 0, JSON.stringify(result));
    assert.deepEqual(
      (result as unknown as { whatIf: { edited: boolean; signatureSkipped: boolean } }).whatIf.edited,
      true,
    );
  });

  test('--now past exp: the JWT authorizer answers 401 with the www-authenticate header', async () => {
    const token = seeded.tokens['ada']?.accessToken ?? '';
    const { exp } = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
      exp: number;
    };
    const { status, result } = await simulate('GET /v2/orders', token, '--now', String(exp + 10));
    assert.equal(status, 1);
    assert.equal(result.status, 401);
    const header =
      Object.entries(result.headers).find(([name]) => name.toLowerCase() === 'www-authenticate')?.[1] ?? '';
    assert.match(header, /^Bearer .*error="invalid_token"/);
  });
});
