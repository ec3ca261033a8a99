// Issue 12: the answer first. Verdict and reason sentences built from the structured checks and the deciding step,
// over real signed tokens (a loopback key server), never from message text.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { renderReport } from '../../src/cli/render.ts';
import { simulationReason, tokenVerdict } from '../../src/core/explain/verdict.ts';
import { createHttpGet } from '../../src/core/keys/httpGet.ts';
import { createKeyStore } from '../../src/core/keys/keyStore.ts';
import type { KeyProvider } from '../../src/core/keys/types.ts';
import { keyAccess, keyProviderFor } from '../../src/vscode/keyAccess.ts';
import { simulate } from '../../src/core/simulate/simulate.ts';
import type { VerifyOptions } from '../../src/core/types.ts';
import { inspectToken } from '../../src/core/verify/inspect.ts';
import type { Harness } from '../fixtures/simulate/harness.ts';
import { CLIENT_ID, ISSUER, NOW, POOL, startHarness } from '../fixtures/simulate/harness.ts';

const YAML = `version: 1
api: { region: us-east-1, accountId: "123456789012", apiId: a1b2c3d4e5, stage: prod }
authorizers:
  pool: { type: cognito, userPools: [${POOL}], jwks: "{{BASE}}/jwks.json" }
routes:
  - { route: GET /profile, authorizer: pool }
  - { route: GET /orders, authorizer: pool, scopes: [orders/read] }
  - { route: GET /admin, authorizer: pool, rbac: { groups: [admin] } }
`;

let h: Harness;

before(async () => {
  h = await startHarness();
});
after(() => h.close());

function options(extra: Partial<VerifyOptions> = {}): VerifyOptions {
  return {
    now: NOW,
    issuer: ISSUER,
    audience: [CLIENT_ID],
    keySource: { type: 'jwks-url', url: `${h.base}/jwks.json` },
    ...extra,
  };
}

/** The same token with its payload edited and the signature kept: a tampered token. */
function tampered(token: string): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
  claims['cognito:groups'] = ['admin'];
  return [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
}

function freshStore(): KeyProvider {
  return createKeyStore({ httpGet: createHttpGet(), now: () => Date.now(), timeoutMs: 2000 });
}

void describe('token verdict: one sentence naming every failed check', () => {
  const cases: {
    name: string;
    token: () => Promise<string>;
    keys?: () => KeyProvider;
    status: string;
    sentence: RegExp;
  }[] = [
    {
      name: 'a valid ID token',
      token: () => h.idToken(),
      status: 'valid',
      sentence: /^valid: signature verified, no check failed$/,
    },
    {
      name: 'expired 2 hours ago',
      token: () => h.idToken({ exp: NOW - 7200, iat: NOW - 10800, auth_time: NOW - 10800 }),
      status: 'invalid',
      sentence: /^invalid: expired 2 hours ago$/,
    },
    {
      name: 'a tampered signature',
      token: async () => tampered(await h.idToken()),
      status: 'invalid',
      sentence: /^invalid: signature does not match the key$/,
    },
    {
      name: 'tampered and expired: both named',
      token: async () => tampered(await h.idToken({ exp: NOW - 7200, iat: NOW - 10800 })),
      status: 'invalid',
      sentence: /^invalid: signature does not match the key; expired 2 hours ago$/,
    },
    {
      name: 'the wrong audience',
      token: () => h.idToken({ aud: 'someone-else' }),
      status: 'invalid',
      sentence: new RegExp(`^invalid: aud is someone-else, expected ${CLIENT_ID}$`),
    },
    {
      name: 'keys not cached: as prominent as a failure',
      token: () => h.idToken(),
      keys: () => keyProviderFor(freshStore(), keyAccess('hover', true)),
      status: 'not-verified',
      sentence: /^not verified: signature not checked: keys are not cached$/,
    },
    {
      name: 'keys not cached and expired: both said',
      token: () => h.idToken({ exp: NOW - 7200, iat: NOW - 10800 }),
      keys: () => keyProviderFor(freshStore(), keyAccess('hover', true)),
      status: 'invalid',
      sentence: /^invalid: expired 2 hours ago; signature not checked: keys are not cached$/,
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const report = await inspectToken(await c.token(), options(), { keys: c.keys ? c.keys() : h.keys });
      const verdict = tokenVerdict(report);
      assert.equal(verdict.status, c.status, JSON.stringify(report.checks));
      assert.match(verdict.sentence, c.sentence);
      assert.equal(verdict.status === 'valid', report.valid, 'valid only when the report is');
    });
  }

  test('the CLI leads with the verdict, then the failed checks, before any table', async () => {
    const token = tampered(await h.idToken({ exp: NOW - 7200, iat: NOW - 10800 }));
    const report = await inspectToken(token, options(), { keys: h.keys });
    const [first, second, third] = renderReport(report).split('\n');
    assert.equal(first, 'INVALID  Cognito ID token (cognito-id)');
    assert.equal(second, '  signature does not match the key; expired 2 hours ago');
    assert.equal(third, '');
  });

  test('no key source: the signature is said to be unchecked, never valid', async () => {
    const report = await inspectToken(
      await h.idToken(),
      { now: NOW, issuer: 'https://issuer.example' },
      {
        keys: h.keys,
      },
    );
    const verdict = tokenVerdict(report);
    assert.notEqual(verdict.status, 'valid');
    assert.match(verdict.sentence, /signature not checked: no key source/);
  });
});

void describe('simulation reason: the deciding step and what would make it pass', () => {
  const cases: {
    name: string;
    route: string;
    token: () => Promise<string>;
    decision: 'allow' | 'deny';
    reason: RegExp;
    fix: RegExp | undefined;
  }[] = [
    {
      name: 'an access token on a Cognito route without scopes',
      route: 'GET /profile',
      token: () => h.accessToken(),
      decision: 'deny',
      reason: /^the token is refused: this is an access token; an ID token is expected$/,
      fix: /^send the ID token/,
    },
    {
      name: 'an ID token on a route with scopes',
      route: 'GET /orders',
      token: () => h.idToken(),
      decision: 'deny',
      reason: /^the token is refused: this is an ID token; an access token is expected$/,
      fix: /^send the access token/,
    },
    {
      name: 'a missing scope',
      route: 'GET /orders',
      token: () => h.accessToken({ scope: 'orders/write' }),
      decision: 'deny',
      reason: /orders\/read/,
      fix: /^add scope orders\/read; the token has orders\/write$/,
    },
    {
      name: 'a missing group',
      route: 'GET /admin',
      token: () => h.idToken({ 'cognito:groups': ['support'] }),
      decision: 'deny',
      reason: /missing group/,
      fix: /^the route requires group admin; the token has support$/,
    },
    {
      name: 'an expired token',
      route: 'GET /profile',
      token: () => h.idToken({ exp: NOW - 7200, iat: NOW - 10800 }),
      decision: 'deny',
      reason: /^the token is refused: expired 2 hours ago$/,
      fix: /refresh/,
    },
    {
      name: 'a tampered token',
      route: 'GET /admin',
      token: async () => tampered(await h.idToken({ 'cognito:groups': ['support'] })),
      decision: 'deny',
      reason: /^the token is refused: signature does not match the key$/,
      fix: undefined,
    },
    {
      name: 'allowed',
      route: 'GET /admin',
      token: () => h.idToken({ 'cognito:groups': ['admin'] }),
      decision: 'allow',
      reason: /^allowed by rbac/,
      fix: undefined,
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const config = h.config(YAML);
      const result = await simulate(
        { config, route: c.route, token: await c.token() },
        { now: NOW },
        { keys: h.keys },
      );
      assert.equal(result.decision, c.decision, JSON.stringify(result.trace, null, 1));
      assert.equal(
        result.decidingStep === undefined,
        c.decision === 'allow',
        'a deciding step on every deny',
      );
      const why = simulationReason(result);
      assert.match(why.reason, c.reason);
      if (c.fix === undefined) assert.equal(why.fix, undefined);
      else assert.match(why.fix ?? '', c.fix);
    });
  }

  test('keys not cached: the simulator says the signature was not checked', async () => {
    const keys = keyProviderFor(freshStore(), keyAccess('hover', true));
    const result = await simulate(
      { config: h.config(YAML), route: 'GET /profile', token: await h.idToken() },
      { now: NOW },
      { keys },
    );
    assert.equal(result.decision, 'deny');
    assert.equal(result.decidingStep?.check?.reason, 'not-cached');
    assert.match(simulationReason(result).reason, /signature not checked: keys are not cached/);
  });
});
