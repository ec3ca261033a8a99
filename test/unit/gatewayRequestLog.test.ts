// The local gateway's VS Code side, pure parts: the target and port the user gives, and the request log behind
// the Gateway Requests tree (newest first, capped, tokens never in a row, the held headers reopening a request
// as a simulation that reproduces the gateway's decision). The gateway itself runs for real on loopback.
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { startGateway } from '../../src/cli/gatewayServer.ts';
import type { SimConfig } from '../../src/core/config/model.ts';
import type { GatewayLogEntry, GatewayRequest } from '../../src/core/gateway/decide.ts';
import { loadConfig } from '../../src/core/iac/loadConfig.ts';
import { parseJwks } from '../../src/core/keys/jwks.ts';
import { fail } from '../../src/core/keys/keyErrors.ts';
import type { KeyProvider } from '../../src/core/keys/types.ts';
import { simulate } from '../../src/core/simulate/simulate.ts';
import {
  DEFAULT_GATEWAY_PORT,
  GatewayRequestLog,
  MAX_GATEWAY_ROWS,
  MAX_KEPT_HEADER_BYTES,
  describeTarget,
  gatewayPort,
  gatewayVerdict,
  isLambdaTarget,
  parseGatewayTarget,
  rowDescription,
  rowLabel,
  rowTooltip,
} from '../../src/vscode/gatewayRequestLog.ts';
import { CLIENT_ID, idClaims, rsaKey, signToken } from '../support/tokens.ts';

const IDP = 'https://idp.example.com';
const JWKS = 'https://idp.example.com/jwks.json';
const idpKey = rsaKey();

function entry(overrides: Partial<GatewayLogEntry> = {}): GatewayLogEntry {
  return {
    method: 'GET',
    path: '/orders/1',
    decision: 'deny',
    status: 401,
    decidedBy: 'token',
    reason: 'the token has expired',
    route: 'GET /orders/{id}',
    forwarded: false,
    ...overrides,
  };
}

function request(headers: [string, string][], target = '/orders/1'): GatewayRequest {
  return { method: 'GET', target, headers, remoteAddress: '127.0.0.1' };
}

void describe('gateway target and port', () => {
  test('an http(s) URL is an HTTP target; lambda:URL is the Invoke API with its function', () => {
    const http1 = parseGatewayTarget(' http://127.0.0.1:3000/prefix ');
    assert.ok(http1.ok);
    assert.equal(http1.target.kind, 'http');
    assert.equal(http1.target.url.toString(), 'http://127.0.0.1:3000/prefix');
    const lambda = parseGatewayTarget('lambda:http://127.0.0.1:3001', ' OrdersFunction ');
    assert.ok(lambda.ok);
    assert.equal(lambda.target.kind, 'lambda');
    assert.equal(lambda.target.kind === 'lambda' ? lambda.target.functionName : '', 'OrdersFunction');
    assert.equal(
      describeTarget(lambda.target),
      'Lambda OrdersFunction via the Invoke API at http://127.0.0.1:3001',
    );
    assert.equal(isLambdaTarget('lambda:http://x'), true);
    assert.equal(isLambdaTarget('http://x'), false);
  });

  test('anything else is refused with a reason, never thrown', () => {
    for (const bad of [
      '',
      'ftp://127.0.0.1/',
      'not a url',
      'http://127.0.0.1:3000/?q=1',
      'http://h/#f',
      'lambda:',
      'lambda:file:///x',
    ]) {
      const parsed = parseGatewayTarget(bad);
      assert.equal(parsed.ok, false, bad);
      assert.ok(!parsed.ok && parsed.message.length > 0);
    }
  });

  test('the port setting: an integer 0..65535, else the default', () => {
    assert.equal(gatewayPort(0), 0);
    assert.equal(gatewayPort(9000), 9000);
    for (const bad of [-1, 65536, 80.5, '8080', undefined, null, Number.NaN])
      assert.equal(gatewayPort(bad), DEFAULT_GATEWAY_PORT, String(bad));
  });
});

void describe('gateway request log', () => {
  test('newest first, capped: the oldest rows and their held headers go first', () => {
    const log = new GatewayRequestLog();
    const total = MAX_GATEWAY_ROWS + 50;
    for (let i = 0; i < total; i++)
      log.add(
        entry({ path: `/orders/${i}` }),
        request([['authorization', `Bearer t${i}`]], `/orders/${i}`),
        i,
      );
    assert.equal(log.size, MAX_GATEWAY_ROWS);
    assert.equal(log.heldCount, MAX_GATEWAY_ROWS);
    const rows = log.rows();
    assert.equal(rows[0]?.path, `/orders/${total - 1}`);
    assert.equal(rows.at(-1)?.path, `/orders/${total - MAX_GATEWAY_ROWS}`);
    // The first (evicted) row can no longer be opened; the newest can.
    assert.equal(log.simulatorArgument(1), undefined);
    assert.ok(log.simulatorArgument(rows[0]?.id ?? 0));
    log.clear();
    assert.equal(log.size, 0);
    assert.equal(log.heldCount, 0);
  });

  test('verdicts as the CLI names them, and rows never carry a token', () => {
    assert.equal(gatewayVerdict({ decision: 'allow', forwarded: true }), 'ALLOW');
    assert.equal(gatewayVerdict({ decision: 'deny', forwarded: true }), 'FORWARDED');
    assert.equal(gatewayVerdict({ decision: 'deny', forwarded: false }), 'DENY');
    const token = signToken({ kid: idpKey.kid, alg: 'RS256' }, idClaims({}, IDP), idpKey.privateKey);
    const signature = token.split('.')[2] ?? '';
    const log = new GatewayRequestLog();
    log.useConfig('config-1');
    // A token in the path (and in a reason) is shown redacted; the query never reaches a row.
    const row = log.add(
      entry({ path: `/t/${token}`, reason: `refused ${token}`, problem: 'the target failed: ECONNREFUSED' }),
      request([['authorization', `Bearer ${token}`]], `/t/${token}?access_token=${token}`),
      Date.UTC(2026, 0, 1),
    );
    const shown = [rowLabel(row), rowDescription(row), rowTooltip(row)].join('\n');
    assert.ok(!shown.includes(signature), shown);
    assert.match(shown, /<redacted>/);
    assert.match(rowDescription(row), /^DENY 401 · token ⚠$/);
    assert.match(rowTooltip(row), /Target: the target failed: ECONNREFUSED/);
    // What the tree and the test API hold has no signature either; only the held headers do.
    assert.ok(!JSON.stringify(log.rows()).includes(signature));
    const argument = log.simulatorArgument(row.id);
    assert.ok(argument);
    assert.equal(argument.configId, 'config-1');
    assert.equal(argument.method, 'GET');
    assert.ok(argument.path.includes('?access_token='), 'the held target keeps its query');
    assert.equal(argument.token, `authorization: Bearer ${token}`);
  });

  test('hop-by-hop headers and the gateway access-token header are not held; oversized headers are not held at all', () => {
    const log = new GatewayRequestLog();
    const row = log.add(
      entry(),
      request([
        ['host', '127.0.0.1:8787'],
        ['connection', 'keep-alive, x-private'],
        ['x-private', 'hop'],
        ['x-authdbg-access-token', 'secret'],
        ['authorization', 'Bearer abc'],
      ]),
      0,
    );
    assert.deepEqual(log.simulatorArgument(row.id)?.headers, [
      { name: 'host', value: '127.0.0.1:8787' },
      { name: 'authorization', value: 'Bearer abc' },
    ]);
    const big = log.add(entry(), request([['cookie', 'x'.repeat(MAX_KEPT_HEADER_BYTES)]]), 0);
    assert.equal(big.openable, false);
    assert.equal(log.simulatorArgument(big.id), undefined);
    assert.match(rowTooltip(big), /cannot be reopened/);
  });
});

function jwtConfig(): SimConfig {
  const yaml = `version: 1
defaults: { region: us-east-1, clockSkewSeconds: 0 }
api: { region: us-east-1, accountId: "123456789012", apiId: a1b2c3d4e5, stage: prod }
authorizers:
  pool:
    type: jwt
    issuer: ${IDP}
    audience: [${CLIENT_ID}]
    jwks: ${JWKS}
routes:
  - route: GET /api/items/{id}
    apiKind: http
    authorizer: pool
`;
  const loaded = loadConfig('authdebug.yaml', yaml);
  assert.ok(loaded.ok, loaded.ok ? '' : loaded.errors.join('\n'));
  return loaded.config;
}

function memoryKeys(): KeyProvider {
  const set = parseJwks({ keys: [idpKey.jwk] }, JWKS);
  assert.ok(set.ok);
  return {
    jwks: (url) => Promise.resolve(url === JWKS ? set : fail('network', `unexpected key URL ${url}`)),
    albKey: () => Promise.resolve(fail('network', 'unexpected ALB key lookup')),
    peekJwks: () => undefined,
    peekAlbKey: () => undefined,
    clear: () => undefined,
  };
}

void describe('gateway request log fed by a running gateway', () => {
  test('each request becomes a row, and its held headers simulate to the same decision', async () => {
    const config = jwtConfig();
    const keys = memoryKeys();
    const seen: string[] = [];
    const target = http.createServer((req, res) => {
      seen.push(`${req.method ?? ''} ${req.url ?? ''}`);
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    const targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
    const log = new GatewayRequestLog();
    let rowsAdded = 0;
    const gateway = await startGateway(
      {
        config,
        target: { kind: 'http', url: new URL(targetUrl) },
        port: 0,
        host: '127.0.0.1',
        onRequest: (logged, received) => {
          log.add(logged, received, Date.now());
          rowsAdded++;
        },
      },
      { keys, nowMs: () => Date.now() },
    );
    try {
      const now = Math.floor(Date.now() / 1000);
      const token = signToken(
        { kid: idpKey.kid, alg: 'RS256' },
        idClaims({ auth_time: now - 60, iat: now - 60, exp: now + 3600 }, IDP),
        idpKey.privateKey,
      );
      const allowed = await fetch(`${gateway.url}/api/items/7?x=1`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(allowed.status, 200);
      await allowed.text();
      const denied = await fetch(`${gateway.url}/api/items/8`);
      assert.equal(denied.status, 401);
      await denied.text();
      // The callback runs after the client got its answer: wait for it (generous bound).
      const deadline = Date.now() + 5000;
      while (rowsAdded < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      const rows = log.rows();
      assert.deepEqual(
        rows.map((r) => `${r.method} ${r.path} ${r.verdict} ${r.status}`),
        ['GET /api/items/8 DENY 401', 'GET /api/items/7 ALLOW 200'],
      );
      assert.deepEqual(seen, ['GET /api/items/7?x=1']);
      assert.ok(!JSON.stringify(rows).includes(token.split('.')[2] ?? '-'), 'no signature in the rows');

      // Reopened as a simulation: the held header block on the held request line decides as the gateway did.
      for (const row of rows) {
        const argument = log.simulatorArgument(row.id);
        assert.ok(argument, `row ${row.path} is openable`);
        const result = await simulate(
          { config, route: `${argument.method} ${argument.path}`, token: argument.token },
          { now: Date.now() / 1000 },
          { keys },
        );
        assert.equal(result.decision, row.decision, `${row.path}: ${JSON.stringify(result.trace.at(-1))}`);
        assert.equal(result.decidedBy, row.decidedBy, row.path);
      }
    } finally {
      await gateway.close();
      await new Promise<void>((resolve) => {
        target.close(() => resolve());
        target.closeAllConnections();
      });
    }
  });
});
