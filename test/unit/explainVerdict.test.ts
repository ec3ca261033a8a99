// Issue 12: the answer first. Verdict and reason sentences built from the structured checks and the deciding step,
// over real signed tokens (a loopback key server), never from message text.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { renderReport } from '../../src/cli/render.ts';
import { renderSimulation } from '../../src/cli/simulateCommand.ts';
import { simulationReason, tokenVerdict } from '../../src/core/explain/verdict.ts';
import { createHttpGet } from '../../src/core/keys/httpGet.ts';
import { createKeyStore } from '../../src/core/keys/keyStore.ts';
import type { KeyProvider } from '../../src/core/keys/types.ts';
import { keyAccess, keyProviderFor } from '../../src/vscode/keyAccess.ts';
import { simulate } from '../../src/core/simulate/simulate.ts';
import type { VerifyOptions } from '../../src/core/types.ts';
import { inspectToken } from '../../src/core/verify/inspect.ts';
import type { Harness } from '../fixtures/simulate/harness.ts';
import {
  ALB_ARN,
  CLIENT_ID,
  ISSUER,
  NOW,
  OTHER_ALB_ARN,
  POOL,
  startHarness,
} from '../fixtures/simulate/harness.ts';

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
      reason: /^the route requires scope orders\/read; the token has orders\/write$/,
      fix: /^add scope orders\/read to the token$/,
    },
    {
      name: 'a missing group',
      route: 'GET /admin',
      token: () => h.idToken({ 'cognito:groups': ['support'] }),
      decision: 'deny',
      reason: /^the backend refuses with 403: missing group admin$/,
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

// Every authorizer kind: the sentence comes from the typed hint or check of the deciding step.
const HTTP_YAML = `version: 1
api: { region: us-east-1, accountId: "123456789012", apiId: h1, stage: "$default", kind: http }
authorizers:
  jwt: { type: jwt, issuer: "${ISSUER}", audience: [${CLIENT_ID}], jwks: "{{BASE}}/jwks.json" }
  simpleNo: { type: lambda, payloadFormatVersion: "2.0", enableSimpleResponses: true, policy: { isAuthorized: false } }
routes:
  - { route: GET /items, authorizer: jwt, scopes: [orders/read] }
  - { route: GET /me, authorizer: jwt }
  - { route: "GET /pets/{id}", authorizer: simpleNo }
`;

const LAMBDA_YAML = `version: 1
api: { region: us-east-1, accountId: "123456789012", apiId: a1b2c3d4e5, stage: prod }
authorizers:
  pool: { type: cognito, userPools: [${POOL}], jwks: "{{BASE}}/jwks.json" }
  explicitDeny:
    type: lambda
    policy:
      principalId: u
      policyDocument:
        Statement:
          - { Effect: Allow, Action: execute-api:Invoke, Resource: "*" }
          - { Effect: Deny, Action: "execute-api:*", Resource: "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/lambda/*" }
  narrow: { type: lambda, policy: { Version: "2012-10-17", Statement: { Effect: Allow, Action: execute-api:Invoke, Resource: "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/POST/*" } } }
  rbacFn: { type: lambda, verify: pool }
routes:
  - { route: "GET /lambda/{name}", authorizer: explicitDeny }
  - { route: GET /narrow, authorizer: narrow }
  - { route: GET /staff, authorizer: rbacFn, rbac: { groups: [admin] } }
`;

const ALB_YAML = `version: 1
authorizers:
  web: { type: alb, albArn: "${ALB_ARN}", clientId: ${CLIENT_ID}, keyUrl: "{{BASE}}/alb", onUnauthenticatedRequest: deny }
routes:
  - { route: "GET /app/*", authorizer: web }
`;

void describe('simulation reason across authorizer kinds', () => {
  const cases: {
    name: string;
    yaml: string;
    route: string;
    token: () => Promise<string | undefined> | string | undefined;
    status: number;
    reason: RegExp;
    fix: RegExp | undefined;
  }[] = [
    {
      name: 'REST Cognito: no token at all',
      yaml: YAML,
      route: 'GET /profile',
      token: () => undefined,
      status: 401,
      reason: /^the request carries no token in the Authorization header$/,
      fix: /^send the token in the Authorization header$/,
    },
    {
      name: 'HTTP JWT: an ID token on a route with scopes',
      yaml: HTTP_YAML,
      route: 'GET /items',
      token: () => h.idToken(),
      status: 403,
      reason: /^the route requires scope orders\/read; the token has no scopes$/,
      fix: /^send the access token with scope orders\/read \(an ID token carries no scopes\)$/,
    },
    {
      name: 'HTTP JWT: an access token missing the scope',
      yaml: HTTP_YAML,
      route: 'GET /items',
      token: () => h.accessToken({ scope: 'orders/write' }),
      status: 403,
      reason: /^the route requires scope orders\/read; the token has orders\/write$/,
      fix: /^add scope orders\/read to the token$/,
    },
    {
      name: 'HTTP JWT: the wrong audience',
      yaml: HTTP_YAML,
      route: 'GET /me',
      token: () => h.idToken({ aud: 'someone-else' }),
      status: 401,
      reason: new RegExp(`^the token is refused: aud is someone-else, expected ${CLIENT_ID}$`),
      fix: new RegExp(`^use a token issued to app client ${CLIENT_ID}`),
    },
    {
      name: 'HTTP JWT: a tampered signature',
      yaml: HTTP_YAML,
      route: 'GET /me',
      token: async () => tampered(await h.idToken()),
      status: 401,
      reason: /^the token is refused: signature does not match the key$/,
      fix: undefined,
    },
    {
      name: 'HTTP Lambda simple response: isAuthorized false',
      yaml: HTTP_YAML,
      route: 'GET /pets/1',
      token: () => h.idToken(),
      status: 403,
      reason: /isAuthorized: false/,
      fix: /^the function must return isAuthorized: true$/,
    },
    {
      name: 'REST Lambda: an explicit Deny',
      yaml: LAMBDA_YAML,
      route: 'GET /lambda/x',
      token: () => h.idToken(),
      status: 403,
      reason: /explicit Deny/,
      fix: /^remove or narrow the Deny statement that covers arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5\/prod\/GET\/lambda\/x/,
    },
    {
      name: 'REST Lambda: no Allow for this method',
      yaml: LAMBDA_YAML,
      route: 'GET /narrow',
      token: () => h.idToken(),
      status: 403,
      reason: /implicit deny/,
      fix: /^the policy must allow execute-api:Invoke on arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5\/prod\/GET\/narrow$/,
    },
    {
      name: 'REST Lambda applying RBAC: the group it misses',
      yaml: LAMBDA_YAML,
      route: 'GET /staff',
      token: () => h.idToken({ 'cognito:groups': ['support'] }),
      status: 403,
      reason: /^the Lambda authorizer refuses with 403: missing group admin$/,
      fix: /^the route requires group admin; the token has support$/,
    },
    {
      name: 'REST Lambda verifying the token: expired',
      yaml: LAMBDA_YAML,
      route: 'GET /staff',
      token: () => h.idToken({ exp: NOW - 7200, iat: NOW - 10800 }),
      status: 401,
      reason: /^the token is refused: expired 2 hours ago$/,
      fix: /refresh/,
    },
    {
      name: 'ALB: a Cognito ID token is not x-amzn-oidc-data',
      yaml: ALB_YAML,
      route: 'GET /app/home',
      token: () => h.idToken(),
      status: 401,
      reason: /^this is an ID token; the ALB sends `x-amzn-oidc-data`/,
      fix: /^paste the x-amzn-oidc-data header/,
    },
    {
      name: 'ALB: a Cognito access token is not x-amzn-oidc-data either',
      yaml: ALB_YAML,
      route: 'GET /app/home',
      token: () => h.accessToken(),
      status: 401,
      reason: /^this is an access token; the ALB sends `x-amzn-oidc-data`/,
      fix: /^paste the x-amzn-oidc-data header/,
    },
    {
      name: 'ALB: a blob from another load balancer',
      yaml: ALB_YAML,
      route: 'GET /app/home',
      token: () => h.albBlob({}, { signer: OTHER_ALB_ARN }),
      status: 401,
      reason:
        /^the backend refuses x-amzn-oidc-data: signed by another load balancer \(app\/evil\/0123456789abcdef, expected app\/my-alb\/50dc6c495c0c9188\)$/,
      fix: new RegExp(`^send the x-amzn-oidc-data of load balancer ${ALB_ARN.replace(/[/.]/g, '\\$&')}`),
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const token = await c.token();
      const result = await simulate(
        { config: h.config(c.yaml), route: c.route, ...(token === undefined ? {} : { token }) },
        { now: NOW },
        { keys: h.keys },
      );
      assert.equal(result.decision, 'deny', JSON.stringify(result.trace, null, 1));
      assert.equal(result.status, c.status, JSON.stringify(result.trace, null, 1));
      const why = simulationReason(result);
      assert.match(why.reason, c.reason);
      if (c.fix === undefined) assert.equal(why.fix, undefined);
      else assert.match(why.fix ?? '', c.fix);
    });
  }

  test('ALB with an ID token: no algorithm mismatch anywhere in the trace, and the CLI says the same', async () => {
    const result = await simulate(
      { config: h.config(ALB_YAML), route: 'GET /app/home', token: await h.idToken() },
      { now: NOW },
      { keys: h.keys },
    );
    assert.equal(result.decidedBy, 'alb-session');
    assert.ok(
      !result.trace.some((t) => t.status === 'fail' && /\balg\b|algorithm/.test(t.message)),
      JSON.stringify(result.trace, null, 1),
    );
    const [verdict, why, fix] = renderSimulation(result).split('\n');
    assert.equal(verdict, 'DENY  401');
    assert.equal(why, `Why:        ${simulationReason(result).reason}`);
    assert.match(fix ?? '', /^To pass: {4}paste the x-amzn-oidc-data header/);
  });
});

void describe('route warnings in the trace concern the token sent', () => {
  const configWarnings = (result: { trace: { step: string; message: string }[] }): string[] =>
    result.trace.filter((t) => t.step === 'config').map((t) => t.message);

  test('"accepts only ID tokens" is said beside an access token or no token, never beside an ID token', async () => {
    const config = h.config(YAML);
    assert.ok(
      config.warnings.some((w) => w.id === 'cognito-no-scopes' && w.source?.route === 'GET /profile'),
      'the configuration carries the route warning',
    );
    const run = async (token: string | undefined) =>
      configWarnings(
        await simulate(
          { config, route: 'GET /profile', ...(token === undefined ? {} : { token }) },
          { now: NOW },
          { keys: h.keys },
        ),
      );
    const about = /accepts only ID tokens/;
    assert.ok(!(await run(await h.idToken())).some((m) => about.test(m)), 'not beside an ID token');
    assert.ok(
      (await run(await h.accessToken())).some((m) => about.test(m)),
      'beside an access token',
    );
    assert.ok(
      (await run(`Bearer ${await h.accessToken()}`)).some((m) => about.test(m)),
      'in any form',
    );
    assert.ok(
      (await run(undefined)).some((m) => about.test(m)),
      'when exploring the route without a token',
    );
  });
});
