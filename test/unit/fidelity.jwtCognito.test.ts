// Issue 11 (part A): what AWS answers for JWT and Cognito authorizers, the claims backends get, which API kind a
// route is on, the REST fallback and null claims (unverified), and Cognito issuer formats in templates.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { splitByApiKind } from '../../src/core/config/apiKinds.ts';
import { parseConfigFile } from '../../src/core/config/configFile.ts';
import type { RouteConfig, SimConfig } from '../../src/core/config/model.ts';
import { readInfrastructureFile } from '../../src/core/iac/index.ts';
import type { SimulationRequest, SimulationResult } from '../../src/core/simulate/result.ts';
import { simulate } from '../../src/core/simulate/simulate.ts';
import { javaDateText } from '../../src/core/timeFormat.ts';
import type { Harness } from '../fixtures/simulate/harness.ts';
import { CLIENT_ID, ISSUER, NOW, POOL, startHarness } from '../fixtures/simulate/harness.ts';

const JWKS = 'jwks: "{{BASE}}/jwks.json"';
const API = 'region: us-east-1, accountId: "123456789012", apiId: a1b2c3d4e5, stage: prod';
const DENY_ALL = `{ principalId: u, policyDocument: { Version: "2012-10-17", Statement: [{ Effect: Deny, Action: execute-api:Invoke, Resource: "*" }] } }`;
const CN_POOL = 'cn-north-1_AbC123xyz';
const CN_ISSUER = `https://cognito-idp.cn-north-1.amazonaws.com.cn/${CN_POOL}`;

function httpYaml(skew = 0): string {
  return `version: 1
defaults: { region: us-east-1, clockSkewSeconds: ${skew} }
api: { ${API}, kind: http }
authorizers:
  jwt: { type: jwt, issuer: "${ISSUER}", audience: [${CLIENT_ID}, second-client], ${JWKS} }
  china: { type: jwt, issuer: "${CN_ISSUER}", audience: [${CLIENT_ID}], ${JWKS} }
routes:
  - { route: GET /me, authorizer: jwt }
  - { route: GET /items, authorizer: jwt, scopes: [orders/read] }
  - { route: GET /cn, authorizer: china }
`;
}

const REST_YAML = `version: 1
api: { ${API} }
authorizers:
  pool: { type: cognito, userPools: [${POOL}], ${JWKS} }
routes:
  - { route: GET /orders, authorizer: pool }
  - { route: PATCH /users/me, authorizer: pool }
  - { route: "GET /users/{userId}", authorizer: pool }
  - { route: POST /only, authorizer: pool }
`;

// Cognito and jwt routes, no API kind: each route is simulated on the API its authorizer implies.
const MIXED_YAML = `version: 1
api: { ${API} }
authorizers:
  pool: { type: cognito, userPools: [${POOL}], ${JWKS} }
  jwt: { type: jwt, issuer: "${ISSUER}", audience: [${CLIENT_ID}], ${JWKS} }
routes:
  - { route: GET /rest, authorizer: pool }
  - { route: GET /http, authorizer: jwt }
`;

// Neutral Lambda routes placed by routes[].apiKind: the denial body follows each route's API kind.
const KINDS_YAML = `version: 1
api: { ${API} }
authorizers:
  deny: { type: lambda, policy: ${DENY_ALL} }
routes:
  - { route: GET /on-rest, authorizer: deny, apiKind: rest }
  - { route: GET /on-http, authorizer: deny, apiKind: http }
`;

const JWT_ON_REST_YAML = `version: 1
api: { ${API}, kind: rest }
authorizers:
  jwt: { type: jwt, issuer: "${ISSUER}", audience: [${CLIENT_ID}], ${JWKS} }
routes:
  - { route: GET /typed, authorizer: jwt }
`;

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

interface Case {
  name: string;
  yaml: () => string;
  route: string;
  token?: () => Promise<string>;
  authorizer?: string;
  decision: 'allow' | 'deny';
  status: number;
  decidedBy?: string;
  body?: string;
  headers?: Record<string, string>;
  apiKind?: 'rest' | 'http';
  trace?: RegExp[];
  notTrace?: RegExp[];
  check?: (r: SimulationResult) => void;
}

async function run(c: Case): Promise<SimulationResult> {
  const request: SimulationRequest = { config: h.config(c.yaml()), route: c.route };
  if (c.token) request.token = await c.token();
  if (c.authorizer) request.authorizer = c.authorizer;
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
        if (c.decidedBy !== undefined) assert.equal(r.decidedBy, c.decidedBy, trace);
        if (c.body !== undefined) assert.equal(r.body, c.body, trace);
        if (c.headers !== undefined) assert.deepEqual(r.headers, c.headers, trace);
        if (c.apiKind !== undefined) assert.equal(r.route?.apiKind, c.apiKind, trace);
        for (const pattern of c.trace ?? []) assert.match(trace, pattern);
        for (const pattern of c.notTrace ?? []) assert.doesNotMatch(trace, pattern);
        c.check?.(r);
      });
    }
  });
}

const AUDIENCE_CHALLENGE = {
  'www-authenticate':
    'Bearer scope="" error="invalid_token" error_description="the token does not have a valid audience"',
};

function jwtContext(r: SimulationResult): { claims: Record<string, string>; scopes: unknown } {
  return (
    r.backendContext as {
      requestContext: { authorizer: { jwt: { claims: Record<string, string>; scopes: unknown } } };
    }
  ).requestContext.authorizer.jwt;
}

function restClaimsOf(r: SimulationResult): Record<string, unknown> {
  return (r.backendContext as { requestContext: { authorizer: { claims: Record<string, unknown> } } })
    .requestContext.authorizer.claims;
}

table('HTTP API JWT authorizer: aud decides when present, client_id only without aud', [
  {
    name: 'access token: no aud, client_id in the audience list',
    yaml: () => httpYaml(),
    route: 'GET /me',
    token: () => h.accessToken(),
    decision: 'allow',
    status: 200,
  },
  {
    name: 'access token with a wrong aud and the right client_id',
    yaml: () => httpYaml(),
    route: 'GET /me',
    token: () => h.accessToken({ aud: 'someone-else' }),
    decision: 'deny',
    status: 401,
    decidedBy: 'token',
    body: '{"message":"Unauthorized"}',
    headers: AUDIENCE_CHALLENGE,
    trace: [/fail token\.aud: .*API Gateway validates client_id only when aud is absent/],
  },
  {
    name: 'generic token with a wrong aud and the right client_id',
    yaml: () => httpYaml(),
    route: 'GET /me',
    token: () => h.idToken({ aud: 'someone-else', client_id: CLIENT_ID, token_use: undefined }),
    decision: 'deny',
    status: 401,
    headers: AUDIENCE_CHALLENGE,
  },
  {
    name: 'right aud, wrong client_id: client_id is not looked at',
    yaml: () => httpYaml(),
    route: 'GET /me',
    token: () => h.idToken({ client_id: 'someone-else' }),
    decision: 'allow',
    status: 200,
    notTrace: [/client_id/],
  },
  {
    name: 'aud list with the second configured audience',
    yaml: () => httpYaml(),
    route: 'GET /me',
    token: () => h.idToken({ aud: ['x', 'second-client'] }),
    decision: 'allow',
    status: 200,
  },
  {
    name: 'no aud, client_id not in the list',
    yaml: () => httpYaml(),
    route: 'GET /me',
    token: () => h.accessToken({ client_id: 'someone-else' }),
    decision: 'deny',
    status: 401,
    headers: AUDIENCE_CHALLENGE,
  },
  {
    name: 'neither aud nor client_id',
    yaml: () => httpYaml(),
    route: 'GET /me',
    token: () => h.accessToken({ client_id: undefined }),
    decision: 'deny',
    status: 401,
    headers: AUDIENCE_CHALLENGE,
    trace: [/neither aud nor client_id/],
  },
]);

table('HTTP API JWT authorizer: iat must be before now', [
  {
    name: 'iat ten minutes ahead',
    yaml: () => httpYaml(),
    route: 'GET /me',
    token: () => h.idToken({ iat: NOW + 600 }),
    decision: 'deny',
    status: 401,
    decidedBy: 'token',
    headers: {
      'www-authenticate':
        'Bearer scope="" error="invalid_token" error_description="the token was issued in the future"',
    },
    trace: [/fail token\.iat: .*API Gateway requires iat before the current time/],
  },
  {
    name: 'iat one second ahead, no skew configured',
    yaml: () => httpYaml(),
    route: 'GET /me',
    token: () => h.idToken({ iat: NOW + 1 }),
    decision: 'deny',
    status: 401,
  },
  {
    name: 'iat 30 s ahead within a configured 60 s skew',
    yaml: () => httpYaml(60),
    route: 'GET /me',
    token: () => h.idToken({ iat: NOW + 30 }),
    decision: 'allow',
    status: 200,
  },
  {
    name: 'iat 90 s ahead beyond a configured 60 s skew',
    yaml: () => httpYaml(60),
    route: 'GET /me',
    token: () => h.idToken({ iat: NOW + 90 }),
    decision: 'deny',
    status: 401,
    trace: [/allowing the configured 60 s clock skew/],
  },
  {
    name: 'iat in the past',
    yaml: () => httpYaml(),
    route: 'GET /me',
    token: () => h.idToken({ iat: NOW - 1 }),
    decision: 'allow',
    status: 200,
  },
  {
    name: 'no iat: accepted, marked unverified',
    yaml: () => httpYaml(),
    route: 'GET /me',
    token: () => h.idToken({ iat: undefined }),
    decision: 'allow',
    status: 200,
    trace: [/info token\.iat: no iat: accepted.*unverified/],
  },
]);

table('HTTP API backend context: jwt.scopes and null claims', [
  {
    name: 'route without scopes, token with scopes: jwt.scopes is null',
    yaml: () => httpYaml(),
    route: 'GET /me',
    token: () => h.accessToken(),
    decision: 'allow',
    status: 200,
    trace: [/info backend: the route requires no scopes, so jwt\.scopes is null.*observed/],
    check: (r) => {
      const jwt = jwtContext(r);
      assert.equal(jwt.scopes, null);
      assert.equal(jwt.claims.scope, 'openid email orders/read');
    },
  },
  {
    name: 'route with scopes: jwt.scopes lists the token scopes',
    yaml: () => httpYaml(),
    route: 'GET /items',
    token: () => h.accessToken(),
    decision: 'allow',
    status: 200,
    notTrace: [/jwt\.scopes is null/],
    check: (r) => assert.deepEqual(jwtContext(r).scopes, ['openid', 'email', 'orders/read']),
  },
  {
    name: 'a null claim: passed as "null", marked unverified',
    yaml: () => httpYaml(),
    route: 'GET /me',
    token: () => h.idToken({ nickname: null }),
    decision: 'allow',
    status: 200,
    trace: [/warn backend: unverified .*nickname is JSON null/],
    check: (r) => assert.equal(jwtContext(r).claims.nickname, 'null'),
  },
  {
    name: 'no null claim: no note',
    yaml: () => httpYaml(),
    route: 'GET /me',
    token: () => h.idToken(),
    decision: 'allow',
    status: 200,
    notTrace: [/JSON null/],
  },
]);

table('REST Cognito authorizer: expired token and the claims backends get', [
  {
    name: 'expired ID token: its own observed message',
    yaml: () => REST_YAML,
    route: 'GET /orders',
    token: () => h.idToken({ exp: NOW - 5 }),
    decision: 'deny',
    status: 401,
    decidedBy: 'token',
    body: '{"message":"The incoming token has expired"}',
    headers: { 'x-amzn-ErrorType': 'UnauthorizedException' },
    trace: [/info authorizer: .*observed.*amplify-js #6060/],
  },
  {
    name: 'token from another pool: the generic message',
    yaml: () => REST_YAML,
    route: 'GET /orders',
    token: () => h.idToken({ iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other999' }),
    decision: 'deny',
    status: 401,
    body: '{"message":"Unauthorized"}',
  },
  {
    name: 'claims: exp and iat as Java dates, auth_time and booleans as text',
    yaml: () => REST_YAML,
    route: 'GET /orders',
    token: () => h.idToken({ exp: 1_700_003_600, iat: 1_492_470_769 }),
    decision: 'allow',
    status: 200,
    trace: [/info backend: .*Mon Apr 17 23:12:49 UTC 2017.*observed/],
    check: (r) => {
      const claims = restClaimsOf(r);
      assert.equal(claims.exp, 'Tue Nov 14 23:13:20 UTC 2023');
      assert.equal(claims.iat, 'Mon Apr 17 23:12:49 UTC 2017');
      assert.equal(claims.auth_time, String(NOW - 60));
      assert.equal(claims.email_verified, 'true');
      assert.equal(claims['cognito:groups'], 'admin,support');
    },
  },
]);

void describe('the Java date text of REST exp and iat', () => {
  const cases: [number, string | undefined][] = [
    [Date.UTC(2017, 3, 17, 23, 12, 49) / 1000, 'Mon Apr 17 23:12:49 UTC 2017'],
    // amazon-cognito-identity-js #92's live payload.
    [Date.UTC(2016, 6, 29, 18, 52, 53) / 1000, 'Fri Jul 29 18:52:53 UTC 2016'],
    [Date.UTC(2017, 11, 17, 7, 28, 12) / 1000, 'Sun Dec 17 07:28:12 UTC 2017'],
    // Java pads the day (dd) and every time field.
    [Date.UTC(2024, 0, 5, 3, 4, 5) / 1000, 'Fri Jan 05 03:04:05 UTC 2024'],
    [0, 'Thu Jan 01 00:00:00 UTC 1970'],
    [Date.UTC(2024, 1, 29, 12, 0, 0) / 1000 + 0.999, 'Thu Feb 29 12:00:00 UTC 2024'],
    [Number.NaN, undefined],
    [Number.POSITIVE_INFINITY, undefined],
    [1e15, undefined],
  ];
  for (const [epoch, expected] of cases) {
    void it(`${epoch} -> ${expected ?? 'no date'}`, () => assert.equal(javaDateText(epoch), expected));
  }
});

table('which API kind a route is on', [
  {
    name: 'cognito route in a mixed file: REST, REST claims',
    yaml: () => MIXED_YAML,
    route: 'GET /rest',
    token: () => h.idToken(),
    decision: 'allow',
    status: 200,
    apiKind: 'rest',
    trace: [
      /info api-kind: the configuration names no API kind .*simulated as separate APIs, this route on the REST API/,
    ],
    check: (r) => assert.match(String(restClaimsOf(r).exp), /UTC 2023$/),
  },
  {
    name: 'jwt route in a mixed file: HTTP API, jwt claims',
    yaml: () => MIXED_YAML,
    route: 'GET /http',
    token: () => h.idToken(),
    decision: 'allow',
    status: 200,
    apiKind: 'http',
    trace: [
      /this route on the HTTP API/,
      /separate APIs or listeners configured; the request goes to the HTTP API/,
    ],
    check: (r) => assert.equal(jwtContext(r).claims.exp, String(NOW + 3600)),
  },
  {
    name: 'unknown path in a mixed file: both APIs miss, no half answer',
    yaml: () => MIXED_YAML,
    route: 'GET /nowhere',
    decision: 'deny',
    status: 403,
    decidedBy: 'route',
  },
  {
    name: 'routes[].apiKind rest: a Lambda denial answers with the REST body',
    yaml: () => KINDS_YAML,
    route: 'GET /on-rest',
    token: () => Promise.resolve('opaque-token'),
    decision: 'deny',
    status: 403,
    apiKind: 'rest',
    body: '{"Message":"User is not authorized to access this resource with an explicit deny"}',
  },
  {
    name: 'routes[].apiKind http: a Lambda denial answers with the HTTP API body',
    yaml: () => KINDS_YAML,
    route: 'GET /on-http',
    token: () => Promise.resolve('opaque-token'),
    decision: 'deny',
    status: 403,
    apiKind: 'http',
    body: '{"message":"Forbidden"}',
  },
  {
    name: 'a cognito authorizer chosen for an HTTP API route is refused',
    yaml: () => MIXED_YAML.replace('  - { route: GET /rest, authorizer: pool }\n', ''),
    route: 'GET /http',
    authorizer: 'pool',
    token: () => h.idToken(),
    decision: 'deny',
    status: 500,
    decidedBy: 'config',
    trace: [/fail authorizer: a cognito \(COGNITO_USER_POOLS\) authorizer exists on REST APIs only/],
  },
  {
    name: 'a jwt authorizer on a REST API: claims keep their JSON types',
    yaml: () => JWT_ON_REST_YAML,
    route: 'GET /typed',
    token: () => h.idToken(),
    decision: 'allow',
    status: 200,
    apiKind: 'rest',
    trace: [/REST has its own JWT authorizer/, /JSON types/],
    check: (r) => {
      const claims = restClaimsOf(r);
      assert.equal(claims.exp, NOW + 3600);
      assert.equal(claims.email_verified, true);
      assert.deepEqual(claims['cognito:groups'], ['admin', 'support']);
    },
  },
]);

void describe('configurations whose API kind cannot be derived are refused, naming the fix', () => {
  const cases: { name: string; text: string; expected: RegExp }[] = [
    {
      name: 'a Lambda route beside cognito and jwt routes',
      text: `${MIXED_YAML}  - { route: GET /fn, authorizer: deny }\n`.replace(
        'authorizers:\n',
        `authorizers:\n  deny: { type: lambda, policy: ${DENY_ALL} }\n`,
      ),
      expected:
        /:\d+: route "GET \/fn" \(a lambda authorizer\) belongs to neither API kind.*set api\.kind \(rest or http\), or routes\[\]\.apiKind/,
    },
    {
      name: 'a public route beside cognito and jwt routes',
      text: `${MIXED_YAML}  - { route: GET /health, authorizer: none }\n`,
      expected: /route "GET \/health" \(none\) belongs to neither API kind/,
    },
    {
      name: 'api.kind http with a cognito route',
      text: MIXED_YAML.replace(`api: { ${API} }`, `api: { ${API}, kind: http }`),
      expected:
        /route "GET \/rest" uses a cognito authorizer, which exists on REST APIs only, but its API kind is http \(api\.kind\)/,
    },
    {
      name: 'routes[].apiKind http on a cognito route',
      text: MIXED_YAML.replace(
        '{ route: GET /rest, authorizer: pool }',
        '{ route: GET /rest, authorizer: pool, apiKind: http }',
      ),
      expected: /its API kind is http \(routes\[\]\.apiKind\)/,
    },
  ];
  for (const c of cases) {
    void it(c.name, () => {
      const parsed = parseConfigFile('authdebug.yaml', c.text.split('{{BASE}}').join('http://127.0.0.1:9'));
      assert.equal(parsed.ok, false);
      if (!parsed.ok) assert.match(parsed.errors.join('\n'), c.expected);
    });
  }
  void it('the same refusal at simulation time for a configuration built elsewhere', async () => {
    const config: SimConfig = h.config(MIXED_YAML);
    config.routes.push({
      route: 'GET /fn',
      method: 'GET',
      path: '/fn',
      authorizer: null,
      authorizerType: 'none',
      scopes: [],
    });
    const r = await simulate({ config, route: 'GET /rest' }, { now: NOW }, { keys: h.keys });
    assert.equal(r.decision, 'deny');
    assert.equal(r.decidedBy, 'config');
    assert.match(r.trace.map((t) => t.message).join('\n'), /belongs to neither API kind/);
  });
  void it('api.kind names the fix: the same file with kind rest is accepted', () => {
    const text = `${MIXED_YAML}  - { route: GET /health, authorizer: none }\n`.replace(
      `api: { ${API} }`,
      `api: { ${API}, kind: rest }`,
    );
    assert.equal(
      parseConfigFile('authdebug.yaml', text.split('{{BASE}}').join('http://127.0.0.1:9')).ok,
      true,
    );
  });
});

table('disputed: REST fallback when the resource lacks the verb (today: 403, marked unverified)', [
  {
    name: 'GET /users/me where /users/me has only PATCH',
    yaml: () => REST_YAML,
    route: 'GET /users/me',
    decision: 'deny',
    status: 403,
    body: '{"message":"Missing Authentication Token"}',
    trace: [
      /warn route: unverified \(observed by emulator authors, not documented\): floci-io\/floci PR #3399 .*here GET \/users\/\{userId\}; the simulator keeps the 403/,
    ],
  },
  {
    name: 'GET /only where nothing else has GET',
    yaml: () => REST_YAML,
    route: 'GET /only',
    decision: 'deny',
    status: 403,
    trace: [/unverified .*no other resource here matches with this method/],
  },
  {
    name: 'the literal resource with the verb wins: no note',
    yaml: () => REST_YAML,
    route: 'PATCH /users/me',
    token: () => h.idToken(),
    decision: 'allow',
    status: 200,
    notTrace: [/unverified \(observed by emulator authors/],
  },
]);

table('Cognito issuers outside the documented partitions', [
  {
    name: 'China user pool issuer: accepted by inference, marked unverified',
    yaml: () => httpYaml(),
    route: 'GET /cn',
    token: () => h.idToken({ iss: CN_ISSUER }),
    decision: 'allow',
    status: 200,
    trace: [/warn token\.iss: unverified: a user pool issuer on amazonaws\.com\.cn is inferred/],
  },
  {
    name: 'commercial issuer: no partition note',
    yaml: () => httpYaml(),
    route: 'GET /me',
    token: () => h.idToken(),
    decision: 'allow',
    status: 200,
    notTrace: [/amazonaws\.com\.cn/],
  },
]);

void describe('templates: a JWT issuer in the other format than the pool issues', () => {
  const template = (issuerConfig: string, host: string): string => `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    Properties:
      UserPoolName: p${issuerConfig}
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties: { Name: a, ProtocolType: HTTP }
  Auth:
    Type: AWS::ApiGatewayV2::Authorizer
    Properties:
      ApiId: !Ref Api
      AuthorizerType: JWT
      IdentitySource: [$request.header.Authorization]
      Name: jwt
      JwtConfiguration:
        Issuer: !Sub https://${host}.\${AWS::Region}.amazonaws.com/\${Pool}
        Audience: [abc]
  Route:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: GET /x
      AuthorizationType: JWT
      AuthorizerId: !Ref Auth
`;
  const UPDATED = '\n      IssuerConfiguration: { Type: UPDATED }';
  const ORIGINAL = '\n      IssuerConfiguration: { Type: ORIGINAL }';
  const cases: { name: string; config: string; host: string; expected: RegExp | undefined }[] = [
    {
      name: 'UPDATED pool, original issuer',
      config: UPDATED,
      host: 'cognito-idp',
      expected:
        /Authorizer "jwt": its issuer uses the original format .* user pool Pool has IssuerConfiguration UPDATED .*refused with 401/,
    },
    {
      name: 'ORIGINAL pool, updated issuer',
      config: ORIGINAL,
      host: 'issuer-cognito-idp',
      expected: /uses the updated format .*IssuerConfiguration ORIGINAL/,
    },
    {
      name: 'no IssuerConfiguration, updated issuer',
      config: '',
      host: 'issuer-cognito-idp',
      expected: /no IssuerConfiguration \(ORIGINAL assumed: the default is not documented\)/,
    },
    {
      name: 'UPDATED pool, updated issuer',
      config: UPDATED,
      host: 'issuer-cognito-idp',
      expected: undefined,
    },
    { name: 'no IssuerConfiguration, original issuer', config: '', host: 'cognito-idp', expected: undefined },
    {
      name: 'unresolvable type',
      config: '\n      IssuerConfiguration: { Type: !Ref Format }',
      host: 'cognito-idp',
      expected: undefined,
    },
  ];
  for (const c of cases) {
    void it(c.name, () => {
      const result = readInfrastructureFile('template.yaml', template(c.config, c.host));
      const traps = result.warnings.filter((w) => w.id === 'cognito-issuer-format');
      if (c.expected === undefined) assert.deepEqual(traps, []);
      else {
        assert.equal(traps.length, 1, result.warnings.map((w) => w.message).join('\n'));
        assert.match(traps[0]?.message ?? '', c.expected);
        assert.equal(traps[0]?.source?.authorizer, 'jwt');
      }
    });
  }
});

void describe('API kind refusals stay short for huge files', () => {
  const route = (i: number, type: 'cognito' | 'jwt' | 'none'): RouteConfig => ({
    route: `GET /r${i}`,
    method: 'GET',
    path: `/r${i}`,
    authorizer: type === 'none' ? null : type,
    authorizerType: type,
    scopes: [],
  });
  void it('20,000 mixed routes and 5,000 public ones: a few named routes, a bounded message', () => {
    const routes = [
      ...Array.from({ length: 20_000 }, (_, i) => route(i, i % 2 ? 'cognito' : 'jwt')),
      ...Array.from({ length: 5_000 }, (_, i) => route(20_000 + i, 'none')),
    ];
    const started = Date.now();
    const split = splitByApiKind(routes, undefined);
    assert.ok(Date.now() - started < 5_000);
    assert.equal(split.ok, false);
    if (split.ok) return;
    assert.equal(split.problems.length, 5);
    assert.match(split.problems[4]?.message ?? '', /and 4995 more such routes/);
    const chars = split.problems.reduce((n, p) => n + p.message.length, 0);
    assert.ok(chars < 3_000, `${chars} characters`);
  });
  void it('10,000 cognito routes on an HTTP API: ten problems listed, the rest counted', () => {
    const split = splitByApiKind(
      Array.from({ length: 10_000 }, (_, i) => route(i, 'cognito')),
      'http',
    );
    assert.equal(split.ok, false);
    if (split.ok) return;
    assert.equal(split.problems.length, 10);
    assert.match(split.problems[9]?.message ?? '', /9990 more API kind problems not listed/);
  });
  void it('splitting 20,000 routes gives one part per kind', () => {
    const split = splitByApiKind(
      Array.from({ length: 20_000 }, (_, i) => route(i, i % 2 ? 'cognito' : 'jwt')),
      undefined,
    );
    assert.ok(split.ok);
    if (!split.ok) return;
    assert.deepEqual(
      split.parts.map((p) => [p.kind, p.routes.length]),
      [
        ['http', 10_000],
        ['rest', 10_000],
      ],
    );
  });
});
