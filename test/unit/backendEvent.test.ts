// The backend event builder: REST proxy, HTTP API 2.0 / 1.0 and ALB target events from real simulations.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SimConfig } from '../../src/core/config/model.ts';
import { buildBackendEvent, clfTime } from '../../src/core/simulate/backendEvent.ts';
import type { BackendEvent } from '../../src/core/simulate/backendEvent.ts';
import type { SimulationRequest } from '../../src/core/simulate/result.ts';
import { simulate } from '../../src/core/simulate/simulate.ts';
import type { JsonObject } from '../../src/core/types.ts';
import type { Harness } from '../fixtures/simulate/harness.ts';
import { ALB_ARN, CLIENT_ID, NOW, POOL, startHarness } from '../fixtures/simulate/harness.ts';

const JWKS = 'jwks: "{{BASE}}/jwks.json"';
const REST_YAML = `version: 1
api: { region: us-east-1, accountId: "123456789012", apiId: a1b2c3d4e5, stage: prod }
authorizers:
  pool: { type: cognito, userPools: [${POOL}], ${JWKS} }
  custom: { type: cognito, userPools: [${POOL}], identitySource: X-Id-Token, ${JWKS} }
  allowAll: { type: lambda, policy: { principalId: user-1, policyDocument: { Version: "2012-10-17", Statement: [{ Effect: Allow, Action: execute-api:Invoke, Resource: "*" }] }, context: { tenant: acme, level: 3 } } }
routes:
  - { route: "GET /orders/{id}", authorizer: pool }
  - { route: "GET /custom", authorizer: custom }
  - { route: "ANY /lambda/{proxy+}", authorizer: allowAll }
  - { route: GET /health, authorizer: none }
`;
const HTTP_YAML = `version: 1
api: { region: eu-west-1, accountId: "123456789012", apiId: h1, stage: "$default", kind: http }
authorizers:
  jwt: { type: jwt, issuer: "https://cognito-idp.us-east-1.amazonaws.com/${POOL}", audience: [${CLIENT_ID}], ${JWKS} }
  simpleYes: { type: lambda, payloadFormatVersion: "2.0", enableSimpleResponses: true, policy: { isAuthorized: true, context: { plan: gold } } }
routes:
  - { route: "GET /items/{id}", authorizer: jwt, scopes: [orders/read] }
  - { route: GET /plans, authorizer: simpleYes }
`;
const STAGED_HTTP_YAML = HTTP_YAML.replace('stage: "$default"', 'stage: v1');
const ALB_YAML = `version: 1
authorizers:
  web: { type: alb, albArn: "${ALB_ARN}", clientId: ${CLIENT_ID}, keyUrl: "{{BASE}}/alb" }
routes:
  - { route: "ANY /*", authorizer: web }
`;

let h: Harness;
let rest: SimConfig;
let httpApi: SimConfig;
let stagedHttp: SimConfig;
let alb: SimConfig;
before(async () => {
  h = await startHarness();
  rest = h.config(REST_YAML);
  httpApi = h.config(HTTP_YAML);
  stagedHttp = h.config(STAGED_HTTP_YAML);
  alb = h.config(ALB_YAML);
});
after(() => h.close());

async function eventFor(
  request: SimulationRequest,
  options: Parameters<typeof buildBackendEvent>[2] = {},
): Promise<BackendEvent | undefined> {
  const result = await simulate(request, { now: NOW }, { keys: h.keys });
  return buildBackendEvent(request, result, { now: NOW, ...options });
}

function obj(value: unknown): JsonObject {
  assert.ok(
    typeof value === 'object' && value !== null && !Array.isArray(value),
    `not an object: ${String(value)}`,
  );
  return value as JsonObject;
}

void describe('buildBackendEvent', () => {
  void it('REST proxy event with Cognito claims as strings, dates, path and query parameters', async () => {
    const token = await h.idToken();
    const built = await eventFor({ config: rest, route: 'GET /orders/42?x=1&x=2&y=%20z', token });
    assert.ok(built);
    assert.equal(built.kind, 'rest-proxy');
    const e = built.event;
    assert.equal(e.resource, '/orders/{id}');
    assert.equal(e.path, '/orders/42');
    assert.equal(e.httpMethod, 'GET');
    assert.deepEqual(e.pathParameters, { id: '42' });
    assert.deepEqual(e.queryStringParameters, { x: '2', y: ' z' });
    assert.deepEqual(e.multiValueQueryStringParameters, { x: ['1', '2'], y: [' z'] });
    assert.equal(obj(e.headers).Authorization, token);
    assert.equal(obj(e.headers).Host, 'a1b2c3d4e5.execute-api.us-east-1.amazonaws.com');
    assert.deepEqual(obj(e.multiValueHeaders).Authorization, [token]);
    assert.equal(e.stageVariables, null);
    assert.equal(e.body, null);
    assert.equal(e.isBase64Encoded, false);
    const rc = obj(e.requestContext);
    assert.equal(rc.stage, 'prod');
    assert.equal(rc.path, '/prod/orders/42');
    assert.equal(rc.resourcePath, '/orders/{id}');
    assert.equal(rc.requestTimeEpoch, NOW * 1000);
    assert.equal(rc.requestTime, clfTime(NOW));
    assert.equal(rc.apiId, 'a1b2c3d4e5');
    assert.equal(obj(rc.identity).sourceIp, '192.0.2.10');
    const claims = obj(obj(rc.authorizer).claims);
    assert.equal(claims['cognito:groups'], 'admin,support');
    assert.equal(claims.email_verified, 'true');
    assert.match(claims.exp as string, /^[A-Z][a-z]{2} [A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d UTC \d{4}$/);
    assert.equal(claims.auth_time, String(NOW - 60));
  });

  void it('is deterministic for the same now and changes with it', async () => {
    const token = await h.idToken();
    const request: SimulationRequest = { config: rest, route: 'GET /orders/1', token };
    const a = await eventFor(request);
    const b = await eventFor(request);
    const c = await eventFor(request, { now: NOW + 1 });
    assert.deepEqual(a, b);
    assert.notEqual(obj(a?.event.requestContext).requestId, obj(c?.event.requestContext).requestId);
    assert.equal(obj(c?.event.requestContext).requestTimeEpoch, (NOW + 1) * 1000);
  });

  void it('is undefined when the request is denied', async () => {
    const built = await eventFor({ config: rest, route: 'GET /orders/1', token: await h.accessToken() });
    assert.equal(built, undefined);
    assert.equal(await eventFor({ config: rest, route: 'GET /nowhere' }), undefined);
  });

  void it('puts a bare token in the authorizer identity-source header and keeps a header block', async () => {
    const token = await h.idToken();
    const custom = await eventFor({ config: rest, route: 'GET /custom', token });
    assert.equal(obj(custom?.event.headers)['X-Id-Token'], token);
    assert.equal(obj(custom?.event.headers).Authorization, undefined);
    const block = `X-Id-Token: ${token}\nAccept: application/json\nAccept: text/plain`;
    const fromBlock = await eventFor({ config: rest, route: 'GET /custom', token: block });
    assert.equal(obj(fromBlock?.event.headers).Accept, 'text/plain');
    assert.deepEqual(obj(fromBlock?.event.multiValueHeaders).Accept, ['application/json', 'text/plain']);
  });

  void it('REST Lambda authorizer: principalId and context beside it, greedy path parameter, body', async () => {
    const built = await eventFor(
      { config: rest, route: 'POST /lambda/a/b', token: 'anything' },
      { body: '{"a":1}' },
    );
    assert.ok(built);
    assert.deepEqual(built.event.pathParameters, { proxy: 'a/b' });
    assert.equal(built.event.body, '{"a":1}');
    assert.deepEqual(obj(built.event.requestContext).authorizer, {
      principalId: 'user-1',
      tenant: 'acme',
      level: '3',
    });
  });

  void it('a route without an authorizer has no authorizer object and no invented header', async () => {
    const built = await eventFor({ config: rest, route: 'GET /health' });
    assert.ok(built);
    assert.equal(obj(built.event.requestContext).authorizer, undefined);
    assert.deepEqual(Object.keys(obj(built.event.headers)), ['Host']);
  });

  void it('HTTP API payload 2.0 with JWT claims, lower-case headers, cookies and comma-joined values', async () => {
    const token = await h.accessToken();
    const block = `Authorization: Bearer ${token}\nCookie: a=1; b=2\nX-Multi: one\nx-multi: two`;
    const built = await eventFor({ config: httpApi, route: 'GET /items/7?q=1&q=2', token: block });
    assert.ok(built);
    assert.equal(built.kind, 'http-2.0');
    const e = built.event;
    assert.equal(e.version, '2.0');
    assert.equal(e.routeKey, 'GET /items/{id}');
    assert.equal(e.rawPath, '/items/7');
    assert.equal(e.rawQueryString, 'q=1&q=2');
    assert.deepEqual(e.cookies, ['a=1', 'b=2']);
    const headers = obj(e.headers);
    assert.equal(headers.authorization, `Bearer ${token}`);
    assert.equal(headers['x-multi'], 'one,two');
    assert.equal(headers.cookie, undefined);
    assert.deepEqual(e.queryStringParameters, { q: '1,2' });
    assert.deepEqual(e.pathParameters, { id: '7' });
    assert.equal(e.body, undefined);
    const rc = obj(e.requestContext);
    assert.equal(rc.stage, '$default');
    assert.equal(rc.timeEpoch, NOW * 1000);
    assert.equal(obj(rc.http).method, 'GET');
    const jwt = obj(obj(rc.authorizer).jwt);
    assert.equal(obj(jwt.claims).token_use, 'access');
    assert.equal(obj(jwt.claims)['cognito:groups'], '[admin]');
    assert.deepEqual(jwt.scopes, ['openid', 'email', 'orders/read']);
  });

  void it('HTTP API payload 1.0: claims and scopes directly under authorizer, multi-value maps', async () => {
    const token = await h.accessToken();
    const built = await eventFor(
      { config: httpApi, route: 'GET /items/7?q=1&q=2', token },
      { payloadVersion: '1.0' },
    );
    assert.ok(built);
    assert.equal(built.kind, 'http-1.0');
    const e = built.event;
    assert.equal(e.version, '1.0');
    assert.equal(e.resource, '/items/{id}');
    assert.deepEqual(e.queryStringParameters, { q: '1' });
    assert.deepEqual(e.multiValueQueryStringParameters, { q: ['1', '2'] });
    const authorizer = obj(obj(e.requestContext).authorizer);
    assert.equal(obj(authorizer.claims).client_id, CLIENT_ID);
    assert.deepEqual(authorizer.scopes, ['openid', 'email', 'orders/read']);
    assert.equal(authorizer.jwt, undefined);
  });

  void it('HTTP API Lambda simple response: context under authorizer.lambda; a named stage is in rawPath', async () => {
    const built = await eventFor({ config: stagedHttp, route: 'GET /plans', token: 'x' });
    assert.ok(built);
    assert.deepEqual(obj(built.event.requestContext).authorizer, { lambda: { plan: 'gold' } });
    assert.equal(built.event.rawPath, '/v1/plans');
    assert.equal(obj(built.event.requestContext).stage, 'v1');
    assert.ok(built.notes.some((n) => n.includes('rawPath includes the stage')));
  });

  void it('ALB target event: x-amzn-oidc-* headers, raw query values, target group, no client copies', async () => {
    const blob = h.albBlob();
    const block = `x-amzn-oidc-data: ${blob}\nx-amzn-oidc-identity: forged\nAccept: */*`;
    const built = await eventFor({ config: alb, route: 'GET /x?q=%3FshowAll%3Dtrue&q=2', token: block });
    assert.ok(built);
    assert.equal(built.kind, 'alb-target');
    const e = built.event;
    assert.match(
      obj(obj(e.requestContext).elb).targetGroupArn as string,
      /^arn:aws:elasticloadbalancing:us-east-1:/,
    );
    assert.equal(e.httpMethod, 'GET');
    assert.equal(e.path, '/x');
    assert.deepEqual(e.queryStringParameters, { q: '2' });
    const headers = obj(e.headers);
    assert.equal(headers['x-amzn-oidc-data'], blob);
    assert.equal(headers['x-amzn-oidc-identity'], 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee');
    assert.equal(headers.accept, '*/*');
    assert.equal(headers['x-forwarded-proto'], 'https');
    assert.equal(e.body, '');
    assert.equal(e.isBase64Encoded, false);
    const multi = await eventFor(
      { config: alb, route: 'GET /x?q=%3FshowAll%3Dtrue&q=2', token: block },
      { albMultiValue: true },
    );
    assert.deepEqual(multi?.event.multiValueQueryStringParameters, { q: ['%3FshowAll%3Dtrue', '2'] });
    assert.equal(multi?.event.headers, undefined);
  });

  void it('hostile query and header names stay own data properties', async () => {
    const token = await h.idToken();
    const built = await eventFor({
      config: rest,
      route: 'GET /orders/1?__proto__=polluted&constructor=x',
      token: `Authorization: ${token}\n__proto__: y`,
    });
    assert.ok(built);
    const query = obj(built.event.queryStringParameters);
    assert.ok(Object.hasOwn(query, '__proto__'));
    assert.equal(Object.getPrototypeOf(query), Object.prototype);
    assert.ok(Object.hasOwn(obj(built.event.headers), '__proto__'));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
