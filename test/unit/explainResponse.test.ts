// authdbg explain: every reply the simulator produces is explained, and a simulation reproduces it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SimConfig } from '../../src/core/config/model.ts';
import { explainExchange, parseExchange, responseCauses } from '../../src/core/explain/response.ts';
import type { SimulationRequest, SimulationResult } from '../../src/core/simulate/result.ts';
import { simulate } from '../../src/core/simulate/simulate.ts';
import type { Harness } from '../fixtures/simulate/harness.ts';
import { CLIENT_ID, NOW, POOL, startHarness } from '../fixtures/simulate/harness.ts';

const JWKS = 'jwks: "{{BASE}}/jwks.json"';
const REST_YAML = `version: 1
api: { region: us-east-1, accountId: "123456789012", apiId: a1b2c3d4e5, stage: prod }
authorizers:
  pool: { type: cognito, userPools: [${POOL}], ${JWKS} }
  narrow: { type: lambda, policy: { Version: "2012-10-17", Statement: { Effect: Allow, Action: execute-api:Invoke, Resource: "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/POST/*" } } }
  deny: { type: lambda, policy: { principalId: u, policyDocument: { Statement: [{ Effect: Deny, Action: "execute-api:*", Resource: "*" }] } } }
  broken: { type: lambda, policy: { principalId: u, policyDocument: { Version: "2012-10-17", Statement: [{ Effect: allow, Action: execute-api:Invoke, Resource: "*" }] } } }
routes:
  - { route: GET /orders, authorizer: pool }
  - { route: POST /orders, authorizer: pool, scopes: [orders/write] }
  - { route: GET /reports, authorizer: pool, rbac: { groups: [finance] } }
  - { route: GET /narrow, authorizer: narrow }
  - { route: GET /deny, authorizer: deny }
  - { route: GET /broken, authorizer: broken }
  - { route: GET /iam, authorizer: iam }
`;
const HTTP_YAML = `version: 1
api: { region: us-east-1, accountId: "123456789012", apiId: h1, stage: "$default", kind: http }
authorizers:
  jwt: { type: jwt, issuer: "https://cognito-idp.us-east-1.amazonaws.com/${POOL}", audience: [${CLIENT_ID}], ${JWKS} }
  simple: { type: lambda, payloadFormatVersion: "2.0", enableSimpleResponses: true, policy: { isAuthorized: false } }
routes:
  - { route: GET /items, authorizer: jwt, scopes: [orders/write] }
  - { route: GET /me, authorizer: jwt }
  - { route: "GET /pets/{id}", authorizer: simple }
`;

let h: Harness;
let rest: SimConfig;
let httpApi: SimConfig;
before(async () => {
  h = await startHarness();
  rest = h.config(REST_YAML);
  httpApi = h.config(HTTP_YAML);
});
after(() => h.close());

/** The response as `curl -i` prints it. */
function asCurl(result: SimulationResult, extra: Record<string, string>): string {
  const headers = { ...result.headers, ...extra };
  const lines = [
    `HTTP/2 ${result.status}`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    '',
    result.body,
  ];
  return lines.join('\r\n');
}

interface Case {
  name: string;
  config: () => SimConfig;
  route: string;
  token?: () => Promise<string>;
}

const cases: Case[] = [
  { name: 'REST: no token', config: () => rest, route: 'GET /orders' },
  {
    name: 'REST: expired ID token',
    config: () => rest,
    route: 'GET /orders',
    token: () => h.idToken({ exp: NOW - 60 }),
  },
  {
    name: 'REST: token from another pool',
    config: () => rest,
    route: 'GET /orders',
    token: () => h.idToken({ iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other999' }),
  },
  {
    name: 'REST: access token without scopes',
    config: () => rest,
    route: 'GET /orders',
    token: () => h.accessToken(),
  },
  {
    name: 'REST: ID token on a scoped method',
    config: () => rest,
    route: 'POST /orders',
    token: () => h.idToken(),
  },
  { name: 'REST: RBAC group missing', config: () => rest, route: 'GET /reports', token: () => h.idToken() },
  { name: 'REST: Lambda implicit deny', config: () => rest, route: 'GET /narrow', token: () => h.idToken() },
  { name: 'REST: Lambda explicit deny', config: () => rest, route: 'GET /deny', token: () => h.idToken() },
  {
    name: 'REST: malformed Lambda policy',
    config: () => rest,
    route: 'GET /broken',
    token: () => h.idToken(),
  },
  { name: 'REST: no such path', config: () => rest, route: 'GET /nowhere' },
  { name: 'REST: bearer on an IAM method', config: () => rest, route: 'GET /iam', token: () => h.idToken() },
  { name: 'HTTP: no token', config: () => httpApi, route: 'GET /me' },
  {
    name: 'HTTP: wrong audience',
    config: () => httpApi,
    route: 'GET /me',
    token: () => h.idToken({ aud: 'other' }),
  },
  {
    name: 'HTTP: expired',
    config: () => httpApi,
    route: 'GET /me',
    token: () => h.idToken({ exp: NOW - 60 }),
  },
  { name: 'HTTP: scope missing', config: () => httpApi, route: 'GET /items', token: () => h.accessToken() },
  {
    name: 'HTTP: simple response false',
    config: () => httpApi,
    route: 'GET /pets/1',
    token: () => h.idToken(),
  },
  { name: 'HTTP: no route', config: () => httpApi, route: 'GET /nowhere', token: () => h.idToken() },
];

async function run(c: Case): Promise<SimulationResult> {
  const request: SimulationRequest = { config: c.config(), route: c.route };
  if (c.token) request.token = await c.token();
  return simulate(request, { now: NOW }, { keys: h.keys });
}

describe('explain: every simulated denial is explained and reproduced', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const result = await run(c);
      assert.equal(result.decision, 'deny', `${c.name} must be a denial to explain`);
      const kind = result.route?.apiKind ?? (c.config() === rest ? 'rest' : 'http');
      const responder: Record<string, string> =
        kind === 'rest' ? { 'x-amzn-requestid': 'r-1' } : { 'apigw-requestid': 'a-1' };
      const parsed = parseExchange(asCurl(result, responder));
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.message);
      const [exchange] = parsed.exchanges;
      assert.ok(exchange);

      // Without context: the cause the simulator took is among the matches, with nothing of another API kind.
      const blind = explainExchange(exchange);
      assert.ok(
        blind.matches.some((m) => m.cause.decidedBy.includes(result.decidedBy)),
        `${c.name}: no cause for decidedBy=${result.decidedBy}; got ${blind.matches.map((m) => m.cause.id).join(', ')}`,
      );
      assert.ok(blind.matches.every((m) => m.cause.apiKinds.includes(kind)));

      // With the simulation: reproduced, and the simulator's step ranked first.
      const informed = explainExchange(exchange, { simulation: result });
      assert.deepEqual(informed.reproduction, { reproduced: true, differences: [] });
      assert.equal(
        informed.matches[0]?.supportedBy,
        'simulation',
        `${c.name}: ${informed.matches[0]?.cause.id}`,
      );
    });
  }

  it('a different status is not reproduced, and says so', async () => {
    const result = await run(cases[0] as Case);
    const parsed = parseExchange(
      'HTTP/1.1 403 Forbidden\nx-amzn-ErrorType: AccessDeniedException\n\n{"message":"Forbidden"}',
    );
    assert.ok(parsed.ok);
    const explanation = explainExchange(parsed.exchanges[0]!, { simulation: result });
    assert.equal(explanation.reproduction?.reproduced, false);
    assert.match(explanation.reproduction?.differences[0] ?? '', /simulated 401, received 403/);
  });
});

describe('explain: reading pastes', () => {
  it('a JSON body nested too deep to serialize is a result, not a thrown RangeError', () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    for (const paste of [
      `{"status":401,"headers":{},"body":${deep}}`,
      `{"log":{"entries":[{"response":{"status":401,"headers":[],"content":{"text":${deep}}}}]}}`,
    ]) {
      const parsed = parseExchange(paste);
      assert.ok(parsed.ok);
      assert.equal(parsed.exchanges[0]?.response.status, 401);
      assert.equal(parsed.exchanges[0]?.response.body, '');
    }
  });

  it('curl -v output: request line, bearer, response headers and body', () => {
    const paste = [
      '*   Trying 1.2.3.4:443...',
      '> GET https://h1.execute-api.us-east-1.amazonaws.com/me?x=1 HTTP/2',
      '> Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl',
      '>',
      '< HTTP/2 401',
      '< www-authenticate: Bearer scope="" error="invalid_token" error_description="the token does not have a valid audience"',
      '< apigw-requestid: Abc=',
      '<',
      '{"message":"Unauthorized"}',
    ].join('\n');
    const parsed = parseExchange(paste);
    assert.ok(parsed.ok);
    const explanation = explainExchange(parsed.exchanges[0]!);
    assert.equal(explanation.request?.path, '/me?x=1');
    assert.equal(explanation.responder, 'http');
    assert.equal(explanation.matches.length, 1);
    assert.equal(explanation.matches[0]?.cause.id, 'http-jwt-aud');
    assert.equal(explanation.matches[0]?.cause.source.kind, 'documented');
    // The pasted credential never comes back whole.
    assert.ok(!JSON.stringify(explanation).includes('c2lnbmF0dXJl'));
    // Nor one in the request's query string.
    const inQuery = parseExchange(
      paste.replace('/me?x=1', '/me?id_token=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl'),
    );
    assert.ok(inQuery.ok);
    const queried = explainExchange(inQuery.exchanges[0]!);
    assert.ok(!JSON.stringify(queried).includes('c2lnbmF0dXJl'), queried.request?.path);
    assert.equal(queried.request?.path, '/me?id_token=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.<redacted>');
  });

  it('a header a proxy dropped makes the match partial, not absent', () => {
    const parsed = parseExchange('HTTP/1.1 403 Forbidden\n\n{"message":"Missing Authentication Token"}');
    assert.ok(parsed.ok);
    const [first] = explainExchange(parsed.exchanges[0]!).matches;
    assert.equal(first?.cause.id, 'rest-missing-authentication-token');
    assert.equal(first?.quality, 'partial');
    assert.deepEqual(first?.missing, ['x-amzn-errortype']);
  });

  it('a HAR file: every refused response, with its request', () => {
    const har = {
      log: {
        entries: [
          {
            request: { method: 'GET', url: 'https://x/ok', headers: [] },
            response: { status: 200, headers: [], content: {} },
          },
          {
            request: { method: 'POST', url: 'https://x/prod/orders', headers: [] },
            response: {
              status: 403,
              headers: [{ name: 'x-amzn-ErrorType', value: 'AccessDeniedException' }],
              content: {
                text: '{"Message":"User is not authorized to access this resource with an explicit deny"}',
              },
            },
          },
        ],
      },
    };
    const parsed = parseExchange(JSON.stringify(har));
    assert.ok(parsed.ok);
    assert.equal(parsed.exchanges.length, 1);
    const explanation = explainExchange(parsed.exchanges[0]!);
    assert.equal(explanation.origin, 'HAR entry 2');
    assert.equal(explanation.matches[0]?.cause.id, 'rest-policy-explicit-deny');
  });

  it('what the backend wrote is not blamed on an authorizer', () => {
    const parsed = parseExchange('HTTP/1.1 401 Unauthorized\ncontent-type: text/plain\n\nsession expired');
    assert.ok(parsed.ok);
    const explanation = explainExchange(parsed.exchanges[0]!);
    assert.equal(explanation.matches.length, 0);
    assert.match(explanation.unmatched ?? '', /backend, a proxy or CloudFront/);
  });

  it('input without a status line is refused with a message, hostile sizes are bounded', () => {
    const none = parseExchange('just some words');
    assert.equal(none.ok, false);
    const huge = parseExchange(`HTTP/1.1 401 x\n${'a: b\n'.repeat(150_000)}`);
    assert.equal(huge.ok, true);
    const started = Date.now();
    const long = parseExchange(`HTTP/1.1 401 x\n\n${'{'.repeat(500_000)}`);
    assert.ok(long.ok);
    explainExchange(long.exchanges[0]!);
    assert.ok(Date.now() - started < 5000);
    assert.equal(parseExchange('x'.repeat(1024 * 1024 + 1)).ok, false);
  });

  it('the catalogue has unique ids and one cause for each JWT error description', () => {
    const ids = responseCauses().map((c) => c.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.ok(ids.includes('http-jwt-aud') && ids.includes('http-jwt-signature'));
  });
});
