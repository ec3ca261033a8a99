// authdbg gateway end to end: the built CLI listening on loopback, real cognito-local tokens, a real local HTTP
// backend (one that verifies the ALB headers itself with the core's verifier against the printed key endpoint),
// and a Lambda Invoke API stand-in running a real handler file (test/support/lambdaInvoke.ts).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createHttpGet } from '../../src/core/keys/httpGet.ts';
import { createKeyStore } from '../../src/core/keys/keyStore.ts';
import { inspectToken } from '../../src/core/verify/inspect.ts';
import { startSeededCognitoLocal } from '../support/cognitoLocal.ts';
import type { SeededCognitoLocal } from '../support/cognitoLocal.ts';
import type { GatewayProcess } from '../support/gateway.ts';
import { startGatewayCli } from '../support/gateway.ts';
import type { TestServer } from '../support/httpServer.ts';
import { startServer } from '../support/httpServer.ts';
import type { LambdaInvokeStandIn } from '../support/lambdaInvoke.ts';
import { startLambdaInvoke } from '../support/lambdaInvoke.ts';

const ALB_ARN =
  'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/my-alb/50dc6c495c0c9188';
const AUTHORIZE = 'https://auth.example.com/oauth2/authorize';

let seeded: SeededCognitoLocal;
let config: string;
let backend: TestServer;
let gateway: GatewayProcess;
let lambda: LambdaInvokeStandIn;
let lambdaGateway: GatewayProcess;
/** What the backend's own x-amzn-oidc-data check concluded, per request it received. */
const backendChecks: { valid: boolean; failed: string[]; sub: unknown; identity: unknown; email: unknown }[] =
  [];
let stuckRequests = 0;

function tokens(user: string): { idToken: string; accessToken: string } {
  const t = seeded.tokens[user];
  assert.ok(t, user);
  return t;
}

// The backend's own ALB verification, unchanged but for its key URL: the core verifier against the gateway's key endpoint.
async function backendHandler(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.url?.startsWith('/stuck')) {
    stuckRequests++;
    return; // never answers: the gateway's upstream timeout must
  }
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const blob = req.headers['x-amzn-oidc-data'];
  let check: (typeof backendChecks)[number] | undefined;
  if (typeof blob === 'string') {
    const keys = createKeyStore({ httpGet: createHttpGet({ proxyEnv: {} }), now: () => Date.now() });
    const report = await inspectToken(
      blob,
      {
        now: Date.now() / 1000,
        keySource: { type: 'alb', baseUrl: gateway.albKeyUrl ?? '' },
        algorithms: ['ES256'],
        albArn: ALB_ARN,
        clientId: seeded.pool.clientId,
        allowNetwork: true,
      },
      { keys },
    );
    check = {
      valid: report.valid,
      failed: report.checks.filter((c) => c.status === 'fail').map((c) => `${c.id}: ${c.message}`),
      sub: report.payload?.sub,
      identity: req.headers['x-amzn-oidc-identity'],
      email: report.payload?.email,
    };
    backendChecks.push(check);
  }
  res.writeHead(200, {
    'content-type': 'application/json',
    connection: 'x-hop',
    'x-hop': 'connection-scoped',
    'x-backend': 'yes',
  });
  res.end(
    JSON.stringify({
      path: req.url,
      method: req.method,
      authorization: req.headers.authorization ?? null,
      oidc: Object.keys(req.headers)
        .filter((h) => h.startsWith('x-amzn-oidc-'))
        .sort(),
      blob: typeof blob === 'string' ? blob : null,
      accessToken: req.headers['x-amzn-oidc-accesstoken'] ?? null,
      gatewayHeader: req.headers['x-authdbg-access-token'] ?? null,
      forwardedFor: req.headers['x-forwarded-for'] ?? null,
      check: check ?? null,
      bodyBytes: Buffer.concat(chunks).length,
    }),
  );
}

before(async () => {
  seeded = await startSeededCognitoLocal({
    name: 'gateway-e2e',
    users: [
      {
        username: 'ada',
        password: 'Ada-Passw0rd!',
        groups: ['admin'],
        attributes: { email: 'ada@example.com', 'custom:tenant': 'acme' },
      },
      {
        username: 'rita',
        password: 'Rita-Passw0rd!',
        groups: ['readers'],
        attributes: { email: 'rita@example.com', 'custom:tenant': 'globex' },
      },
    ],
  });
  const { issuer, jwksUrl, clientId } = seeded.pool;
  const idp = `issuer: ${JSON.stringify(issuer)}\n    jwks: ${JSON.stringify(jwksUrl)}\n    clientId: ${JSON.stringify(clientId)}\n    albArn: ${ALB_ARN}`;
  const yaml = `version: 1
defaults: { region: us-east-1, clockSkewSeconds: 0 }
api: { region: us-east-1, accountId: "123456789012", apiId: a1b2c3d4e5, stage: prod }
authorizers:
  pool:
    type: cognito
    issuers: [${JSON.stringify(issuer)}]
    jwks: ${JSON.stringify(jwksUrl)}
  httpJwt:
    type: jwt
    issuer: ${JSON.stringify(issuer)}
    audience: [${JSON.stringify(clientId)}]
    jwks: ${JSON.stringify(jwksUrl)}
  web:
    type: alb
    ${idp}
    onUnauthenticatedRequest: deny
  webLogin:
    type: alb
    ${idp}
    onUnauthenticatedRequest: authenticate
    authorizationEndpoint: ${AUTHORIZE}
  webOpen:
    type: alb
    ${idp}
    onUnauthenticatedRequest: allow
routes:
  - route: GET /orders/{id}
    authorizer: pool
    rbac: { groups: [admin] }
  - route: POST /orders/{id}
    authorizer: pool
  - route: GET /stuck
    apiKind: rest
    authorizer: none
  - route: GET /v2/orders
    apiKind: http
    authorizer: httpJwt
    scopes: [orders/read]
  - route: GET /v2/me
    apiKind: http
    authorizer: httpJwt
  - route: GET /app/*
    authorizer: web
  - route: GET /login/*
    authorizer: webLogin
  - route: GET /open/*
    authorizer: webOpen
`;
  const dir = mkdtempSync(join(tmpdir(), 'authdbg-gateway-'));
  config = join(dir, 'authdebug.yaml');
  writeFileSync(config, yaml);
  backend = await startServer((req, res) => void backendHandler(req, res));
  gateway = await startGatewayCli([
    '--config',
    config,
    '--target',
    backend.origin,
    '--port',
    '0',
    '--upstream-timeout-ms',
    '1500',
  ]);
  lambda = await startLambdaInvoke({
    OrdersFunction: { file: resolve(__dirname, '..', 'fixtures', 'gateway', 'handler.mjs') },
  });
  lambdaGateway = await startGatewayCli([
    '--config',
    config,
    '--target',
    `lambda:${lambda.url}`,
    '--function',
    'OrdersFunction',
    '--port',
    '0',
    '--json',
  ]);
});

after(async () => {
  await Promise.allSettled([gateway?.stop(), lambdaGateway?.stop()]);
  await Promise.allSettled([backend?.close(), lambda?.close(), seeded?.stop()]);
});

async function send(
  base: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<{ status: number; headers: Headers; text: string }> {
  const { body, ...rest } = init;
  const response = await fetch(`${base}${path}`, {
    redirect: 'manual',
    ...rest,
    ...(body === undefined
      ? {}
      : { body: typeof body === 'string' ? body : new Blob([new Uint8Array(body)]) }),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

function backendCount(): number {
  return backend.requests.length;
}

describe('authdbg gateway: API Gateway routes to an HTTP target', () => {
  test('prints where it listens (loopback) and the ALB key endpoint', () => {
    assert.match(gateway.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(gateway.albKeyUrl ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test('no token on a Cognito route: AWS 401 with its headers; the backend never sees it', async () => {
    const before = backendCount();
    const r = await send(gateway.url, '/orders/42');
    assert.equal(r.status, 401);
    assert.deepEqual(JSON.parse(r.text), { message: 'Unauthorized' });
    assert.equal(r.headers.get('x-amzn-errortype'), 'UnauthorizedException');
    assert.equal(r.headers.get('content-type'), 'application/json');
    assert.match(r.headers.get('x-amzn-requestid') ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(backendCount(), before);
  });

  test('an admin ID token is forwarded with its Authorization header; the log line says ALLOW', async () => {
    const lines = gateway.lines.length;
    const { idToken } = tokens('ada');
    const r = await send(gateway.url, '/orders/42?x=1', { headers: { authorization: `Bearer ${idToken}` } });
    assert.equal(r.status, 200, r.text);
    const seen = JSON.parse(r.text) as { path: string; authorization: string; forwardedFor: string };
    assert.equal(seen.path, '/orders/42?x=1');
    assert.equal(seen.authorization, `Bearer ${idToken}`);
    assert.equal(seen.forwardedFor, '127.0.0.1');
    assert.equal(r.headers.get('x-backend'), 'yes');
    // Hop-by-hop headers of the backend's answer (here: one its Connection header names) are not passed on.
    assert.equal(r.headers.get('x-hop'), null);
    // Log lines are written once the client has its answer: an earlier request's line may still arrive.
    await waitFor(() => gateway.lines.slice(lines).some((l) => l.startsWith('GET /orders/42 ALLOW')));
    const line = gateway.lines.slice(lines).find((l) => l.startsWith('GET /orders/42 ALLOW')) ?? '';
    assert.match(line, /^GET \/orders\/42 ALLOW 200 rbac: forwarded to the target$/);
    assert.ok(!line.includes('x=1'), 'the query string is not logged');
  });

  test('the access token on a scope-less method is the classic 401, as simulate says', async () => {
    const r = await send(gateway.url, '/orders/42', {
      headers: { authorization: tokens('ada').accessToken },
    });
    assert.equal(r.status, 401);
    assert.deepEqual(JSON.parse(r.text), { message: 'Unauthorized' });
  });

  test("RBAC the backend applies: forwarded, and the log predicts the backend's refusal", async () => {
    const lines = gateway.lines.length;
    const r = await send(gateway.url, '/orders/7', { headers: { authorization: tokens('rita').idToken } });
    assert.equal(r.status, 200, 'the backend decides');
    await waitFor(() => gateway.lines.slice(lines).some((l) => l.startsWith('GET /orders/7 ')));
    const line = gateway.lines.slice(lines).find((l) => l.startsWith('GET /orders/7 ')) ?? '';
    assert.match(line, /FORWARDED 200 rbac: forwarded; the configuration's rbac rules predict/);
  });

  test('an unknown REST path: 403 Missing Authentication Token', async () => {
    const r = await send(gateway.url, '/nothing-here');
    assert.equal(r.status, 403);
    assert.deepEqual(JSON.parse(r.text), { message: 'Missing Authentication Token' });
    assert.equal(r.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
  });

  test('HTTP API JWT route: a missing scope is 403 Forbidden without REST headers', async () => {
    const r = await send(gateway.url, '/v2/orders', {
      headers: { authorization: tokens('ada').accessToken },
    });
    assert.equal(r.status, 403);
    assert.deepEqual(JSON.parse(r.text), { message: 'Forbidden' });
    assert.equal(r.headers.get('x-amzn-errortype'), null);
    assert.match(r.headers.get('apigw-requestid') ?? '', /^[0-9a-f-]{36}$/);
  });

  test('a request body is streamed to the target', async () => {
    const body = Buffer.alloc(300_000, 7);
    const r = await send(gateway.url, '/orders/1', {
      method: 'POST',
      body,
      headers: { authorization: tokens('ada').idToken },
    });
    assert.equal(r.status, 200, r.text);
    assert.equal((JSON.parse(r.text) as { bodyBytes: number }).bodyBytes, body.length);
  });

  test('a body over 10 MiB is refused with 413 before the target gets it all', async () => {
    const r = await send(gateway.url, '/orders/1', {
      method: 'POST',
      body: Buffer.alloc(10 * 1024 * 1024 + 1),
      headers: { authorization: tokens('ada').idToken },
    });
    assert.equal(r.status, 413);
    assert.deepEqual(JSON.parse(r.text), { message: 'Request Too Long' });
  });

  test('a target that never answers: 504 Endpoint request timed out, within the upstream timeout', async () => {
    const started = Date.now();
    const r = await send(gateway.url, '/stuck');
    const ms = Date.now() - started;
    assert.equal(r.status, 504);
    assert.deepEqual(JSON.parse(r.text), { message: 'Endpoint request timed out' });
    assert.ok(stuckRequests >= 1);
    assert.ok(ms >= 1400 && ms < 10_000, `answered after ${ms} ms (timeout 1500 ms)`);
  });

  test('the request log never holds a whole token', () => {
    const log = gateway.lines.join('\n');
    for (const user of ['ada', 'rita']) {
      const { idToken, accessToken } = tokens(user);
      assert.ok(!log.includes(idToken.split('.')[2] ?? '?'), 'ID token signature in the log');
      assert.ok(!log.includes(accessToken.split('.')[2] ?? '?'), 'access token signature in the log');
    }
  });
});

describe('authdbg gateway: ALB routes', () => {
  test('an ID token as Bearer: the target gets x-amzn-oidc-* and verifies the blob against the printed key URL', async () => {
    const before = backendChecks.length;
    const { idToken, accessToken } = tokens('ada');
    const r = await send(gateway.url, '/app/home', {
      headers: { authorization: `Bearer ${idToken}`, 'x-authdbg-access-token': accessToken },
    });
    assert.equal(r.status, 200, r.text);
    const seen = JSON.parse(r.text) as {
      oidc: string[];
      blob: string;
      accessToken: string;
      gatewayHeader: string | null;
      check: (typeof backendChecks)[number];
    };
    assert.deepEqual(seen.oidc, ['x-amzn-oidc-accesstoken', 'x-amzn-oidc-data', 'x-amzn-oidc-identity']);
    assert.equal(seen.accessToken, accessToken);
    assert.equal(seen.gatewayHeader, null, "the gateway's own header is not forwarded");
    assert.equal(backendChecks.length, before + 1);
    assert.equal(seen.check.valid, true, seen.check.failed.join('; '));
    const idClaims = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString()) as Record<
      string,
      unknown
    >;
    assert.equal(seen.check.sub, idClaims.sub);
    assert.equal(seen.check.identity, idClaims.sub);
    assert.equal(seen.check.email, 'ada@example.com');
    // The ALB's wire format: padded base64url segments; header fields alg, kid, signer, iss, client, exp.
    const [header, payload, signature] = seen.blob.split('.');
    for (const segment of [header, payload, signature]) assert.equal((segment ?? '').length % 4, 0);
    assert.ok((signature ?? '').endsWith('='), 'a 64-byte r||s signature ends in "=" padding');
    const fields = JSON.parse(Buffer.from(header ?? '', 'base64url').toString()) as Record<string, unknown>;
    assert.equal(fields.alg, 'ES256');
    assert.equal(fields.signer, ALB_ARN);
    assert.equal(fields.iss, seeded.pool.issuer);
    assert.equal(fields.client, seeded.pool.clientId);
    assert.equal(fields.exp, idClaims.exp);
    assert.match(String(fields.kid), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const pem = await send(gateway.albKeyUrl ?? '', `/${String(fields.kid)}`);
    assert.equal(pem.status, 200);
    assert.match(pem.text, /^-----BEGIN PUBLIC KEY-----/);
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
    assert.equal(claims['cognito:groups'], undefined, 'userinfo claims carry no groups');
    assert.equal(claims.aud, undefined);
  });

  test('the session in split AWSELBAuthSessionCookie-0/-1 cookies works the same way', async () => {
    const { idToken } = tokens('ada');
    const half = Math.floor(idToken.length / 2);
    const r = await send(gateway.url, '/app/cookie', {
      headers: {
        cookie: `theme=dark; AWSELBAuthSessionCookie-0=${idToken.slice(0, half)}; AWSELBAuthSessionCookie-1=${idToken.slice(half)}`,
      },
    });
    assert.equal(r.status, 200, r.text);
    const seen = JSON.parse(r.text) as { check: { valid: boolean }; accessToken: string | null };
    assert.equal(seen.check.valid, true);
    assert.equal(seen.accessToken, null, 'no access token given: the header is left out, not faked');
  });

  test("a client's own x-amzn-oidc-data is removed: no session means the ALB's 401 (deny)", async () => {
    const before = backendCount();
    const r = await send(gateway.url, '/app/home', {
      headers: {
        'x-amzn-oidc-data': 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.',
        'x-amzn-oidc-identity': 'admin',
      },
    });
    assert.equal(r.status, 401);
    assert.match(r.text, /401 Authorization Required/);
    assert.equal(r.headers.get('server'), 'awselb/2.0');
    assert.equal(backendCount(), before);
  });

  test('with a session, spoofed x-amzn-oidc-* headers are replaced by the gateway-signed ones', async () => {
    const r = await send(gateway.url, '/app/spoof', {
      headers: {
        authorization: `Bearer ${tokens('rita').idToken}`,
        'x-amzn-oidc-identity': 'admin',
        'x-amzn-oidc-accesstoken': 'forged',
      },
    });
    assert.equal(r.status, 200, r.text);
    const seen = JSON.parse(r.text) as {
      accessToken: string | null;
      check: { valid: boolean; identity: unknown };
    };
    assert.equal(seen.check.valid, true);
    assert.notEqual(seen.check.identity, 'admin');
    assert.equal(seen.accessToken, null);
  });

  test('a tampered session token is no session (signature checked against the IdP keys)', async () => {
    const [h, p, s] = tokens('ada').idToken.split('.');
    const flipped = `${s?.slice(0, -2) ?? ''}${s?.endsWith('A') ? 'B' : 'A'}${s?.slice(-1) ?? ''}`;
    const r = await send(gateway.url, '/app/home', {
      headers: { authorization: `Bearer ${h}.${p}.${flipped}` },
    });
    assert.equal(r.status, 401);
  });

  test('onUnauthenticatedRequest authenticate: 302 to the authorization endpoint', async () => {
    const r = await send(gateway.url, '/login/start');
    assert.equal(r.status, 302);
    assert.ok((r.headers.get('location') ?? '').startsWith(`${AUTHORIZE}?response_type=code`));
  });

  test('onUnauthenticatedRequest allow: forwarded without any x-amzn-oidc-* header', async () => {
    const r = await send(gateway.url, '/open/page', { headers: { 'x-amzn-oidc-identity': 'admin' } });
    assert.equal(r.status, 200);
    assert.deepEqual((JSON.parse(r.text) as { oidc: string[] }).oidc, []);
  });
});

describe('authdbg gateway: a Lambda target through the Invoke API', () => {
  test('a REST route invokes the function with the proxy event; the proxy response maps back', async () => {
    const before = lambda.invocations.length;
    const r = await send(lambdaGateway.url, '/orders/42', {
      headers: { authorization: tokens('ada').idToken },
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.headers.get('x-handler'), 'fixture');
    assert.equal(r.headers.get('set-cookie'), 'a=1, b=2');
    const seen = JSON.parse(r.text) as {
      path: string;
      method: string;
      authorizer: { claims: Record<string, string> };
    };
    assert.equal(seen.path, '/orders/42');
    assert.equal(seen.method, 'GET');
    assert.equal(seen.authorizer.claims['cognito:groups'], 'admin');
    assert.equal(seen.authorizer.claims.email, 'ada@example.com');
    assert.equal(lambda.invocations.length, before + 1);
    assert.equal(lambda.invocations.at(-1)?.functionName, 'OrdersFunction');
  });

  test('an HTTP API route gets the payload 2.0 event with authorizer.jwt', async () => {
    const r = await send(lambdaGateway.url, '/v2/me', {
      headers: { authorization: tokens('ada').accessToken },
    });
    assert.equal(r.status, 201, r.text);
    const seen = JSON.parse(r.text) as {
      version: string;
      authorizer: { jwt: { claims: Record<string, string> } };
    };
    assert.equal(seen.version, '2.0');
    assert.equal(seen.authorizer.jwt.claims.username, 'ada');
  });

  test('an ALB route gets the target event with the signed x-amzn-oidc-data', async () => {
    const r = await send(lambdaGateway.url, '/app/lambda', {
      headers: { authorization: `Bearer ${tokens('ada').idToken}` },
    });
    assert.equal(r.status, 201, r.text);
    const seen = JSON.parse(r.text) as { oidcHeaders: string[]; oidcData: string };
    assert.deepEqual(seen.oidcHeaders, ['x-amzn-oidc-data', 'x-amzn-oidc-identity']);
    assert.equal(seen.oidcData.split('.').length, 3);
  });

  test('a denial never invokes the function', async () => {
    const before = lambda.invocations.length;
    const r = await send(lambdaGateway.url, '/orders/42');
    assert.equal(r.status, 401);
    assert.equal(lambda.invocations.length, before);
  });

  test('a function error is the integration error: REST 502 Internal server error', async () => {
    const r = await send(lambdaGateway.url, '/orders/boom', {
      headers: { authorization: tokens('ada').idToken },
    });
    assert.equal(r.status, 502);
    assert.deepEqual(JSON.parse(r.text), { message: 'Internal server error' });
  });

  test('isBase64Encoded bodies are decoded to bytes', async () => {
    const response = await fetch(`${lambdaGateway.url}/orders/binary`, {
      headers: { authorization: tokens('ada').idToken },
    });
    assert.equal(response.status, 200);
    assert.deepEqual([...new Uint8Array(await response.arrayBuffer())], [0, 1, 2, 255]);
  });

  test('--json: one JSON object per request line', () => {
    const entries = lambdaGateway.lines.slice(1).map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(entries.length >= 5, lambdaGateway.lines.join('\n'));
    for (const e of entries) {
      assert.equal(typeof e.method, 'string');
      assert.equal(typeof e.status, 'number');
      assert.ok(e.decision === 'allow' || e.decision === 'deny');
    }
    assert.ok(entries.some((e) => e.status === 502 && typeof e.problem === 'string'));
  });
});

describe('authdbg gateway: stopping', () => {
  test('SIGINT closes it cleanly with exit status 0', async () => {
    const extra = await startGatewayCli(['--config', config, '--target', backend.origin, '--port', '0']);
    const outcome = await extra.stop();
    assert.deepEqual(outcome, { status: 0, signal: null });
    assert.equal(extra.lines.at(-1), 'stopped');
    await assert.rejects(fetch(`${extra.url}/orders/1`));
  });

  test('a lambda: target without --function is refused at start, not a 502 per request', async () => {
    await assert.rejects(
      startGatewayCli(['--config', config, '--target', `lambda:${lambda.url}`, '--port', '0']),
      /needs --function NAME/,
    );
  });

  test('a taken port is a usage error (exit 2), not a crash', async () => {
    const port = new URL(gateway.url).port;
    await assert.rejects(
      startGatewayCli(['--config', config, '--target', backend.origin, '--port', port]),
      /EADDRINUSE/,
    );
  });
});

async function waitFor(ready: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
