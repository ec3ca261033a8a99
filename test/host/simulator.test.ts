// The Authorizer Simulator's host side: workspace discovery, the file watcher, and decisions from the core.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { SimulateRequest } from '../../src/shared/protocol.ts';
import { eventually, extensionApi, keyServerCounts, testConfig, workspaceDir } from './helpers.ts';

const config = testConfig();

async function configId(): Promise<string> {
  const state = await (await extensionApi()).simulatorConfig();
  const entry = state.configs.find((c) => c.label === 'authdebug.yaml');
  assert.ok(entry, `authdebug.yaml not found among ${state.configs.map((c) => c.label).join(', ')}`);
  return entry.id;
}

async function simulate(request: string, extra: Partial<SimulateRequest> = {}) {
  const api = await extensionApi();
  const result = await api.simulate({
    token: config.tokens.id,
    configId: await configId(),
    request,
    authorizer: undefined,
    whatIf: undefined,
    ...extra,
  });
  if ('failed' in result) throw new Error(result.failed);
  return result;
}

suite('Authorizer Simulator', () => {
  test('routes and authorizers come from authdebug.yaml in the workspace', async () => {
    const state = await (await extensionApi()).simulatorConfig();
    assert.deepEqual(
      state.routes.filter((r) => r.configId.endsWith('authdebug.yaml')).map((r) => r.route),
      ['GET /orders/{id}', 'POST /orders', 'GET /reports'],
    );
    assert.ok(state.authorizers.some((a) => a.name === 'pool' && a.type === 'cognito'));
  });

  test('an ID token on GET /orders/1 is allowed, with the claims the backend receives', async () => {
    const result = await simulate('GET /orders/1');
    assert.equal(result.decision, 'allow', JSON.stringify(result.trace));
    assert.equal(result.status, 200);
    assert.ok(result.backendContext?.includes('alice'));
    assert.ok(result.trace.length > 0);
  });

  test('the scope trap and RBAC are explained', async () => {
    const scoped = await simulate('POST /orders');
    assert.equal(scoped.decision, 'deny');
    assert.equal(scoped.status, 401);
    const rbac = await simulate('GET /reports');
    assert.equal(rbac.decision, 'deny');
    assert.equal(rbac.status, 403);
    assert.ok(rbac.trace.some((step) => step.message.includes('finance')));
  });

  test('what-if: adding the group allows the request and says the claims were edited', async () => {
    const result = await simulate('GET /reports', {
      whatIf: { addGroups: ['finance'], addScopes: [], setClaims: [] },
    });
    assert.equal(result.decision, 'allow', JSON.stringify(result.trace));
    assert.equal(result.edited, true);
  });

  test('the pickers follow changes to the file', async () => {
    const file = join(workspaceDir(), 'authdebug.yaml');
    const original = readFileSync(file, 'utf8');
    try {
      writeFileSync(file, `${original}  - route: DELETE /orders/{id}\n    authorizer: pool\n`);
      await eventually(async () => {
        const state = await (await extensionApi()).simulatorConfig();
        return state.routes.some((r) => r.route === 'DELETE /orders/{id}');
      }, 'the new route in the pickers');
    } finally {
      writeFileSync(file, original);
    }
    await eventually(async () => {
      const state = await (await extensionApi()).simulatorConfig();
      return !state.routes.some((r) => r.route === 'DELETE /orders/{id}');
    }, 'the route to disappear again');
  });

  test('the key URL of the configuration was fetched from the loopback server', async () => {
    assert.ok((await keyServerCounts(config.keyServer)).jwks > 0);
  });
});

suite('Create Sample Config', () => {
  test('writes a sample authdebug.yaml that the simulator reads', async () => {
    const file = join(workspaceDir(), 'authdebug.yaml');
    const original = readFileSync(file, 'utf8');
    try {
      rmSync(file);
      await eventually(async () => {
        const state = await (await extensionApi()).simulatorConfig();
        return !state.configs.some((c) => c.label === 'authdebug.yaml');
      }, 'the deleted file to leave the pickers');
      await vscode.commands.executeCommand('authDebugger.createSampleConfig');
      assert.ok(existsSync(file), 'no authdebug.yaml was written');
      assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, file, 'the sample is not open');
      const state = await eventually(async () => {
        const current = await (await extensionApi()).simulatorConfig();
        return current.routes.some((r) => r.route === 'GET /reports/{proxy+}') ? current : undefined;
      }, 'the sample routes in the pickers');
      const sample = state.configs.find((c) => c.label === 'authdebug.yaml');
      assert.equal(sample?.error, undefined);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      writeFileSync(file, original);
    }
    await eventually(async () => {
      const state = await (await extensionApi()).simulatorConfig();
      return state.routes.some((r) => r.route === 'GET /reports');
    }, 'the fixture configuration to come back');
  });
});
