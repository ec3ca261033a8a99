// End to end with cognito-local: real sign-in over its HTTP API, tokens verified by the built CLI.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { json, runCli } from '../support/cli.ts';
import { startSeededCognitoLocal } from '../support/cognitoLocal.ts';
import type { SeededCognitoLocal } from '../support/cognitoLocal.ts';

type Output = {
  kind: string;
  valid: boolean;
  checks: { id: string; status: string; message: string }[];
  payload: Record<string, unknown>;
};

let seeded: SeededCognitoLocal;

before(async () => {
  seeded = await startSeededCognitoLocal({
    name: 'e2e',
    users: [
      {
        username: 'alice',
        password: 'Alice-Passw0rd!',
        groups: ['admin'],
        attributes: { email: 'alice@example.com', 'custom:tenant': 'acme' },
      },
    ],
  });
});
after(() => seeded?.stop());

async function inspect(token: string, ...args: string[]): Promise<{ status: number | null; output: Output }> {
  const run = await runCli(['inspect', token, '--jwks', seeded.pool.jwksUrl, '--json', ...args]);
  return { status: run.status, output: json(run) as Output };
}

function statusOf(output: Output, id: string): string | undefined {
  return output.checks.find((c) => c.id === id)?.status;
}

describe('cognito-local tokens through authdbg inspect', () => {
  test('the ID token verifies against its JWKS with issuer, client and token use', async () => {
    const tokens = seeded.tokens['alice'];
    assert.ok(tokens);
    const { status, output } = await inspect(
      tokens.idToken,
      '--issuer',
      seeded.pool.issuer,
      '--client-id',
      seeded.pool.clientId,
      '--token-use',
      'id',
    );
    assert.equal(status, 0, JSON.stringify(output.checks));
    assert.equal(output.kind, 'cognito-id');
    assert.deepEqual(output.payload['cognito:groups'], ['admin']);
    for (const id of ['signature', 'iss', 'aud', 'token_use', 'exp'])
      assert.equal(statusOf(output, id), 'pass', id);
  });

  test('the access token verifies, matched on client_id', async () => {
    const tokens = seeded.tokens['alice'];
    assert.ok(tokens);
    const { status, output } = await inspect(
      tokens.accessToken,
      '--issuer',
      seeded.pool.issuer,
      '--client-id',
      seeded.pool.clientId,
      '--token-use',
      'access',
    );
    assert.equal(status, 0, JSON.stringify(output.checks));
    assert.equal(output.kind, 'cognito-access');
    assert.equal(statusOf(output, 'client_id'), 'pass');
  });

  test('a wrong token use, client or issuer fails at the right check', async () => {
    const tokens = seeded.tokens['alice'];
    assert.ok(tokens);
    const base = ['--issuer', seeded.pool.issuer, '--client-id', seeded.pool.clientId];
    const wrongUse = await inspect(tokens.accessToken, ...base, '--token-use', 'id');
    assert.equal(wrongUse.status, 1);
    assert.equal(statusOf(wrongUse.output, 'token_use'), 'fail');
    const wrongClient = await inspect(
      tokens.idToken,
      '--issuer',
      seeded.pool.issuer,
      '--client-id',
      'someotherclient',
    );
    assert.equal(wrongClient.status, 1);
    assert.equal(statusOf(wrongClient.output, 'aud'), 'fail');
    const wrongIssuer = await inspect(
      tokens.idToken,
      '--issuer',
      `${seeded.pool.issuer}x`,
      '--client-id',
      seeded.pool.clientId,
    );
    assert.equal(wrongIssuer.status, 1);
    assert.equal(statusOf(wrongIssuer.output, 'iss'), 'fail');
    assert.equal(statusOf(wrongIssuer.output, 'signature'), 'pass');
  });

  test('--now past exp fails at exp', async () => {
    const tokens = seeded.tokens['alice'];
    assert.ok(tokens);
    const { exp } = JSON.parse(Buffer.from(tokens.idToken.split('.')[1] ?? '', 'base64url').toString()) as {
      exp: number;
    };
    const { status, output } = await inspect(
      tokens.idToken,
      '--issuer',
      seeded.pool.issuer,
      '--now',
      String(exp + 1),
    );
    assert.equal(status, 1);
    assert.equal(statusOf(output, 'exp'), 'fail');
    assert.equal(statusOf(output, 'signature'), 'pass');
  });

  test('a tampered token fails at the signature', async () => {
    const tokens = seeded.tokens['alice'];
    assert.ok(tokens);
    const [h, p, s] = tokens.idToken.split('.');
    const claims = JSON.parse(Buffer.from(p ?? '', 'base64url').toString()) as Record<string, unknown>;
    claims['cognito:groups'] = ['admin', 'superuser'];
    const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
    const { status, output } = await inspect(forged, '--issuer', seeded.pool.issuer);
    assert.equal(status, 1);
    assert.equal(statusOf(output, 'signature'), 'fail');
  });
});
