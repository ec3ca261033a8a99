// `authdbg token` end to end: the built CLI signs users in against cognito-local (USER_PASSWORD_AUTH, refresh,
// NEW_PASSWORD_REQUIRED) and against the SRP stand-in (USER_SRP_AUTH, which cognito-local lacks), and the tokens
// it prints verify with `authdbg inspect`.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { json, runCli } from '../support/cli.ts';
import { startSeededCognitoLocal } from '../support/cognitoLocal.ts';
import type { SeededCognitoLocal } from '../support/cognitoLocal.ts';
import { startSrpStandIn } from '../support/cognitoSrpStandIn.ts';
import type { SrpStandIn } from '../support/cognitoSrpStandIn.ts';

let seeded: SeededCognitoLocal;
let standIn: SrpStandIn;
const dir = mkdtempSync(join(tmpdir(), 'authdbg-token-'));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

before(async () => {
  seeded = await startSeededCognitoLocal({
    name: 'token',
    users: [
      {
        username: 'alice',
        password: 'Alice-Passw0rd!',
        groups: ['admin'],
        attributes: { email: 'a@example.com' },
      },
    ],
  });
  // A user with a temporary password: signing in answers NEW_PASSWORD_REQUIRED.
  const client = seeded.local.client;
  await client.adminCreateUser({
    poolId: seeded.pool.poolId,
    username: 'newbie',
    temporaryPassword: 'Temp-Passw0rd1',
  });
  standIn = await startSrpStandIn();
  standIn.addClient('srp-client');
  standIn.addClient('srp-secret-client', 'the-secret');
  standIn.addUser('carol', 'Carol-Passw0rd!', ['finance']);
});
after(async () => {
  await seeded?.stop();
  await standIn?.close();
});

describe('authdbg token against cognito-local', () => {
  const base = (): string[] => [
    'token',
    '--pool',
    seeded.pool.poolId,
    '--client',
    seeded.pool.clientId,
    '--endpoint',
    seeded.local.endpoint,
  ];

  test('USER_PASSWORD_AUTH from standard input: AuthenticationResult with --json, tokens verify', async () => {
    const run = await runCli([...base(), '--username', 'alice', '--json'], 'Alice-Passw0rd!\n');
    assert.equal(run.status, 0, run.stderr);
    const result = json(run) as {
      IdToken: string;
      AccessToken: string;
      RefreshToken: string;
      ExpiresIn: number;
      TokenType: string;
    };
    assert.deepEqual(Object.keys(result).sort(), [
      'AccessToken',
      'ExpiresIn',
      'IdToken',
      'RefreshToken',
      'TokenType',
    ]);
    const inspect = await runCli([
      'inspect',
      result.IdToken,
      '--jwks',
      seeded.pool.jwksUrl,
      '--client-id',
      seeded.pool.clientId,
      '--json',
    ]);
    assert.equal(inspect.status, 0, inspect.stdout);

    // Refresh: new ID and access tokens, no password.
    const refreshed = await runCli([
      ...base(),
      '--refresh-token-file',
      file('refresh.txt', `${result.RefreshToken}\n`),
      '--json',
    ]);
    assert.equal(refreshed.status, 0, refreshed.stderr);
    assert.ok((json(refreshed) as { IdToken?: string }).IdToken);
  });

  test('people output never prints a whole token', async () => {
    const run = await runCli([
      ...base(),
      '--username',
      'alice',
      '--password-file',
      file('pw', 'Alice-Passw0rd!\n'),
    ]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^signed in as alice \(USER_PASSWORD_AUTH/);
    assert.match(run.stdout, /Groups\s+admin/);
    assert.doesNotMatch(run.stdout, /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]{20,}/, 'a whole token in the output');
    assert.match(run.stdout, /ID token\s+eyJ[\w-]+\.eyJ[\w-]+\.<redacted>/);
  });

  test('a wrong password: exit 1, Cognito error and a hint, no tokens', async () => {
    const run = await runCli([...base(), '--username', 'alice'], 'wrong-password');
    assert.equal(run.status, 1);
    // AWS answers NotAuthorizedException; cognito-local answers InvalidPasswordException (emulator deviation).
    assert.match(run.stderr, /NotAuthorizedException|InvalidPasswordException/);
    assert.equal(run.stdout, '');
  });

  test('NEW_PASSWORD_REQUIRED: says what to pass, then answers it with --new-password-file', async () => {
    const asked = await runCli([...base(), '--username', 'newbie'], 'Temp-Passw0rd1');
    assert.equal(asked.status, 1);
    assert.match(asked.stderr, /NEW_PASSWORD_REQUIRED.*--new-password-file/);
    const answered = await runCli(
      [
        ...base(),
        '--username',
        'newbie',
        '--new-password-file',
        file('new', 'Brand-New-Passw0rd1'),
        '--json',
      ],
      'Temp-Passw0rd1',
    );
    assert.equal(answered.status, 0, answered.stderr);
    assert.ok((json(answered) as { IdToken?: string }).IdToken);
  });
});

describe('authdbg token with USER_SRP_AUTH (stand-in server)', () => {
  test('SRP sign-in, with and without a client secret; tokens verify against the stand-in JWKS', async () => {
    for (const [clientId, secret] of [
      ['srp-client', undefined],
      ['srp-secret-client', 'the-secret'],
    ] as const) {
      const args = [
        'token',
        '--pool',
        standIn.poolId,
        '--client',
        clientId,
        '--username',
        'carol',
        '--endpoint',
        standIn.endpoint,
        '--flow',
        'srp',
        '--json',
      ];
      if (secret) args.push('--client-secret-file', file(`secret-${clientId}`, secret));
      const run = await runCli(args, 'Carol-Passw0rd!');
      assert.equal(run.status, 0, run.stderr);
      const { IdToken } = json(run) as { IdToken: string };
      const inspect = await runCli([
        'inspect',
        IdToken,
        '--jwks',
        standIn.jwksUrl,
        '--client-id',
        clientId,
        '--json',
      ]);
      assert.equal(inspect.status, 0, inspect.stdout);
    }
    const actions = standIn.calls.map(
      (c) => `${c.action}:${String(c.body.AuthFlow ?? c.body.ChallengeName)}`,
    );
    assert.deepEqual(actions.slice(0, 2), [
      'InitiateAuth:USER_SRP_AUTH',
      'RespondToAuthChallenge:PASSWORD_VERIFIER',
    ]);
    // The password itself never crosses the wire in SRP.
    assert.ok(!JSON.stringify(standIn.calls).includes('Carol-Passw0rd!'));
  });

  test('usage: no password source on a terminal-less empty stdin, bad endpoint scheme', async () => {
    const empty = await runCli(
      [
        'token',
        '--pool',
        standIn.poolId,
        '--client',
        'srp-client',
        '--username',
        'carol',
        '--endpoint',
        standIn.endpoint,
      ],
      '',
    );
    assert.equal(empty.status, 2);
    assert.match(empty.stderr, /password is empty/);
    const http = await runCli(
      [
        'token',
        '--pool',
        'us-east-1_X',
        '--client',
        'c',
        '--username',
        'u',
        '--endpoint',
        'http://example.com',
      ],
      'p',
    );
    assert.equal(http.status, 2);
    assert.match(http.stderr, /https only/);
  });
});
