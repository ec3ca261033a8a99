// CORS that hides the real answer: preflights and Origin requests as AWS answers them, read from templates.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runSimulate } from '../../src/cli/simulateCommand.ts';
import type { SimConfig } from '../../src/core/config/model.ts';
import { loadConfig } from '../../src/core/iac/loadConfig.ts';
import { buildBackendEvent } from '../../src/core/simulate/backendEvent.ts';
import type { SimulationRequest, SimulationResult } from '../../src/core/simulate/result.ts';
import { simulate } from '../../src/core/simulate/simulate.ts';
import type { Harness } from '../fixtures/simulate/harness.ts';
import { ALB_ARN, CLIENT_ID, NOW, POOL, startHarness } from '../fixtures/simulate/harness.ts';

const FIXTURES = join(__dirname, '..', 'fixtures', 'cors');
const ORIGIN = 'https://app.example.com';

function load(file: string): SimConfig {
  const loaded = loadConfig(file, readFileSync(join(FIXTURES, file), 'utf8'));
  assert.ok(loaded.ok, loaded.ok ? '' : loaded.errors.join('\n'));
  return loaded.config;
}

function preflight(method: string, headers = 'authorization', origin = ORIGIN): string {
  return `Origin: ${origin}\nAccess-Control-Request-Method: ${method}\nAccess-Control-Request-Headers: ${headers}`;
}

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

async function run(
  config: SimConfig,
  route: string,
  token?: string,
  authorizer?: string,
): Promise<SimulationResult> {
  const request: SimulationRequest = { config, route };
  if (token !== undefined) request.token = token;
  if (authorizer !== undefined) request.authorizer = authorizer;
  return simulate(request, { now: NOW }, { keys: h.keys });
}

function header(result: SimulationResult, name: string): string | undefined {
  return Object.entries(result.headers).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
}

function routesOf(config: SimConfig, api: string): SimConfig {
  return {
    ...config,
    routes: config.routes.filter((r) => r.api === api),
    apis: undefined,
    api: config.apis?.[api] ?? config.api,
  };
}

void describe('IaC readers pick up Cors, CorsConfiguration and GatewayResponses', () => {
  void it('SAM REST Cors, GatewayResponses and the generated preflight methods', () => {
    const config = load('sam-rest.yaml');
    const locked = config.apis?.LockedApi;
    assert.deepEqual(locked?.cors?.allowOrigins, [ORIGIN]);
    assert.deepEqual(locked?.cors?.allowMethods, ['GET', 'POST', 'OPTIONS']);
    assert.deepEqual(locked?.cors?.allowHeaders, ['authorization', 'content-type']);
    assert.equal(locked?.cors?.maxAge, 600);
    const open = config.apis?.OpenApi;
    assert.deepEqual(open?.gatewayResponses?.DEFAULT_4XX?.headers, { 'Access-Control-Allow-Origin': "'*'" });
    assert.equal(open?.gatewayResponses?.ACCESS_DENIED?.statusCode, 403);
    const options = config.routes.filter((r) => r.method === 'OPTIONS');
    assert.deepEqual(
      options.map((r) => `${r.api} ${r.route} ${r.authorizerType} ${String(r.preflight)}`).sort(),
      ['LockedApi OPTIONS /orders cognito true', 'OpenApi OPTIONS /orders none true'],
    );
  });

  void it('SAM HttpApi CorsConfiguration (object and true), CloudFormation and OpenAPI', () => {
    const sam = load('sam-http.yaml');
    assert.deepEqual(sam.apis?.CorsApi?.cors?.allowOrigins, [ORIGIN]);
    assert.deepEqual(sam.apis?.CorsApi?.cors?.exposeHeaders, ['x-request-id']);
    assert.equal(sam.apis?.CorsApi?.cors?.maxAge, 300);
    assert.deepEqual(sam.apis?.DefaultRouteApi?.cors?.allowOrigins, ['*']);
    assert.equal(sam.apis?.PlainApi?.cors, undefined);
    const cfn = load('cfn.yaml');
    assert.equal(cfn.apis?.Http?.cors?.allowCredentials, true);
    assert.deepEqual(cfn.apis?.Rest?.gatewayResponses?.UNAUTHORIZED?.headers, {
      'Access-Control-Allow-Origin': 'method.request.header.origin',
      'Access-Control-Allow-Credentials': "'true'",
    });
    assert.deepEqual(load('openapi-http.yaml').api.cors?.allowHeaders, ['authorization']);
    assert.deepEqual(load('openapi-rest.yaml').api.gatewayResponses?.DEFAULT_4XX?.headers, {
      'Access-Control-Allow-Origin': "'*'",
    });
  });

  void it('authdebug.yaml api.cors and api.gatewayResponses, with errors for bad values', () => {
    const good = loadConfig(
      'authdebug.yaml',
      `version: 1
api: { region: us-east-1, accountId: "123456789012", apiId: a, stage: prod, cors: { allowOrigins: ["${ORIGIN}"], allowHeaders: [authorization], maxAge: 60 }, gatewayResponses: { DEFAULT_4XX: { headers: { Access-Control-Allow-Origin: "'*'" } } } }
authorizers: {}
routes: []
`,
    );
    assert.ok(good.ok);
    assert.deepEqual(good.config.api.cors?.allowOrigins, [ORIGIN]);
    assert.equal(
      good.config.api.gatewayResponses?.DEFAULT_4XX?.headers['Access-Control-Allow-Origin'],
      "'*'",
    );
    const bad = loadConfig(
      'authdebug.yaml',
      `version: 1
api: { region: us-east-1, accountId: "123456789012", apiId: a, stage: prod, cors: { allowOrigins: [], maxAge: lots }, gatewayResponses: { default4xx: {} } }
authorizers: {}
routes: []
`,
    );
    assert.equal(bad.ok, false);
    const errors = bad.ok ? '' : bad.errors.join('\n');
    assert.match(errors, /api\.cors\.allowOrigins must list at least one origin/);
    assert.match(errors, /api\.cors\.maxAge must be an integer/);
    assert.match(errors, /upper-case names such as DEFAULT_4XX/);
  });
});

void describe('REST: preflights through OPTIONS methods, gateway responses and the browser', () => {
  void it('SAM default authorizer on the preflight: 401, and the browser shows a CORS error', async () => {
    const config = routesOf(load('sam-rest.yaml'), 'LockedApi');
    const r = await run(config, 'OPTIONS /orders', preflight('GET'));
    assert.equal(r.decision, 'deny');
    assert.equal(r.status, 401);
    assert.equal(header(r, 'access-control-allow-origin'), undefined);
    assert.equal(r.cors?.browser, 'blocked');
    assert.equal(r.cors?.reason, 'preflight-refused');
    assert.match(r.cors?.message ?? '', /AddDefaultAuthorizerToCorsPreflight: false/);
    assert.ok(r.trace.some((t) => t.step === 'cors' && /without Authorization or cookies/.test(t.message)));
    // The decision line stays last; the CORS step comes before it.
    assert.equal(r.trace.at(-1)?.step, 'decision');
    assert.equal(r.trace.at(-2)?.step, 'cors');
  });

  void it('a preflight never carries the token, even when one is given with it', async () => {
    const config = routesOf(load('sam-rest.yaml'), 'LockedApi');
    const token = await h.idToken();
    const r = await run(config, 'OPTIONS /orders', `Authorization: ${token}\n${preflight('GET')}`);
    assert.equal(r.status, 401);
    assert.equal(h.requests.length, 0, 'no key was fetched: the authorizer saw no token');
  });

  void it('an open preflight is answered by the OPTIONS mock with the Cors headers', async () => {
    const config = routesOf(load('sam-rest.yaml'), 'OpenApi');
    const r = await run(config, 'OPTIONS /orders', preflight('GET', 'authorization, content-type'));
    assert.equal(r.decision, 'allow');
    assert.equal(r.status, 200);
    assert.equal(header(r, 'access-control-allow-origin'), ORIGIN);
    assert.equal(header(r, 'access-control-allow-methods'), 'GET,OPTIONS');
    assert.equal(header(r, 'access-control-allow-headers'), 'authorization,content-type');
    assert.equal(r.cors?.browser, 'visible');
    assert.equal(r.cors?.reason, 'preflight-answered-by-mock');
    assert.equal(r.backendContext, null);
    assert.equal(buildBackendEvent({ config, route: 'OPTIONS /orders' }, r), undefined);
  });

  void it('a preflight asking for a header the Cors settings do not list is blocked', async () => {
    const config = routesOf(load('sam-rest.yaml'), 'OpenApi');
    const r = await run(config, 'OPTIONS /orders', preflight('GET', 'x-tenant'));
    assert.equal(r.status, 200);
    assert.equal(r.cors?.browser, 'blocked');
    assert.equal(r.cors?.reason, 'header-not-allowed');
    const other = await run(config, 'OPTIONS /orders', preflight('DELETE', 'authorization'));
    assert.equal(other.cors?.reason, 'method-not-allowed');
  });

  void it('no GatewayResponses: the 401 carries no Access-Control-Allow-Origin and the page never sees it', async () => {
    const config = routesOf(load('sam-rest.yaml'), 'LockedApi');
    const r = await run(config, 'GET /orders', `Origin: ${ORIGIN}`);
    assert.equal(r.status, 401);
    assert.equal(r.cors?.browser, 'blocked');
    assert.equal(r.cors?.reason, 'error-without-cors-headers');
    assert.match(r.cors?.message ?? '', /CORS error instead of 401.*GatewayResponses/);
  });

  void it('DEFAULT_4XX with the header: the 401 carries it (with or without Origin)', async () => {
    const config = routesOf(load('sam-rest.yaml'), 'OpenApi');
    const r = await run(config, 'GET /orders', `Origin: ${ORIGIN}`);
    assert.equal(r.status, 401);
    assert.equal(header(r, 'access-control-allow-origin'), '*');
    assert.equal(r.cors?.browser, 'visible');
    assert.equal(r.cors?.reason, 'error-with-cors-headers');
    assert.ok(
      r.trace.some((t) => t.step === 'gateway-response' && /UNAUTHORIZED.*DEFAULT_4XX/.test(t.message)),
    );
    const plain = await run(config, 'GET /orders');
    assert.equal(header(plain, 'access-control-allow-origin'), '*');
    assert.equal(plain.cors, undefined);
  });

  void it('a GatewayResponse mapping method.request.header.origin echoes the Origin (CloudFormation)', async () => {
    const config = routesOf(load('cfn.yaml'), 'Rest');
    const r = await run(config, 'GET /things', `Origin: ${ORIGIN}`);
    assert.equal(r.status, 401);
    assert.equal(header(r, 'Access-Control-Allow-Origin'), ORIGIN);
    assert.equal(header(r, 'Access-Control-Allow-Credentials'), 'true');
    assert.equal(r.cors?.browser, 'visible');
    const elsewhere = await run(config, 'GET /things', 'Origin: https://evil.example');
    assert.equal(header(elsewhere, 'Access-Control-Allow-Origin'), 'https://evil.example');
  });

  void it('no OPTIONS method: the preflight gets 403 Missing Authentication Token', async () => {
    const config = routesOf(load('cfn.yaml'), 'Rest');
    const r = await run(config, 'OPTIONS /things', preflight('GET'));
    assert.equal(r.status, 403);
    assert.equal(r.cors?.reason, 'preflight-refused');
    assert.match(r.cors?.message ?? '', /no OPTIONS method/);
  });
});

void describe('HTTP API: CorsConfiguration answers preflights before authorizers', () => {
  void it('the preflight is answered with 204 and the configured headers, no authorizer runs', async () => {
    const config = routesOf(load('sam-http.yaml'), 'CorsApi');
    const r = await run(config, 'OPTIONS /items', preflight('GET', 'authorization'));
    assert.equal(r.decision, 'allow');
    assert.equal(r.decidedBy, 'cors');
    assert.equal(r.status, 204);
    assert.equal(r.route, null);
    assert.equal(header(r, 'access-control-allow-origin'), ORIGIN);
    assert.equal(header(r, 'access-control-allow-methods'), 'GET,POST');
    assert.equal(header(r, 'access-control-max-age'), '300');
    assert.equal(r.cors?.reason, 'preflight-answered-by-api');
    assert.ok(!r.trace.some((t) => t.step === 'authorizer'));
  });

  void it('a preflight from another origin gets no Access-Control-Allow-Origin', async () => {
    const config = routesOf(load('sam-http.yaml'), 'CorsApi');
    const r = await run(config, 'OPTIONS /items', preflight('GET', 'authorization', 'https://evil.example'));
    assert.equal(r.status, 204);
    assert.equal(header(r, 'access-control-allow-origin'), undefined);
    assert.equal(r.cors?.browser, 'blocked');
    assert.equal(r.cors?.reason, 'origin-not-allowed');
  });

  void it('AllowHeaders "*" never covers Authorization', async () => {
    const config = routesOf(load('sam-http.yaml'), 'WildcardApi');
    const ok = await run(config, 'OPTIONS /wild', preflight('PUT', 'x-tenant'));
    assert.equal(ok.cors?.browser, 'visible');
    const auth = await run(config, 'OPTIONS /wild', preflight('PUT', 'authorization'));
    assert.equal(auth.cors?.reason, 'header-not-allowed');
    assert.match(auth.cors?.message ?? '', /never covers Authorization/);
  });

  void it('only $default catches OPTIONS: its authorizer runs on the preflight (documented) and it fails', async () => {
    const config = routesOf(load('sam-http.yaml'), 'DefaultRouteApi');
    const r = await run(config, 'OPTIONS /anything', preflight('GET'));
    assert.equal(r.status, 401);
    assert.equal(r.cors?.reason, 'preflight-refused');
    assert.match(r.cors?.message ?? '', /OPTIONS \/\{proxy\+\}/);
  });

  void it('without CorsConfiguration the preflight reaches the route authorizer; an Origin 401 is a CORS error', async () => {
    const config = routesOf(load('sam-http.yaml'), 'PlainApi');
    const pre = await run(config, 'OPTIONS /plain', preflight('GET'));
    assert.equal(pre.status, 401);
    assert.equal(pre.cors?.browser, 'blocked');
    const real = await run(config, 'GET /plain', `Origin: ${ORIGIN}`);
    assert.equal(real.status, 401);
    assert.equal(real.cors?.reason, 'error-without-cors-headers');
  });

  void it('with CorsConfiguration the authorizer 401 carries the CORS headers (unverified, said so)', async () => {
    const config = routesOf(load('sam-http.yaml'), 'CorsApi');
    const r = await run(config, 'GET /items', `Origin: ${ORIGIN}`);
    assert.equal(r.status, 401);
    assert.equal(header(r, 'access-control-allow-origin'), ORIGIN);
    assert.equal(header(r, 'access-control-expose-headers'), 'x-request-id');
    assert.equal(r.cors?.browser, 'visible');
    assert.match(r.cors?.message ?? '', /unverified/);
  });
});

void describe('allowed requests and the ALB', () => {
  let yaml: SimConfig;
  before(() => {
    yaml = h.config(`version: 1
api: { region: us-east-1, accountId: "123456789012", apiId: h1, stage: "$default", kind: http, cors: { allowOrigins: ["${ORIGIN}"], allowHeaders: [authorization], allowCredentials: true } }
authorizers:
  jwt: { type: jwt, issuer: "https://cognito-idp.us-east-1.amazonaws.com/${POOL}", audience: [${CLIENT_ID}], jwks: "{{BASE}}/jwks.json" }
routes:
  - { route: GET /items, authorizer: jwt }
`);
  });

  void it('HTTP API with CORS: the allowed response carries the headers API Gateway adds', async () => {
    const token = await h.accessToken({ aud: CLIENT_ID });
    const r = await run(yaml, 'GET /items', `Origin: ${ORIGIN}\nAuthorization: Bearer ${token}`);
    assert.equal(r.decision, 'allow');
    assert.equal(header(r, 'access-control-allow-origin'), ORIGIN);
    assert.equal(header(r, 'access-control-allow-credentials'), 'true');
    assert.equal(r.cors?.reason, 'api-adds-cors-headers');
    assert.ok(buildBackendEvent({ config: yaml, route: 'GET /items', token }, r));
  });

  void it('REST proxy: an allowed request depends on the backend adding the header', async () => {
    const rest = h.config(`version: 1
api: { region: us-east-1, accountId: "123456789012", apiId: a, stage: prod }
authorizers: {}
routes:
  - { route: GET /open, authorizer: none }
`);
    const r = await run(rest, 'GET /open', `Origin: ${ORIGIN}`);
    assert.equal(r.decision, 'allow');
    assert.equal(r.cors?.browser, 'backend');
    assert.equal(r.cors?.reason, 'backend-must-add');
  });

  void it('ALB: the redirect to the IdP on a script request is a CORS error', async () => {
    const alb = h.config(`version: 1
authorizers:
  web: { type: alb, albArn: "${ALB_ARN}", keyUrl: "{{BASE}}/alb", authorizationEndpoint: "https://auth.example.com/oauth2/authorize" }
routes:
  - { route: "GET /api/*", authorizer: web }
`);
    const r = await run(alb, 'GET /api/orders', `Origin: ${ORIGIN}`);
    assert.equal(r.status, 302);
    assert.equal(r.cors?.browser, 'blocked');
    assert.equal(r.cors?.reason, 'alb-redirect');
  });

  void it('a request without Origin gets no CORS finding and unchanged headers', async () => {
    const r = await run(yaml, 'GET /items');
    assert.equal(r.cors, undefined);
    assert.equal(header(r, 'access-control-allow-origin'), undefined);
  });
});

void describe('authdbg simulate shows the browser view', () => {
  void it('a whole multi-API template: the preflight finds its API by the method it asks for', async () => {
    const out: string[] = [];
    const code = await runSimulate(
      [
        '--config',
        join(FIXTURES, 'sam-http-two.yaml'),
        '--route',
        'OPTIONS /items',
        preflight('GET', 'authorization'),
      ],
      {
        stdout: (t) => out.push(t),
        stderr: (t) => out.push(t),
        readStdin: () => Promise.resolve(''),
        readFileBytes: (p) => readFile(p),
        nowMs: () => NOW * 1000,
        keys: h.keys,
      },
    );
    assert.equal(code, 0);
    const text = out.join('');
    assert.match(text, /^ALLOW {2}204/);
    assert.match(
      text,
      /Browser: +sees the response: API Gateway answers the preflight from CorsConfiguration/,
    );
    const blocked: string[] = [];
    await runSimulate(
      ['--config', join(FIXTURES, 'sam-http-two.yaml'), '--route', 'GET /plain', `Origin: ${ORIGIN}`],
      {
        stdout: (t) => blocked.push(t),
        stderr: (t) => blocked.push(t),
        readStdin: () => Promise.resolve(''),
        readFileBytes: (p) => readFile(p),
        nowMs: () => NOW * 1000,
        keys: h.keys,
      },
    );
    assert.match(blocked.join(''), /Browser: +CORS error \(the page never sees 401\)/);
  });
});
