// Smoke test of the cognito-local launcher and API client that the e2e and playground code build on.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CognitoApiError, startCognitoLocal } from '../support/cognitoLocal.ts';
import type { CognitoLocal, CognitoTokens, SeededPool } from '../support/cognitoLocal.ts';

function payloadOf(jwt: string): Record<string, unknown> {
  const part = jwt.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

let local: CognitoLocal;
let pool: SeededPool;
let tokens: CognitoTokens;

before(async () => {
  local = await startCognitoLocal();
  pool = await local.seedPool({
    name: 'smoke',
    groups: ['admin'],
    users: [
      {
        username: 'alice',
        password: 'Alice-Passw0rd',
        groups: ['admin'],
        attributes: { email: 'alice@example.com', 'custom:tenant': 'acme' },
      },
    ],
  });
  tokens = await local.initiateAuth({
    clientId: pool.clientId,
    username: 'alice',
    password: 'Alice-Passw0rd',
  });
});

after(async () => {
  await local?.stop();
});

void test('listens on loopback and the issuer is the loopback endpoint plus the pool id', () => {
  assert.match(local.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(pool.issuer, `${local.endpoint}/${pool.poolId}`);
});

void test('ID token carries token_use, aud, groups and the custom attribute', () => {
  const id = payloadOf(tokens.idToken);
  assert.equal(id.token_use, 'id');
  assert.equal(id.aud, pool.clientId);
  assert.equal(id.iss, pool.issuer);
  assert.deepEqual(id['cognito:groups'], ['admin']);
  assert.equal(id['custom:tenant'], 'acme');
  assert.equal(id['cognito:username'], 'alice');
  assert.equal(id.origin_jti, undefined, 'cognito-local does not emit origin_jti');
});

void test('access token has client_id and no aud', () => {
  const at = payloadOf(tokens.accessToken);
  assert.equal(at.token_use, 'access');
  assert.equal(at.client_id, pool.clientId);
  assert.equal(at.aud, undefined);
  assert.equal(at.scope, 'aws.cognito.signin.user.admin');
});

void test('the JWKS is served at {iss}/.well-known/jwks.json with the key that signed the tokens', async () => {
  const res = await fetch(pool.jwksUrl);
  assert.equal(res.status, 200);
  const jwks = (await res.json()) as { keys: { kid: string; kty: string; alg?: string }[] };
  const header = JSON.parse(Buffer.from(tokens.idToken.split('.')[0] ?? '', 'base64url').toString()) as {
    kid: string;
  };
  assert.ok(jwks.keys.some((k) => k.kid === header.kid && k.kty === 'RSA'));
});

void test('a wrong password is a NotAuthorized-style API error, not a crash', async () => {
  await assert.rejects(
    local.initiateAuth({ clientId: pool.clientId, username: 'alice', password: 'Wrong-Passw0rd' }),
    (e: unknown) => e instanceof CognitoApiError && e.status === 400,
  );
});
