// End to end through simulate(): real RS256/ES256 tokens, keys served from a loopback server, every outcome.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SimConfig } from '../../src/core/config/model.ts';
import type { SimulationRequest, SimulationResult, WhatIfEdits } from '../../src/core/simulate/result.ts';
import { simulate } from '../../src/core/simulate/simulate.ts';
import type { Harness } from '../fixtures/simulate/harness.ts';
import {
  ALB_ARN,
  CLIENT_ID,
  NOW,
  OTHER_ALB_ARN,
  OTHER_POOL_ISSUER,
  POOL,
  startHarness,
} from '../fixtures/simulate/harness.ts';

const API = 'api: { region: us-east-1, accountId: "123456789012", apiId: a1b2c3d4e5, stage: prod }';
const JWKS = 'jwks: "{{BASE}}/jwks.json"';
const ALLOW_ALL = `{ principalId: user-1, policyDocument: { Version: "2012-10-17", Statement: [{ Effect: Allow, Action: execute-api:Invoke, Resource: "*" }] }, context: { tenant: acme, level: 3, admin: true } }`;

const REST_YAML = `version: 1
${API}
authorizers:
  pool: { type: cognito, userPools: [${POOL}], ${JWKS} }
  twoPools: { type: cognito, userPools: [us-east-1_Other999, ${POOL}], ${JWKS} }
  customHeader: { type: cognito, userPools: [${POOL}], identitySource: X-Id-Token, ${JWKS} }
  regex: { type: cognito, userPools: [${POOL}], validationRegex: "^5m8k", ${JWKS} }
  local: { type: cognito, issuers: ["{{BASE}}/local_5Pv6tYSN"], jwks: "{{BASE}}/local_5Pv6tYSN/.well-known/jwks.json" }
  allowAll: { type: lambda, policy: ${ALLOW_ALL} }
  explicitDeny:
    type: lambda
    policy:
      principalId: u
      policyDocument:
        Statement:
          - { Effect: Allow, Action: execute-api:Invoke, Resource: "*" }
          - { Effect: Deny, Action: "execute-api:*", Resource: "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/lambda/*" }
  narrow: { type: lambda, policy: { Version: "2012-10-17", Statement: { Effect: Allow, Action: execute-api:Invoke, Resource: "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/POST/*" } } }
  broken: { type: lambda, policy: { principalId: u, policyDocument: { Version: "2012-10-17", Statement: [{ Effect: allow, Action: execute-api:Invoke, Resource: "*" }] } } }
  nested: { type: lambda, policy: { principalId: u, policyDocument: { Statement: [{ Effect: Allow, Action: "*", Resource: "*" }] }, context: { user: { id: 1 } } } }
  cached: { type: lambda, resultTtlSeconds: 300, policy: { principalId: u, policyDocument: { Statement: [{ Effect: Allow, Action: execute-api:Invoke, Resource: "\${methodArn}" }] } } }
  noCache: { type: lambda, resultTtlSeconds: 0, policy: { principalId: u, policyDocument: { Statement: [{ Effect: Allow, Action: execute-api:Invoke, Resource: "\${methodArn}" }] } } }
  rbacFn: { type: lambda, verify: pool, context: { source: rbacFn } }
routes:
  - { route: "GET /orders/{id}", authorizer: pool, rbac: { groups: [admin, support], claims: { "custom:tenant": acme } } }
  - { route: GET /reports, authorizer: pool, rbac: { groups: [finance] } }
  - { route: GET /tenants, authorizer: pool, rbac: { allGroups: [admin, finance] } }
  - { route: GET /globex, authorizer: pool, rbac: { claims: { "custom:tenant": [globex, initech] } } }
  - { route: POST /orders, authorizer: pool, scopes: [orders/write] }
  - { route: GET /catalog, authorizer: pool, scopes: [orders/write, orders/read] }
  - { route: GET /local, authorizer: local }
  - { route: GET /custom, authorizer: customHeader }
  - { route: GET /regex, authorizer: regex }
  - { route: GET /multi, authorizer: twoPools }
  - { route: "GET /lambda/{name}", authorizer: allowAll, rbac: { claims: { tenant: acme } } }
  - { route: "ANY /files/{proxy+}", authorizer: cached }
  - { route: "ANY /nocache/{proxy+}", authorizer: noCache }
  - { route: GET /admin, authorizer: rbacFn, rbac: { groups: [admin] } }
  - { route: GET /finance, authorizer: rbacFn, rbac: { groups: [finance] } }
  - { route: GET /health, authorizer: none }
  - { route: GET /iam, authorizer: iam }
`;

const HTTP_YAML = `version: 1
api: { region: us-east-1, accountId: "123456789012", apiId: h1, stage: "$default", kind: http }
authorizers:
  jwt: { type: jwt, issuer: "https://cognito-idp.us-east-1.amazonaws.com/${POOL}", audience: [${CLIENT_ID}], ${JWKS} }
  simple: { type: lambda, payloadFormatVersion: "2.0", enableSimpleResponses: true, policy: { isAuthorized: false } }
  simpleYes: { type: lambda, payloadFormatVersion: "2.0", enableSimpleResponses: true, policy: { isAuthorized: true, context: { plan: gold } } }
routes:
  - { route: GET /items, authorizer: jwt, scopes: [orders/read] }
  - { route: GET /write, authorizer: jwt, scopes: [orders/write] }
  - { route: GET /me, authorizer: jwt, rbac: { groups: [admin] } }
  - { route: "GET /pets/{id}", authorizer: simple }
  - { route: GET /plans, authorizer: simpleYes }
`;

const ALB_YAML = `version: 1
authorizers:
  web: { type: alb, albArn: "${ALB_ARN}", clientId: ${CLIENT_ID}, keyUrl: "{{BASE}}/alb", authorizationEndpoint: "https://auth.example.com/oauth2/authorize" }
  webDeny: { type: alb, albArn: "${ALB_ARN}", onUnauthenticatedRequest: deny, keyUrl: "{{BASE}}/alb" }
  webAllow: { type: alb, albArn: "${ALB_ARN}", onUnauthenticatedRequest: allow, keyUrl: "{{BASE}}/alb" }
  webNoEndpoint: { type: alb, albArn: "${ALB_ARN}", keyUrl: "{{BASE}}/alb" }
routes:
  - { route: "GET /admin/*", authorizer: web, rbac: { claims: { username: [alice, root] } } }
  - { route: "GET /boss/*", authorizer: web, rbac: { claims: { username: root } } }
  - { route: "ANY /deny/*", authorizer: webDeny }
  - { route: "ANY /open/*", authorizer: webAllow }
  - { route: "ANY /plain/*", authorizer: webNoEndpoint }
  - { route: "ANY /*", authorizer: web }
`;

let h: Harness;
let rest: SimConfig;
let httpApi: SimConfig;
let alb: SimConfig;

before(async () => {
  h = await startHarness();
  rest = h.config(REST_YAML);
  httpApi = h.config(HTTP_YAML);
  alb = h.config(ALB_YAML);
});
after(() => h.close());

interface Case {
  name: string;
  config: () => SimConfig;
  route: string;
  token?: () => Promise<string | undefined> | string | undefined;
  authorizer?: string;
  whatIf?: WhatIfEdits;
  cachedFrom?: string;
  decision: 'allow' | 'deny';
  status: number;
  body?: string;
  headers?: Record<string, string>;
  decidedBy: string;
  trace?: RegExp[];
  check?: (r: SimulationResult) => void;
}

async function run(c: Case): Promise<SimulationResult> {
  const request: SimulationRequest = { config: c.config(), route: c.route };
  const token = await c.token?.();
  if (token !== undefined) request.token = token;
  if (c.authorizer) request.authorizer = c.authorizer;
  if (c.whatIf) request.whatIf = c.whatIf;
  if (c.cachedFrom) request.cachedFrom = c.cachedFrom;
  return simulate(request, { now: NOW }, { keys: h.keys });
}

function table(title: string, cases: Case[]): void {
  void describe(title, () => {
    for (const c of cases) {
      void it(`${c.name}: ${c.decision} ${c.status}`, async () => {
        const r = await run(c);
        const trace = r.trace.map((t) => `${t.status} ${t.step}: ${t.message}`).join('\n');
        assert.equal(r.decision, c.decision, trace);
        assert.equal(r.status, c.status, trace);
        assert.equal(r.decidedBy, c.decidedBy, trace);
        if (c.body !== undefined) assert.equal(r.body, c.body);
        if (c.headers !== undefined) assert.deepEqual(r.headers, c.headers);
        for (const pattern of c.trace ?? []) assert.match(trace, pattern);
        if (r.decision === 'allow') assert.notEqual(r.backendContext, null);
        c.check?.(r);
      });
    }
  });
}

const UNAUTHORIZED_REST = { 'x-amzn-ErrorType': 'UnauthorizedException' };
const tamper = (token: string): string =>
  `${token.slice(0, -6)}${token.endsWith('AAAAAA') ? 'BBBBBB' : 'AAAAAA'}`;

table('cognito (REST COGNITO_USER_POOLS)', [
  {
    name: 'ID token, method without scopes, RBAC satisfied',
    config: () => rest,
    route: 'GET /orders/42',
    token: () => h.idToken(),
    decision: 'allow',
    status: 200,
    decidedBy: 'rbac',
    check: (r) => {
      assert.deepEqual(r.route?.params, { id: '42' });
      const claims = (
        r.backendContext as { requestContext: { authorizer: { claims: Record<string, string> } } }
      ).requestContext.authorizer.claims;
      assert.equal(claims['cognito:groups'], 'admin,support');
      // REST hands exp and iat over as Java date text (observed; docs/aws-behaviour.md).
      assert.equal(claims.exp, 'Tue Nov 14 23:13:20 UTC 2023');
      assert.equal(claims.auth_time, String(NOW - 60));
      assert.equal(claims.email_verified, 'true');
    },
  },
  {
    name: 'the classic trap: access token to a method without scopes',
    config: () => rest,
    route: 'GET /orders/42',
    token: () => h.accessToken(),
    decision: 'deny',
    status: 401,
    body: '{"message":"Unauthorized"}',
    headers: UNAUTHORIZED_REST,
    decidedBy: 'token',
    trace: [/warn trap: Classic trap: an access token sent to a method without OAuth scopes/],
  },
  {
    name: 'access token with one of the method scopes',
    config: () => rest,
    route: 'GET /catalog',
    token: () => h.accessToken(),
    decision: 'allow',
    status: 200,
    decidedBy: 'authorizer',
    trace: [/pass scope: scope orders\/read granted/],
  },
  {
    name: 'access token without the method scope: 401, not 403',
    config: () => rest,
    route: 'POST /orders',
    token: () => h.accessToken(),
    decision: 'deny',
    status: 401,
    decidedBy: 'scope',
    trace: [/one public simulator returns 403/],
  },
  {
    name: 'ID token to a method with scopes',
    config: () => rest,
    route: 'POST /orders',
    token: () => h.idToken(),
    decision: 'deny',
    status: 401,
    decidedBy: 'token',
    trace: [/An ID token sent to a method with OAuth scopes/],
  },
  {
    name: 'expired ID token',
    config: () => rest,
    route: 'GET /orders/1',
    token: () => h.idToken({ exp: NOW - 5, iat: NOW - 3605 }),
    decision: 'deny',
    status: 401,
    decidedBy: 'token',
    trace: [/fail token\.exp: expired/],
  },
  {
    name: 'token from a pool the authorizer does not trust',
    config: () => rest,
    route: 'GET /orders/1',
    token: () => h.idToken({ iss: OTHER_POOL_ISSUER }),
    decision: 'deny',
    status: 401,
    decidedBy: 'token',
    trace: [/fail token\.iss/],
  },
  {
    name: 'two trusted pools: the matching issuer is picked',
    config: () => rest,
    route: 'GET /multi',
    token: () => h.idToken(),
    decision: 'allow',
    status: 200,
    decidedBy: 'authorizer',
    trace: [/one of the 2 trusted user pools/],
  },
  {
    name: 'tampered signature',
    config: () => rest,
    route: 'GET /orders/1',
    token: async () => tamper(await h.idToken()),
    decision: 'deny',
    status: 401,
    decidedBy: 'token',
    trace: [/fail token\.signature/],
  },
  {
    name: 'HS256 token (key confusion) is refused',
    config: () => rest,
    route: 'GET /orders/1',
    token: () => h.hs256Token(),
    decision: 'deny',
    status: 401,
    decidedBy: 'token',
    trace: [/fail token\.alg/],
  },
  {
    name: 'no token: 401 without running the authorizer',
    config: () => rest,
    route: 'GET /orders/1',
    decision: 'deny',
    status: 401,
    decidedBy: 'identity-source',
  },
  {
    name: 'garbage in the Authorization header',
    config: () => rest,
    route: 'GET /orders/1',
    token: () => 'Basic dXNlcjpwYXNz',
    decision: 'deny',
    status: 401,
    decidedBy: 'token',
    trace: [/fail token\.format/],
  },
  {
    name: '"Bearer <token>" works, with a note',
    config: () => rest,
    route: 'GET /orders/1',
    token: async () => `Bearer ${await h.idToken()}`,
    decision: 'allow',
    status: 200,
    decidedBy: 'rbac',
    trace: [/warn identity-source: "Bearer <token>" works in practice/],
  },
  {
    name: 'header block: the configured custom header is used',
    config: () => rest,
    route: 'GET /custom',
    token: async () =>
      `GET /custom HTTP/1.1\nHost: api.example.com\nX-Id-Token: ${await h.idToken()}\nAccept: */*`,
    decision: 'allow',
    status: 200,
    decidedBy: 'authorizer',
    trace: [/X-Id-Token header found/],
  },
  {
    name: 'header block without the configured header',
    config: () => rest,
    route: 'GET /custom',
    token: async () => `Authorization: ${await h.idToken()}`,
    decision: 'deny',
    status: 401,
    decidedBy: 'identity-source',
    trace: [/no X-Id-Token header/],
  },
  {
    name: 'validation regex matches aud',
    config: () => rest,
    route: 'GET /regex',
    token: () => h.idToken(),
    decision: 'allow',
    status: 200,
    decidedBy: 'authorizer',
  },
  {
    name: 'validation regex does not match aud',
    config: () => rest,
    route: 'GET /regex',
    token: () => h.idToken({ aud: 'other-client' }),
    decision: 'deny',
    status: 401,
    decidedBy: 'validation-regex',
  },
  {
    name: 'RBAC: no required group -> 403 naming it',
    config: () => rest,
    route: 'GET /reports',
    token: () => h.idToken(),
    decision: 'deny',
    status: 403,
    body: '{"message":"Forbidden"}',
    decidedBy: 'rbac',
    trace: [/missing group: needs one of "finance"/, /missing group finance/],
    check: (r) => assert.notEqual(r.backendContext, null),
  },
  {
    name: 'RBAC: allGroups with one absent',
    config: () => rest,
    route: 'GET /tenants',
    token: () => h.idToken(),
    decision: 'deny',
    status: 403,
    decidedBy: 'rbac',
    trace: [/absent "finance"/],
  },
  {
    name: 'RBAC: claim not in the allowed list',
    config: () => rest,
    route: 'GET /globex',
    token: () => h.idToken(),
    decision: 'deny',
    status: 403,
    decidedBy: 'rbac',
    trace: [/missing claim: custom:tenant must be one of "globex", "initech"/],
  },
  {
    name: 'cognito-local tokens end to end (issuer on loopback, kid CognitoLocal)',
    config: () => rest,
    route: 'GET /local',
    token: () => h.localIdToken(),
    decision: 'allow',
    status: 200,
    decidedBy: 'authorizer',
  },
  {
    name: 'no authorizer: forwarded',
    config: () => rest,
    route: 'GET /health',
    decision: 'allow',
    status: 200,
    decidedBy: 'authorizer',
  },
  {
    name: 'AWS_IAM route with a bearer token: SigV4 parse fails, 403 IncompleteSignatureException',
    config: () => rest,
    route: 'GET /iam',
    token: () => h.idToken(),
    decision: 'deny',
    status: 403,
    decidedBy: 'iam',
    check: (r) => {
      assert.match(r.body, /^\{"message":"Authorization header requires 'Credential' parameter\. /);
      assert.equal(r.headers['x-amzn-ErrorType'], 'IncompleteSignatureException');
    },
  },
  {
    name: 'no route: REST 403 Missing Authentication Token',
    config: () => rest,
    route: 'GET /nowhere',
    decision: 'deny',
    status: 403,
    body: '{"message":"Missing Authentication Token"}',
    decidedBy: 'route',
  },
]);

table('what-if edits', [
  {
    name: 'add the missing group: allowed on edited claims, signature skipped',
    config: () => rest,
    route: 'GET /reports',
    token: () => h.idToken(),
    whatIf: { addGroups: ['finance'] },
    decision: 'allow',
    status: 200,
    decidedBy: 'rbac',
    trace: [
      /warn what-if: claims edited \(added group finance\)/,
      /skip token\.signature: not checked: the claims were edited/,
    ],
    check: (r) =>
      assert.deepEqual(r.whatIf, { edited: true, signatureSkipped: true, edits: ['added group finance'] }),
  },
  {
    name: 'set exp in the past: the edited token expires',
    config: () => rest,
    route: 'GET /orders/1',
    token: () => h.idToken(),
    whatIf: { set: { exp: String(NOW - 1) } },
    decision: 'deny',
    status: 401,
    decidedBy: 'token',
    trace: [/fail token\.exp/],
  },
  {
    name: 'set a claim value',
    config: () => rest,
    route: 'GET /globex',
    token: () => h.idToken(),
    whatIf: { set: { 'custom:tenant': 'globex' } },
    decision: 'allow',
    status: 200,
    decidedBy: 'rbac',
  },
  {
    name: 'add a scope to an access token',
    config: () => rest,
    route: 'POST /orders',
    token: () => h.accessToken(),
    whatIf: { addScopes: ['orders/write'] },
    decision: 'allow',
    status: 200,
    decidedBy: 'authorizer',
  },
  {
    name: 'edits do not bypass the other checks: an untrusted issuer is still refused',
    config: () => rest,
    route: 'GET /orders/1',
    token: () => h.idToken({ iss: OTHER_POOL_ISSUER }),
    whatIf: { addGroups: ['x'] },
    decision: 'deny',
    status: 401,
    decidedBy: 'token',
    trace: [/fail token\.iss/],
  },
]);

table('jwt (HTTP API JWT authorizer)', [
  {
    name: 'access token: client_id checked because aud is absent; scope granted',
    config: () => httpApi,
    route: 'GET /items',
    token: () => h.accessToken({ 'cognito:groups': ['admin', 'ops'] }),
    decision: 'allow',
    status: 200,
    decidedBy: 'authorizer',
    check: (r) => {
      const jwt = (
        r.backendContext as {
          requestContext: { authorizer: { jwt: { claims: Record<string, string>; scopes: unknown } } };
        }
      ).requestContext.authorizer.jwt;
      assert.equal(jwt.claims['cognito:groups'], '[admin ops]');
      assert.deepEqual(jwt.scopes, ['openid', 'email', 'orders/read']);
    },
  },
  {
    name: 'ID token (aud) without scopes; scopes null in the context',
    config: () => httpApi,
    route: 'GET /me',
    token: () => h.idToken(),
    decision: 'allow',
    status: 200,
    decidedBy: 'rbac',
    check: (r) => {
      const jwt = (r.backendContext as { requestContext: { authorizer: { jwt: { scopes: unknown } } } })
        .requestContext.authorizer.jwt;
      assert.equal(jwt.scopes, null);
    },
  },
  {
    name: 'wrong audience: the documented www-authenticate description',
    config: () => httpApi,
    route: 'GET /me',
    token: () => h.idToken({ aud: 'someone-else' }),
    decision: 'deny',
    status: 401,
    body: '{"message":"Unauthorized"}',
    headers: {
      'www-authenticate':
        'Bearer scope="" error="invalid_token" error_description="the token does not have a valid audience"',
    },
    decidedBy: 'token',
  },
  {
    name: 'aud present and wrong while client_id is right: aud is what counts',
    config: () => httpApi,
    route: 'GET /me',
    token: () => h.idToken({ aud: 'someone-else', client_id: CLIENT_ID }),
    decision: 'deny',
    status: 401,
    headers: {
      'www-authenticate':
        'Bearer scope="" error="invalid_token" error_description="the token does not have a valid audience"',
    },
    decidedBy: 'token',
  },
  {
    name: 'expired token',
    config: () => httpApi,
    route: 'GET /me',
    token: () => h.idToken({ exp: NOW - 60 }),
    decision: 'deny',
    status: 401,
    headers: {
      'www-authenticate': 'Bearer scope="" error="invalid_token" error_description="the token has expired"',
    },
    decidedBy: 'token',
    trace: [/AWS documents only "the token does not have a valid audience"/],
  },
  {
    name: 'nbf in the future',
    config: () => httpApi,
    route: 'GET /me',
    token: () => h.idToken({ nbf: NOW + 600 }),
    decision: 'deny',
    status: 401,
    decidedBy: 'token',
    trace: [/fail token\.nbf/],
  },
  {
    name: 'scope missing: 403 Forbidden',
    config: () => httpApi,
    route: 'GET /write',
    token: () => h.accessToken(),
    decision: 'deny',
    status: 403,
    body: '{"message":"Forbidden"}',
    headers: {},
    decidedBy: 'scope',
  },
  {
    name: 'scp array is accepted for scopes',
    config: () => httpApi,
    route: 'GET /write',
    token: () => h.accessToken({ scope: undefined, scp: ['orders/write'] }),
    decision: 'allow',
    status: 200,
    decidedBy: 'authorizer',
  },
  {
    name: 'RS256 only: HS256 refused',
    config: () => httpApi,
    route: 'GET /me',
    token: () => h.hs256Token(),
    decision: 'deny',
    status: 401,
    decidedBy: 'token',
  },
  {
    name: 'missing token',
    config: () => httpApi,
    route: 'GET /me',
    decision: 'deny',
    status: 401,
    headers: {},
    decidedBy: 'identity-source',
  },
  {
    name: 'RBAC after the JWT authorizer',
    config: () => httpApi,
    route: 'GET /me',
    token: () => h.idToken({ 'cognito:groups': ['support'] }),
    decision: 'deny',
    status: 403,
    decidedBy: 'rbac',
  },
  {
    name: 'no route and no $default: 404 Not Found',
    config: () => httpApi,
    route: 'GET /nowhere',
    decision: 'deny',
    status: 404,
    body: '{"message":"Not Found"}',
    decidedBy: 'route',
  },
  {
    name: 'Lambda simple response isAuthorized false: 403 Forbidden',
    config: () => httpApi,
    route: 'GET /pets/1',
    token: () => 'anything',
    decision: 'deny',
    status: 403,
    body: '{"message":"Forbidden"}',
    decidedBy: 'policy',
  },
  {
    name: 'Lambda simple response isAuthorized true: context under authorizer.lambda',
    config: () => httpApi,
    route: 'GET /plans',
    token: () => 'anything',
    decision: 'allow',
    status: 200,
    decidedBy: 'authorizer',
    check: (r) =>
      assert.deepEqual(r.backendContext, { requestContext: { authorizer: { lambda: { plan: 'gold' } } } }),
  },
]);

table('lambda (REST Lambda authorizer)', [
  {
    name: 'Allow *: context delivered as strings, RBAC on the context',
    config: () => rest,
    route: 'GET /lambda/x',
    token: () => 'opaque-token',
    decision: 'allow',
    status: 200,
    decidedBy: 'rbac',
    check: (r) =>
      assert.deepEqual(r.backendContext, {
        requestContext: { authorizer: { principalId: 'user-1', tenant: 'acme', level: '3', admin: 'true' } },
      }),
  },
  {
    name: 'explicit Deny wins',
    config: () => rest,
    route: 'GET /lambda/x',
    authorizer: 'explicitDeny',
    token: () => 'opaque-token',
    decision: 'deny',
    status: 403,
    body: '{"Message":"User is not authorized to access this resource with an explicit deny"}',
    headers: { 'x-amzn-ErrorType': 'AccessDeniedException' },
    decidedBy: 'policy',
  },
  {
    name: 'no matching Allow: implicit deny',
    config: () => rest,
    route: 'GET /lambda/x',
    authorizer: 'narrow',
    token: () => 'opaque-token',
    decision: 'deny',
    status: 403,
    body: '{"Message":"User is not authorized to access this resource"}',
    decidedBy: 'policy',
  },
  {
    name: 'malformed policy (Effect "allow"): 500',
    config: () => rest,
    route: 'GET /lambda/x',
    authorizer: 'broken',
    token: () => 'opaque-token',
    decision: 'deny',
    status: 500,
    body: '{"message":null}',
    headers: { 'x-amzn-ErrorType': 'AuthorizerConfigurationException' },
    decidedBy: 'authorizer',
  },
  {
    name: 'nested context: 500',
    config: () => rest,
    route: 'GET /lambda/x',
    authorizer: 'nested',
    token: () => 'opaque-token',
    decision: 'deny',
    status: 500,
    decidedBy: 'authorizer',
    trace: [/context\.user is an object/],
  },
  {
    name: 'missing identity source: 401 without invoking',
    config: () => rest,
    route: 'GET /lambda/x',
    decision: 'deny',
    status: 401,
    body: '{"message":"Unauthorized"}',
    decidedBy: 'identity-source',
  },
  {
    name: 'policy for ${methodArn}, no replay: allowed',
    config: () => rest,
    route: 'GET /files/b.txt',
    token: () => 'opaque-token',
    decision: 'allow',
    status: 200,
    decidedBy: 'authorizer',
  },
  {
    name: 'cache replay: the policy cached for /files/a.txt denies /files/b.txt (the {proxy+} trap)',
    config: () => rest,
    route: 'GET /files/b.txt',
    token: () => 'opaque-token',
    cachedFrom: 'GET /files/a.txt',
    decision: 'deny',
    status: 403,
    body: '{"Message":"User is not authorized to access this resource"}',
    decidedBy: 'cache',
    trace: [/cache replay: the function ran for GET \/files\/a\.txt/, /Cached-policy trap/],
  },
  {
    name: 'cache replay of the same request: allowed',
    config: () => rest,
    route: 'GET /files/a.txt',
    token: () => 'opaque-token',
    cachedFrom: 'GET /files/a.txt',
    decision: 'allow',
    status: 200,
    decidedBy: 'authorizer',
  },
  {
    name: 'TTL 0: no cache, the function runs again',
    config: () => rest,
    route: 'GET /nocache/b.txt',
    token: () => 'opaque-token',
    cachedFrom: 'GET /nocache/a.txt',
    decision: 'allow',
    status: 200,
    decidedBy: 'authorizer',
    trace: [/caching is off/],
  },
  {
    name: 'verify + RBAC in the function: allowed',
    config: () => rest,
    route: 'GET /admin',
    token: () => h.idToken(),
    decision: 'allow',
    status: 200,
    decidedBy: 'rbac',
    check: (r) =>
      assert.deepEqual(r.backendContext, {
        requestContext: {
          authorizer: { principalId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee', source: 'rbacFn' },
        },
      }),
  },
  {
    name: 'verify + RBAC in the function: missing group -> explicit deny',
    config: () => rest,
    route: 'GET /finance',
    token: () => h.idToken(),
    decision: 'deny',
    status: 403,
    body: '{"Message":"User is not authorized to access this resource with an explicit deny"}',
    decidedBy: 'rbac',
    trace: [/missing group: needs one of "finance"/],
  },
  {
    name: 'verify: an expired token makes the function say Unauthorized',
    config: () => rest,
    route: 'GET /admin',
    token: () => h.idToken({ exp: NOW - 1 }),
    decision: 'deny',
    status: 401,
    decidedBy: 'token',
  },
  {
    name: 'verify + cache replay: the cached Allow is for the first ARN only',
    config: () => rest,
    route: 'GET /finance',
    token: () => h.idToken({ 'cognito:groups': ['admin', 'finance'] }),
    cachedFrom: 'GET /admin',
    decision: 'deny',
    status: 403,
    body: '{"Message":"User is not authorized to access this resource"}',
    decidedBy: 'cache',
    trace: [/cache replay/, /Cached-policy trap/],
  },
]);

table('alb (authenticate-cognito / authenticate-oidc)', [
  {
    name: 'no session, authenticate: 302 to the IdP',
    config: () => alb,
    route: 'GET /home',
    decision: 'deny',
    status: 302,
    decidedBy: 'alb-session',
    check: (r) =>
      assert.match(
        r.headers.location ?? '',
        /^https:\/\/auth\.example\.com\/oauth2\/authorize\?response_type=code&client_id=5m8k/,
      ),
  },
  {
    name: 'no session, authenticate, no endpoint configured: placeholder Location',
    config: () => alb,
    route: 'GET /plain/x',
    decision: 'deny',
    status: 302,
    decidedBy: 'alb-session',
    check: (r) => assert.match(r.headers.location ?? '', /^https:\/\/<idp-authorization-endpoint>\?/),
  },
  {
    name: 'no session, deny: 401',
    config: () => alb,
    route: 'GET /deny/x',
    decision: 'deny',
    status: 401,
    decidedBy: 'alb-session',
  },
  {
    name: 'no session, allow: forwarded without claims',
    config: () => alb,
    route: 'GET /open/x',
    decision: 'allow',
    status: 200,
    decidedBy: 'authorizer',
    check: (r) => assert.deepEqual(r.backendContext, { headers: {} }),
  },
  {
    name: 'valid padded ES256 blob: x-amzn-oidc-* headers, backend RBAC passes',
    config: () => alb,
    route: 'GET /admin/panel',
    token: () => h.albBlob(),
    decision: 'allow',
    status: 200,
    decidedBy: 'rbac',
    check: (r) => {
      const headers = (r.backendContext as { headers: Record<string, string> }).headers;
      assert.equal(headers['x-amzn-oidc-identity'], 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee');
      assert.match(headers['x-amzn-oidc-data'] ?? '', /==$/);
    },
  },
  {
    name: 'valid blob in a header block with the access token header',
    config: () => alb,
    route: 'GET /home',
    token: () =>
      `x-amzn-oidc-accesstoken: eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln\nx-amzn-oidc-identity: aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee\nx-amzn-oidc-data: ${h.albBlob()}`,
    decision: 'allow',
    status: 200,
    decidedBy: 'authorizer',
    check: (r) =>
      assert.equal(
        (r.backendContext as { headers: Record<string, string> }).headers['x-amzn-oidc-accesstoken'],
        'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln',
      ),
  },
  {
    name: 'blob from another load balancer: the signer check stops it',
    config: () => alb,
    route: 'GET /home',
    token: () => h.albBlob({}, { signer: OTHER_ALB_ARN }),
    decision: 'deny',
    status: 401,
    decidedBy: 'backend-verification',
    trace: [/ALBeast/],
  },
  {
    name: 'blob with padding stripped: the signature no longer verifies',
    config: () => alb,
    route: 'GET /home',
    token: () => h.albBlob().replace(/=/g, ''),
    decision: 'deny',
    status: 401,
    decidedBy: 'backend-verification',
  },
  {
    name: 'expired session with onUnauthenticatedRequest deny still redirects',
    config: () => alb,
    route: 'GET /deny/x',
    token: () => h.albBlob({ exp: NOW - 10 }, { exp: NOW - 10 }),
    decision: 'deny',
    status: 302,
    decidedBy: 'alb-session',
  },
  {
    name: 'backend RBAC on the blob claims',
    config: () => alb,
    route: 'GET /boss/x',
    token: () => h.albBlob(),
    decision: 'deny',
    status: 403,
    decidedBy: 'rbac',
    trace: [/missing claim: username must be "root"/],
  },
  {
    name: 'what-if on a blob: re-signed ES256 over padded text',
    config: () => alb,
    route: 'GET /boss/x',
    token: () => h.albBlob(),
    whatIf: { set: { username: 'root' } },
    decision: 'allow',
    status: 200,
    decidedBy: 'rbac',
  },
]);

void describe('simulate is data, never thrown', () => {
  void it('a bad request line is a result', async () => {
    const r = await simulate({ config: rest, route: 'nonsense' }, { now: NOW }, { keys: h.keys });
    assert.equal(r.decision, 'deny');
    assert.equal(r.decidedBy, 'request');
  });
  void it('an unknown --authorizer is a result', async () => {
    const r = await simulate(
      { config: rest, route: 'GET /health', authorizer: 'ghost' },
      { now: NOW },
      { keys: h.keys },
    );
    assert.equal(r.decidedBy, 'config');
  });
  void it('a key endpoint that is down fails the token, not the simulator', async () => {
    const cfg = h.config(
      `version: 1\nauthorizers:\n  p: { type: cognito, userPools: [${POOL}], jwks: "http://127.0.0.1:1/jwks.json" }\nroutes:\n  - { route: GET /a, authorizer: p }\n`,
    );
    const r = await simulate(
      { config: cfg, route: 'GET /a', token: await h.idToken() },
      { now: NOW },
      { keys: h.keys },
    );
    assert.equal(r.status, 401);
    assert.match(r.trace.map((t) => t.message).join('\n'), /127\.0\.0\.1:1/);
  });
  void it('no key request is made for a token from an untrusted pool other than the configured JWKS', async () => {
    const before = h.requests.length;
    await simulate(
      { config: rest, route: 'GET /orders/1', token: await h.idToken({ iss: 'https://evil.example.com' }) },
      { now: NOW },
      { keys: h.keys },
    );
    assert.ok(h.requests.slice(before).every((url) => url === '/jwks.json'));
  });
  void it('the ALB kid must be a UUID before any request', async () => {
    const before = h.requests.length;
    const r = await simulate(
      { config: alb, route: 'GET /home', token: h.albBlob({}, { kid: '../../etc/passwd' }) },
      { now: NOW },
      { keys: h.keys },
    );
    assert.equal(r.status, 401);
    assert.equal(h.requests.length, before);
  });
  void it('ALB_ARN in the fixtures is what the config expects', () => {
    assert.equal(alb.authorizers.web?.albArn, ALB_ARN);
  });
});
