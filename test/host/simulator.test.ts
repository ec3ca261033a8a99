// The Authorizer Simulator's host side: workspace discovery, the file watcher, and decisions from the core.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { SimulateRequest, SimulatorForm } from '../../src/shared/protocol.ts';
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

suite('Simulator keeps what the user did (issue 12)', () => {
  test('the deny card leads with the reason and what would make it pass', async () => {
    const rbac = await simulate('GET /reports');
    assert.equal(rbac.decision, 'deny');
    assert.match(rbac.reason, /missing group finance/);
    assert.match(rbac.fix ?? '', /^the route requires group finance; the token has /);
    const allowed = await simulate('GET /orders/1');
    assert.equal(allowed.fix, undefined);
    assert.equal(allowed.fullEvent, true, 'an allow can copy the full backend event');
  });

  test('form, result and history survive hiding and showing the view, in host memory only', async () => {
    const api = await extensionApi();
    await vscode.commands.executeCommand('authDebugger.simulator.focus');
    await eventually(
      () => Promise.resolve(api.simulatorState().readyCount > 0 ? true : undefined),
      'the simulator view to say ready',
      20_000,
    );
    const id = await configId();
    const state = await api.simulatorConfig();
    const route = state.routes.find((r) => r.configId === id && r.route === 'GET /reports');
    assert.ok(route, 'GET /reports in the pickers');
    const form: SimulatorForm = {
      token: config.tokens.id,
      configId: id,
      routeId: route.id,
      request: 'GET /reports',
      authorizer: '',
      addGroups: 'finance',
      addScopes: '',
      setClaims: '',
    };
    // The same messages the view sends: its form, then Simulate (validated by the same parser).
    await api.simulatorMessage({ type: 'form', form });
    await api.simulatorMessage({
      type: 'simulate',
      request: {
        token: form.token,
        configId: id,
        request: form.request,
        whatIf: { addGroups: ['finance'], addScopes: [], setClaims: [] },
      },
    });
    const before = api.simulatorState();
    assert.equal(before.result?.decision, 'allow', JSON.stringify(before.result?.trace));
    const newest = before.history[0];
    assert.ok(newest, 'the simulation is in the history');
    assert.equal(newest.request, 'GET /reports');
    const signature = config.tokens.id.split('.')[2] ?? '';
    assert.ok(
      signature.length > 0 && !newest.tokenRedacted.includes(signature),
      'history shows no signature',
    );

    // Another view container hides the simulator (its webview is destroyed); focusing it loads it again.
    const readyBefore = before.readyCount;
    await vscode.commands.executeCommand('workbench.view.explorer');
    await vscode.commands.executeCommand('authDebugger.simulator.focus');
    const after = await eventually(
      () => {
        const current = api.simulatorState();
        return Promise.resolve(current.readyCount > readyBefore ? current : undefined);
      },
      'the simulator view to reload and say ready',
      20_000,
    );
    assert.deepEqual(after.lastRestore?.form, form, 'the form (token, choices, what-if) is restored');
    assert.equal(after.lastRestore?.result?.decision, 'allow');
    assert.equal(after.lastRestore?.result?.reason, before.result?.reason);
    assert.equal(after.history[0]?.id, newest.id, 'the history is kept');

    // Picking a history entry makes it the current form and result again.
    await api.simulatorMessage({ type: 'pickHistory', id: newest.id });
    assert.deepEqual(api.simulatorState().form, form);
  });

  test('the history holds the last 10 simulations only', async () => {
    const api = await extensionApi();
    const id = await configId();
    for (let i = 0; i < 12; i++) {
      await api.simulatorMessage({
        type: 'simulate',
        request: { token: config.tokens.id, configId: id, request: `GET /orders/${i}` },
      });
    }
    const history = api.simulatorState().history;
    assert.equal(history.length, 10);
    assert.equal(history[0]?.request, 'GET /orders/11');
    assert.equal(history[9]?.request, 'GET /orders/2');
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
