// The local gateway's pure parts: the ALB session step, the blob it signs, header handling, the Lambda proxy
// mapping, and whole decisions on hand-signed tokens (keys served from memory: no network at all).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SimConfig } from '../../src/core/config/model.ts';
import { createAlbDataSigner, userinfoClaims, withGatewayAlbKey } from '../../src/core/gateway/albData.ts';
import { findAlbSession } from '../../src/core/gateway/albSession.ts';
import type { GatewayContext } from '../../src/core/gateway/decide.ts';
import {
  albAuthorizersWithoutIdp,
  decideGatewayRequest,
  logEntry,
  prepareGatewayConfig,
} from '../../src/core/gateway/decide.ts';
import type { HeaderField } from '../../src/core/gateway/headers.ts';
import { fieldsFromRaw, forwardedFor, withoutHopByHop } from '../../src/core/gateway/headers.ts';
import { invokePath, mapLambdaResponse } from '../../src/core/gateway/lambdaProxy.ts';
import { requestTooLarge, upstreamFailure, wireHeaders } from '../../src/core/gateway/responses.ts';
import { loadConfig } from '../../src/core/iac/loadConfig.ts';
import { parseJwks } from '../../src/core/keys/jwks.ts';
import { fail } from '../../src/core/keys/keyErrors.ts';
import type { KeyProvider } from '../../src/core/keys/types.ts';
import { inspectToken } from '../../src/core/verify/inspect.ts';
import { ALB_ARN, CLIENT_ID, NOW, accessClaims, idClaims, rsaKey, signToken } from '../support/tokens.ts';

const IDP = 'https://idp.example.com';
const JWKS = 'https://idp.example.com/jwks.json';
const BASE = 'http://127.0.0.1:9/alb-keys';
const idpKey = rsaKey();

function config(extra = ''): SimConfig {
  const yaml = `version: 1
defaults: { region: us-east-1, clockSkewSeconds: 0 }
api: { region: us-east-1, accountId: "123456789012", apiId: a1b2c3d4e5, stage: prod }
authorizers:
  pool:
    type: jwt
    issuer: ${IDP}
    audience: [${CLIENT_ID}]
    jwks: ${JWKS}
  web:
    type: alb
    albArn: ${ALB_ARN}
    clientId: ${CLIENT_ID}
    issuer: ${IDP}
    jwks: ${JWKS}
    onUnauthenticatedRequest: deny
  bare:
    type: alb
    albArn: ${ALB_ARN}
    onUnauthenticatedRequest: deny
${extra}routes:
  - { route: GET /api/items, apiKind: http, authorizer: pool }
  - { route: GET /app/*, authorizer: web, rbac: { claims: { email: alice@example.com } } }
  - { route: GET /bare/*, authorizer: bare }
`;
  const loaded = loadConfig('authdebug.yaml', yaml);
  assert.ok(loaded.ok, loaded.ok ? '' : loaded.errors.join('\n'));
  return loaded.config;
}

/** Keys from memory: the IdP's JWKS for its URL, nothing else (a lookup elsewhere is a failed fetch). */
function memoryKeys(): KeyProvider & { lookups: string[] } {
  const lookups: string[] = [];
  const set = parseJwks({ keys: [idpKey.jwk] }, JWKS);
  assert.ok(set.ok);
  return {
    lookups,
    jwks: (url) => {
      lookups.push(url);
      return Promise.resolve(url === JWKS ? set : fail('network', `unexpected key URL ${url}`));
    },
    albKey: (base, kid) => {
      lookups.push(`${base}/${kid}`);
      return Promise.resolve(fail('network', 'unexpected ALB key lookup'));
    },
    peekJwks: () => undefined,
    peekAlbKey: () => undefined,
    clear: () => undefined,
  };
}

function context(): GatewayContext & { keys: ReturnType<typeof memoryKeys> } {
  const signer = createAlbDataSigner();
  const keys = memoryKeys();
  return {
    config: prepareGatewayConfig(config(), BASE),
    deps: { keys: withGatewayAlbKey(keys, BASE, signer) },
    signer,
    keys,
  };
}

function idToken(overrides: Record<string, unknown> = {}): string {
  return signToken({ alg: 'RS256', kid: idpKey.kid }, idClaims(overrides, IDP), idpKey.privateKey);
}

function request(target: string, headers: HeaderField[]): Parameters<typeof decideGatewayRequest>[0] {
  return {
    method: 'GET',
    target,
    headers: [['host', '127.0.0.1:8787'], ...headers],
    remoteAddress: '127.0.0.1',
  };
}

function header(fields: readonly HeaderField[], name: string): string | undefined {
  return fields.find(([n]) => n === name)?.[1];
}

describe('ALB session lookup', () => {
  test('the whole cookie, then shards -0.. in order (a gap ends them), then Bearer; none otherwise', () => {
    assert.deepEqual(findAlbSession([['cookie', 'a=1; AWSELBAuthSessionCookie=abc']]), {
      token: 'abc',
      from: 'cookie',
      shards: 1,
    });
    assert.deepEqual(
      findAlbSession([
        ['cookie', 'AWSELBAuthSessionCookie-1=def; AWSELBAuthSessionCookie-0=abc'],
        ['cookie', 'AWSELBAuthSessionCookie-3=zzz'],
        ['authorization', 'Bearer other'],
      ]),
      { token: 'abcdef', from: 'cookie', shards: 2 },
    );
    assert.deepEqual(findAlbSession([['authorization', 'bearer  t.o.k ']]), {
      token: 't.o.k',
      from: 'authorization',
      shards: 1,
    });
    assert.equal(findAlbSession([['authorization', 'Basic dXNlcg==']]), undefined);
    assert.equal(findAlbSession([['cookie', 'AWSELBAuthSessionCookie-1=only-the-second']]), undefined);
  });
});

describe('x-amzn-oidc-data as the ALB signs it', () => {
  test("userinfo claims: no token mechanics or groups, Cognito's username and string booleans", () => {
    const claims = userinfoClaims(
      {
        ...idClaims({}, 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123'),
        __proto__: 'x',
      },
      'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123',
      NOW + 60,
    );
    assert.equal(claims.username, 'alice');
    assert.equal(claims.email_verified, 'true');
    assert.equal(claims.exp, NOW + 60);
    for (const gone of ['aud', 'cognito:groups', 'token_use', 'jti', 'iat', 'cognito:username'])
      assert.equal(Object.hasOwn(claims, gone), false, gone);
  });

  test('the signed blob is padded and verifies with the core verifier through the gateway key provider', async () => {
    const signer = createAlbDataSigner();
    const blob = signer.sign(
      {
        typ: 'JWT',
        kid: signer.kid,
        alg: 'ES256',
        iss: IDP,
        client: CLIENT_ID,
        signer: ALB_ARN,
        exp: NOW + 60,
      },
      { sub: 'u1', exp: NOW + 60, iss: IDP },
    );
    for (const segment of blob.split('.')) assert.equal(segment.length % 4, 0, segment);
    const keys = withGatewayAlbKey(memoryKeys(), BASE, signer);
    const report = await inspectToken(
      blob,
      {
        now: NOW,
        keySource: { type: 'alb', baseUrl: BASE },
        albArn: ALB_ARN,
        clientId: CLIENT_ID,
        algorithms: ['ES256'],
      },
      { keys },
    );
    assert.equal(report.valid, true, JSON.stringify(report.checks.filter((c) => c.status === 'fail')));
    // Another kid at the gateway's base is not served; another base goes to the real store.
    assert.equal((await keys.albKey(BASE, '00000000-0000-4000-8000-000000000000')).ok, false);
    const tampered = `${blob.slice(0, -6)}AAAA==`;
    const bad = await inspectToken(
      tampered,
      { now: NOW, keySource: { type: 'alb', baseUrl: BASE }, albArn: ALB_ARN, algorithms: ['ES256'] },
      { keys },
    );
    assert.equal(bad.valid, false);
  });
});

describe('headers', () => {
  test('hop-by-hop headers and the ones Connection names are dropped; X-Forwarded-For is appended', () => {
    const fields = fieldsFromRaw([
      'Connection',
      'close, X-Secret',
      'X-Secret',
      's',
      'Transfer-Encoding',
      'chunked',
      'X-Forwarded-For',
      '203.0.113.9',
      'Accept',
      '*/*',
    ]);
    const kept = withoutHopByHop(fields);
    assert.deepEqual(kept, [
      ['x-forwarded-for', '203.0.113.9'],
      ['accept', '*/*'],
    ]);
    assert.equal(header(forwardedFor(kept, '127.0.0.1', 8787), 'x-forwarded-for'), '203.0.113.9, 127.0.0.1');
  });

  test('wire headers: REST adds content-type and x-amzn-RequestId, HTTP APIs apigw-requestid, the ALB server', () => {
    const rest = wireHeaders('rest', upstreamFailure('rest', 'timeout'), 'id-1');
    assert.deepEqual(rest, [
      ['content-type', 'application/json'],
      ['x-amzn-RequestId', 'id-1'],
    ]);
    assert.equal(header(wireHeaders('http', requestTooLarge('http'), 'id-2'), 'apigw-requestid'), 'id-2');
    assert.equal(
      header(wireHeaders('alb', upstreamFailure('alb', 'unreachable'), 'x'), 'server'),
      'awselb/2.0',
    );
    assert.equal(upstreamFailure('http', 'timeout').status, 503);
  });
});

describe('Lambda proxy responses', () => {
  test('the Invoke path encodes the function name', () => {
    assert.equal(invokePath('my fn'), '/2015-03-31/functions/my%20fn/invocations');
  });

  test('statusCode, headers (multi-value ones win), cookies (2.0) and base64 bodies', () => {
    const mapped = mapLambdaResponse('http-2.0', {
      status: 200,
      functionError: undefined,
      body: JSON.stringify({
        statusCode: '202',
        headers: { 'x-a': '1', 'x-m': 'single' },
        multiValueHeaders: { 'X-M': ['m1', 'm2'] },
        cookies: ['c=1'],
        body: Buffer.from('hi').toString('base64'),
        isBase64Encoded: true,
      }),
    });
    assert.equal(mapped.status, 202);
    assert.deepEqual(mapped.headers, [
      ['x-a', '1'],
      ['X-M', 'm1'],
      ['X-M', 'm2'],
      ['set-cookie', 'c=1'],
    ]);
    assert.equal(mapped.body.toString(), 'hi');
  });

  test('payload 2.0 without statusCode is 200 JSON; REST needs a statusCode (502)', () => {
    const bare = { status: 200, functionError: undefined, body: '{"hello":"world"}' };
    const http = mapLambdaResponse('http-2.0', bare);
    assert.equal(http.status, 200);
    assert.equal(http.body.toString(), '{"hello":"world"}');
    const rest = mapLambdaResponse('rest-proxy', bare);
    assert.equal(rest.status, 502);
    assert.equal(rest.body.toString(), '{"message":"Internal server error"}');
    assert.match(rest.problem ?? '', /no statusCode/);
  });

  test('a deeply nested function response is mapped, not a thrown RangeError', () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const bare = mapLambdaResponse('http-2.0', { status: 200, functionError: undefined, body: deep });
    assert.equal(bare.status, 200);
    assert.equal(bare.body.length, deep.length);
    const badStatus = mapLambdaResponse('rest-proxy', {
      status: 200,
      functionError: undefined,
      body: `{"statusCode":${deep}}`,
    });
    assert.equal(badStatus.status, 502);
    assert.match(badStatus.problem ?? '', /statusCode/);
  });

  test('a function error or an Invoke failure is the integration error of each front door', () => {
    const thrown = { status: 200, functionError: 'Unhandled', body: '{"errorMessage":"x"}' };
    assert.equal(mapLambdaResponse('rest-proxy', thrown).status, 502);
    assert.equal(mapLambdaResponse('http-1.0', thrown).status, 500);
    assert.equal(mapLambdaResponse('alb-target', thrown).status, 502);
    assert.equal(
      mapLambdaResponse('alb-target', { status: 404, functionError: undefined, body: '' }).status,
      502,
    );
    assert.equal(
      mapLambdaResponse('rest-proxy', { status: 200, functionError: undefined, body: '{"statusCode":99}' })
        .status,
      502,
    );
  });
});

describe('whole decisions', () => {
  test('ALB: a valid session is forwarded with a gateway-signed blob; spoofed headers are gone', async () => {
    const ctx = context();
    const decision = await decideGatewayRequest(
      request('/app/home', [
        ['authorization', `Bearer ${idToken()}`],
        ['x-amzn-oidc-identity', 'admin'],
        ['x-amzn-oidc-data', 'forged'],
      ]),
      ctx,
      NOW,
    );
    assert.equal(decision.action, 'forward', JSON.stringify(decision.result.trace, null, 1));
    if (decision.action !== 'forward') return;
    assert.equal(
      decision.backendDecides,
      undefined,
      'the email RBAC rule holds: userinfo claims carry email',
    );
    const blob = header(decision.headers, 'x-amzn-oidc-data') ?? '';
    assert.notEqual(blob, 'forged');
    assert.equal(header(decision.headers, 'x-amzn-oidc-identity'), idClaims().sub);
    assert.equal(header(decision.headers, 'x-amzn-oidc-accesstoken'), undefined);
    assert.equal(decision.headers.filter(([n]) => n.startsWith('x-amzn-oidc-')).length, 2);
    assert.deepEqual(decision.session, { from: 'authorization', valid: true });
    // The IdP's keys were fetched through the key layer; the gateway's own key never left memory.
    assert.deepEqual(ctx.keys.lookups, [JWKS]);
  });

  test('ALB: an expired session redirects even with onUnauthenticatedRequest deny (as the ALB does)', async () => {
    const decision = await decideGatewayRequest(
      request('/app/home', [['cookie', `AWSELBAuthSessionCookie-0=${idToken({ exp: NOW - 10 })}`]]),
      context(),
      NOW,
    );
    assert.equal(decision.action, 'respond');
    if (decision.action !== 'respond') return;
    assert.equal(decision.reply.status, 302);
    assert.deepEqual(decision.session, { from: 'cookie', valid: false, failed: 'exp' });
  });

  test('ALB: an access token, a foreign signature or an authorizer without an IdP is no session (401 deny)', async () => {
    const access = signToken({ alg: 'RS256', kid: idpKey.kid }, accessClaims({}, IDP), idpKey.privateKey);
    const other = rsaKey();
    const foreign = signToken({ alg: 'RS256', kid: idpKey.kid }, idClaims({}, IDP), other.privateKey);
    for (const [target, token, failed] of [
      ['/app/a', access, 'token_use'],
      ['/app/b', foreign, 'signature'],
      ['/bare/c', idToken(), 'iss'],
    ] as const) {
      const decision = await decideGatewayRequest(
        request(target, [['authorization', `Bearer ${token}`]]),
        context(),
        NOW,
      );
      assert.equal(decision.action, 'respond', target);
      if (decision.action !== 'respond') continue;
      assert.equal(decision.reply.status, 401, target);
      assert.equal(decision.session?.failed, failed, target);
      assert.ok(
        !JSON.stringify(logEntry(request(target, []), decision, 401)).includes(token),
        'token in the log',
      );
    }
    assert.deepEqual(albAuthorizersWithoutIdp(config()), ['bare']);
  });

  test("API Gateway: the simulator's reply, and the query string never in the log entry", async () => {
    const decision = await decideGatewayRequest(
      request('/api/items?access_token=secret', []),
      context(),
      NOW,
    );
    assert.equal(decision.action, 'respond');
    const entry = logEntry(request('/api/items?access_token=secret', []), decision, 401);
    assert.equal(entry.path, '/api/items');
    assert.equal(entry.status, 401);
    assert.equal(entry.decision, 'deny');
  });

  test('a token in the path itself is redacted in the log entry', async () => {
    const token = idToken();
    const target = `/api/callback/${token}`;
    const decision = await decideGatewayRequest(request(target, []), context(), NOW);
    const entry = logEntry(request(target, []), decision, decision.result.status);
    assert.ok(!entry.path.includes(token), `token in the logged path: ${entry.path.slice(0, 80)}`);
    assert.ok(entry.path.startsWith('/api/callback/eyJ') && entry.path.endsWith('.<redacted>'), entry.path);
  });
});

describe('CORS through the gateway', () => {
  const yaml = `version: 1
api: { region: us-east-1, accountId: "123456789012", apiId: a1b2c3d4e5, stage: prod, kind: http,
  cors: { allowOrigins: ["https://app.example.com"], allowMethods: [GET], allowHeaders: [authorization] } }
authorizers:
  pool: { type: jwt, issuer: ${IDP}, audience: [${CLIENT_ID}], jwks: ${JWKS} }
routes:
  - { route: GET /api/items, authorizer: pool }
`;
  function corsContext(): GatewayContext {
    const loaded = loadConfig('authdebug.yaml', yaml);
    assert.ok(loaded.ok, loaded.ok ? '' : loaded.errors.join('\n'));
    const signer = createAlbDataSigner();
    return { config: loaded.config, deps: { keys: memoryKeys() }, signer };
  }
  const origin: HeaderField = ['origin', 'https://app.example.com'];

  test("an HTTP API's CorsConfiguration answers the preflight itself: never forwarded", async () => {
    const decision = await decideGatewayRequest(
      {
        method: 'OPTIONS',
        target: '/api/items',
        headers: [
          origin,
          ['access-control-request-method', 'GET'],
          ['access-control-request-headers', 'authorization'],
        ],
      },
      corsContext(),
      NOW,
    );
    assert.equal(decision.action, 'respond', JSON.stringify(decision.result.trace, null, 1));
    if (decision.action !== 'respond') return;
    assert.equal(
      decision.reply.headers['access-control-allow-origin'] ??
        decision.reply.headers['Access-Control-Allow-Origin'],
      'https://app.example.com',
    );
  });

  test('an allowed cross-origin request is forwarded with the headers the API adds to the response', async () => {
    const token = signToken(
      { alg: 'RS256', kid: idpKey.kid },
      accessClaims({ client_id: CLIENT_ID }, IDP),
      idpKey.privateKey,
    );
    const decision = await decideGatewayRequest(
      { method: 'GET', target: '/api/items', headers: [origin, ['authorization', `Bearer ${token}`]] },
      corsContext(),
      NOW,
    );
    assert.equal(decision.action, 'forward', JSON.stringify(decision.result.trace, null, 1));
    if (decision.action !== 'forward') return;
    const added = decision.responseHeaders.find(([n]) => n.toLowerCase() === 'access-control-allow-origin');
    assert.equal(added?.[1], 'https://app.example.com');
  });
});

describe('alb authorizer schema', () => {
  test('issuer and jwks: a non-Cognito issuer needs jwks; jwks needs an issuer', () => {
    const base = `version: 1
api: { region: us-east-1, accountId: "123456789012", apiId: a1b2c3d4e5, stage: prod }
authorizers:
  web:
    type: alb
    albArn: ${ALB_ARN}
`;
    const route = 'routes:\n  - { route: GET /app/*, authorizer: web }\n';
    const noJwks = loadConfig('a.yaml', `${base}    issuer: ${IDP}\n${route}`);
    assert.equal(noJwks.ok, false);
    assert.match(noJwks.ok ? '' : noJwks.errors.join('\n'), /authorizers\.web\.jwks is required/);
    const noIssuer = loadConfig('a.yaml', `${base}    jwks: ${JWKS}\n${route}`);
    assert.match(noIssuer.ok ? '' : noIssuer.errors.join('\n'), /issuer is required/);
    const cognito = loadConfig(
      'a.yaml',
      `${base}    issuer: https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123\n${route}`,
    );
    assert.ok(cognito.ok, cognito.ok ? '' : cognito.errors.join('\n'));
    assert.equal(
      cognito.config.authorizers.web?.issuer,
      'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123',
    );
  });
});
