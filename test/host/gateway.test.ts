// The local gateway in the real extension host (issue 14): started by its command on loopback with a stub target
// (a node:http server in this test), real requests through it, each one a row in the Gateway Requests log (no
// token in a row), a row reopened as a full simulation in the Simulator, and Stop closing the port.
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import type { GatewayRequestRow } from '../../src/vscode/gatewayRequestLog.ts';
import { eventually, extensionApi, testConfig } from './helpers.ts';

const config = testConfig();

async function configId(): Promise<string> {
  const state = await (await extensionApi()).simulatorConfig();
  const entry = state.configs.find((c) => c.label === 'authdebug.yaml');
  assert.ok(entry, `authdebug.yaml not found among ${state.configs.map((c) => c.label).join(', ')}`);
  return entry.id;
}

function listen(server: http.Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

suite('Local gateway', () => {
  /** What the stub target received, "METHOD /path?query" and whether it carried the token. */
  const seen: { line: string; authorization: string | undefined }[] = [];
  const target = http.createServer((req, res) => {
    seen.push({ line: `${req.method ?? ''} ${req.url ?? ''}`, authorization: req.headers.authorization });
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json', 'x-stub-target': 'yes' }).end('{"ok":true}');
  });
  let targetUrl = '';
  let gatewayUrl = '';
  let rows: GatewayRequestRow[] = [];

  suiteSetup(async () => {
    targetUrl = `http://127.0.0.1:${await listen(target)}`;
  });

  suiteTeardown(async () => {
    // Whatever a failed test left running.
    await vscode.commands.executeCommand('authDebugger.stopGateway');
    await close(target);
  });

  test('Start Local Gateway listens on loopback and lists each request with its decision', async () => {
    const api = await extensionApi();
    await vscode.commands.executeCommand('authDebugger.clearGatewayRequests');
    const started = await vscode.commands.executeCommand<{ url: string } | undefined>(
      'authDebugger.startGateway',
      { configId: await configId(), target: targetUrl, port: 0 },
    );
    assert.ok(started, 'the gateway did not start (see the Auth Debugger output)');
    assert.match(started.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    gatewayUrl = started.url;

    // GET /orders/{id} (Cognito pool, RBAC admin): the fixture's ID token is allowed and forwarded.
    const allowed = await fetch(`${gatewayUrl}/orders/1?expand=items`, {
      headers: { authorization: `Bearer ${config.tokens.id}` },
    });
    assert.equal(allowed.status, 200, await allowed.clone().text());
    assert.equal(allowed.headers.get('x-stub-target'), 'yes');
    assert.deepEqual(await allowed.json(), { ok: true });
    // No token: API Gateway's 401, and the target never sees the request.
    const denied = await fetch(`${gatewayUrl}/orders/2`);
    assert.equal(denied.status, 401);
    await denied.text();

    rows = await eventually(async () => {
      const list = api.gatewayRequests();
      return Promise.resolve(list.length >= 2 ? list : undefined);
    }, 'two rows in the Gateway Requests log');
    assert.deepEqual(
      rows.map((row) => `${row.method} ${row.path} ${row.verdict} ${row.status}`),
      ['GET /orders/2 DENY 401', 'GET /orders/1 ALLOW 200'],
    );
    assert.notEqual(rows[0]?.decidedBy, 'route', 'the 401 is the authorizer, not a missing route');
    assert.equal(rows[1]?.route, 'GET /orders/{id}');
    assert.deepEqual(seen, [
      { line: 'GET /orders/1?expand=items', authorization: `Bearer ${config.tokens.id}` },
    ]);
    const signature = config.tokens.id.split('.')[2] ?? '';
    assert.ok(signature.length > 20);
    assert.ok(!JSON.stringify(rows).includes(signature), 'a row holds the token');
  });

  test('a row opens as a full simulation in the Simulator, reproducing the decision', async () => {
    const api = await extensionApi();
    const row = rows.find((r) => r.path === '/orders/1');
    assert.ok(row, 'the allowed row from the previous test');
    assert.equal(row.openable, true);
    await vscode.commands.executeCommand('authDebugger.gatewayOpenRequest', row.id);
    const form = await eventually(
      () => Promise.resolve(api.simulatorState().form),
      'the Simulator form to take the request',
    );
    assert.equal(form.request, 'GET /orders/1?expand=items');
    // The token field holds the request's header block, the same headers the gateway simulated.
    assert.ok(form.token.includes(`authorization: Bearer ${config.tokens.id}`), 'the header block');
    const result = await api.simulate({
      token: form.token,
      configId: await configId(),
      request: form.request,
      authorizer: undefined,
      whatIf: undefined,
    });
    if ('failed' in result) throw new Error(result.failed);
    assert.equal(result.decision, 'allow', JSON.stringify(result.trace));
    assert.equal(result.status, 200);
  });

  test('Stop Local Gateway closes the port; the rows stay', async () => {
    const api = await extensionApi();
    assert.ok(gatewayUrl !== '', 'the gateway from the first test');
    const stopped = await vscode.commands.executeCommand<boolean>('authDebugger.stopGateway');
    assert.equal(stopped, true);
    await assert.rejects(fetch(`${gatewayUrl}/orders/1`), 'the gateway still answers after Stop');
    assert.equal(await vscode.commands.executeCommand<boolean>('authDebugger.stopGateway'), false);
    assert.equal(api.gatewayRequests().length, 2);
    assert.equal(seen.length, 1);
  });

  test('a taken port is refused with a message, nothing listens, no row is added', async () => {
    const api = await extensionApi();
    const blocker = http.createServer((_req, res) => res.end('blocker'));
    const port = await listen(blocker);
    try {
      const started = await vscode.commands.executeCommand<{ url: string } | undefined>(
        'authDebugger.startGateway',
        { configId: await configId(), target: targetUrl, port },
      );
      assert.equal(started, undefined);
      assert.equal(await vscode.commands.executeCommand<boolean>('authDebugger.stopGateway'), false);
      assert.equal(api.gatewayRequests().length, 2);
    } finally {
      await close(blocker);
    }
  });
});
