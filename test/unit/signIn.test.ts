// Sign-in: USER_SRP_AUTH through AWS's client library against a stand-in server written from the protocol,
// SECRET_HASH, challenges and failures as data, and the verifier accepting what comes back.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  checkCognitoEndpoint,
  cognitoCall,
  cognitoEndpointForPool,
  createJsonPost,
} from '../../src/core/signIn/cognitoHttp.ts';
import type { CognitoCall } from '../../src/core/signIn/cognitoHttp.ts';
import { answerChallenge, refreshTokens, secretHash, signIn } from '../../src/core/signIn/signIn.ts';
import { srpTimestamp } from '../../src/core/signIn/srp.ts';
import { startSrpStandIn } from '../support/cognitoSrpStandIn.ts';
import type { SrpStandIn } from '../support/cognitoSrpStandIn.ts';

let standIn: SrpStandIn;
let call: CognitoCall;
const deps = () => ({ call, nowMs: () => Date.now() });

before(async () => {
  standIn = await startSrpStandIn();
  standIn.addClient('public-client');
  standIn.addClient('secret-client', 's3cr3t-value');
  standIn.addUser('alice', 'Alice-Passw0rd', ['admin']);
  standIn.addUser('bob', 'correct horse battery staple', []);
  call = cognitoCall(new URL(`${standIn.endpoint}/`), createJsonPost(), 5000);
});
after(() => standIn.close());

describe('USER_SRP_AUTH', () => {
  for (const [username, password] of [
    ['alice', 'Alice-Passw0rd'],
    ['bob', 'correct horse battery staple'],
  ] as const) {
    it(`signs ${username} in with the right password (fresh A and B each time)`, async () => {
      for (let round = 0; round < 3; round++) {
        const outcome = await signIn(
          { poolId: standIn.poolId, clientId: 'public-client', username, password, flow: 'srp' },
          deps(),
        );
        assert.equal(outcome.kind, 'signed-in', JSON.stringify(outcome));
        if (outcome.kind !== 'signed-in') return;
        const payload = JSON.parse(
          Buffer.from(outcome.result.IdToken.split('.')[1] ?? '', 'base64url').toString(),
        ) as Record<string, unknown>;
        assert.equal(payload['cognito:username'], username);
        assert.equal(outcome.result.TokenType, 'Bearer');
        assert.ok(outcome.result.RefreshToken);
      }
    });
  }

  it('a wrong password is NotAuthorizedException with a hint, never tokens', async () => {
    const outcome = await signIn(
      {
        poolId: standIn.poolId,
        clientId: 'public-client',
        username: 'alice',
        password: 'alice-passw0rd',
        flow: 'srp',
      },
      deps(),
    );
    assert.deepEqual(
      { kind: outcome.kind, code: outcome.kind === 'failed' ? outcome.code : '' },
      { kind: 'failed', code: 'NotAuthorizedException' },
    );
    assert.ok(outcome.kind === 'failed' && outcome.hint?.includes('password'));
  });

  it('a client with a secret: SECRET_HASH is sent and checked; without the secret the hint says so', async () => {
    const ok = await signIn(
      {
        poolId: standIn.poolId,
        clientId: 'secret-client',
        clientSecret: 's3cr3t-value',
        username: 'alice',
        password: 'Alice-Passw0rd',
        flow: 'srp',
      },
      deps(),
    );
    assert.equal(ok.kind, 'signed-in', JSON.stringify(ok));
    const missing = await signIn(
      {
        poolId: standIn.poolId,
        clientId: 'secret-client',
        username: 'alice',
        password: 'Alice-Passw0rd',
        flow: 'srp',
      },
      deps(),
    );
    assert.equal(missing.kind, 'failed');
    assert.ok(missing.kind === 'failed' && missing.hint?.includes('client-secret'));
  });

  it('USER_PASSWORD_AUTH refused by the client: the hint names --flow srp', async () => {
    const outcome = await signIn(
      {
        poolId: standIn.poolId,
        clientId: 'public-client',
        username: 'alice',
        password: 'x',
        flow: 'password',
      },
      deps(),
    );
    assert.ok(outcome.kind === 'failed' && outcome.hint?.includes('--flow srp'), JSON.stringify(outcome));
  });

  it('a hostile PASSWORD_VERIFIER (non-hex SRP_B) is a failure, not a crash', async () => {
    const hostile: CognitoCall = (action) =>
      Promise.resolve(
        action === 'InitiateAuth'
          ? {
              status: 200,
              json: {
                ChallengeName: 'PASSWORD_VERIFIER',
                ChallengeParameters: {
                  SALT: 'zz',
                  SRP_B: 'not hex',
                  SECRET_BLOCK: 'AA==',
                  USER_ID_FOR_SRP: 'a',
                },
              },
            }
          : { status: 500, json: {} },
      );
    const outcome = await signIn(
      { poolId: 'us-east-1_X', clientId: 'c', username: 'a', password: 'p', flow: 'srp' },
      { call: hostile, nowMs: () => 0 },
    );
    assert.equal(outcome.kind, 'failed');
  });
});

describe('challenges and refresh as data', () => {
  it('NEW_PASSWORD_REQUIRED is a challenge asking for a new password, answered with USERNAME and SECRET_HASH', async () => {
    const sent: Record<string, unknown>[] = [];
    const fake: CognitoCall = (action, body) => {
      sent.push({ action, ...body });
      if (action === 'InitiateAuth')
        return Promise.resolve({
          status: 200,
          json: {
            ChallengeName: 'NEW_PASSWORD_REQUIRED',
            Session: 'S1',
            ChallengeParameters: { USER_ID_FOR_SRP: 'alice', requiredAttributes: '[]' },
          },
        });
      return Promise.resolve({
        status: 200,
        json: {
          AuthenticationResult: {
            IdToken: 'i.d.t',
            AccessToken: 'a.c.t',
            ExpiresIn: 300,
            TokenType: 'Bearer',
          },
        },
      });
    };
    const client = { poolId: 'us-east-1_X', clientId: 'c1', clientSecret: 'sec' };
    const first = await signIn(
      { ...client, username: 'alice', password: 'Temp-1234', flow: 'password' },
      { call: fake, nowMs: () => 0 },
    );
    assert.equal(first.kind, 'challenge');
    if (first.kind !== 'challenge') return;
    assert.equal(first.challenge.answer, 'new-password');
    const done = await answerChallenge(client, first.challenge, 'New-Passw0rd!', {
      call: fake,
      nowMs: () => 0,
    });
    assert.equal(done.kind, 'signed-in');
    assert.deepEqual(sent[1], {
      action: 'RespondToAuthChallenge',
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      ClientId: 'c1',
      Session: 'S1',
      ChallengeResponses: {
        USERNAME: 'alice',
        NEW_PASSWORD: 'New-Passw0rd!',
        SECRET_HASH: secretHash('sec', 'alice', 'c1'),
      },
    });
  });

  it('SOFTWARE_TOKEN_MFA asks for a code; MFA_SETUP cannot be answered and says what to do', async () => {
    for (const [name, answer] of [
      ['SOFTWARE_TOKEN_MFA', 'code'],
      ['MFA_SETUP', undefined],
    ] as const) {
      const fake: CognitoCall = () =>
        Promise.resolve({ status: 200, json: { ChallengeName: name, Session: 'S' } });
      const outcome = await signIn(
        { poolId: 'us-east-1_X', clientId: 'c', username: 'u', password: 'p', flow: 'password' },
        { call: fake, nowMs: () => 0 },
      );
      assert.ok(outcome.kind === 'challenge');
      if (outcome.kind === 'challenge') {
        assert.equal(outcome.challenge.answer, answer);
        assert.ok(outcome.challenge.message.length > 10);
      }
    }
  });

  it('refresh with a secret needs the username; the hint for an expired refresh token says sign in again', async () => {
    const fake: CognitoCall = () =>
      Promise.resolve({
        status: 400,
        json: { __type: 'NotAuthorizedException', message: 'Refresh Token has expired' },
      });
    const missing = await refreshTokens({ poolId: 'p', clientId: 'c', clientSecret: 's' }, 'r', undefined, {
      call: fake,
      nowMs: () => 0,
    });
    assert.ok(missing.kind === 'failed' && missing.code === 'UsernameRequired');
    const expired = await refreshTokens({ poolId: 'p', clientId: 'c' }, 'r', undefined, {
      call: fake,
      nowMs: () => 0,
    });
    assert.ok(expired.kind === 'failed' && expired.hint?.includes('sign in again'));
  });
});

describe('endpoints and formats', () => {
  it('derives the regional endpoint, FIPS in GovCloud, .cn in China; refuses http off loopback', () => {
    assert.equal(cognitoEndpointForPool('eu-west-1_AbC'), 'https://cognito-idp.eu-west-1.amazonaws.com/');
    assert.equal(
      cognitoEndpointForPool('us-gov-west-1_AbC'),
      'https://cognito-idp-fips.us-gov-west-1.amazonaws.com/',
    );
    assert.equal(
      cognitoEndpointForPool('cn-north-1_AbC'),
      'https://cognito-idp.cn-north-1.amazonaws.com.cn/',
    );
    assert.equal(cognitoEndpointForPool('not a pool'), undefined);
    assert.equal(checkCognitoEndpoint('http://127.0.0.1:9229').ok, true);
    assert.equal(checkCognitoEndpoint('http://example.com').ok, false);
    assert.equal(checkCognitoEndpoint('https://user:pw@example.com').ok, false);
  });

  it('the SRP timestamp does not pad the day', () => {
    assert.equal(srpTimestamp(Date.UTC(2026, 11, 2, 3, 4, 5)), 'Wed Dec 2 03:04:05 UTC 2026');
    assert.equal(srpTimestamp(Date.UTC(2018, 8, 25, 0, 9, 40)), 'Tue Sep 25 00:09:40 UTC 2018');
  });
});
