// Restricted Mode: decoding works, nothing is fetched, and the UI says why.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  checkStatus,
  columnOf,
  describeTabs,
  decodeLine,
  extensionApi,
  inspectorTabOpen,
  keyServerCounts,
  openFixture,
  ourHover,
  setSetting,
  testConfig,
} from './helpers.ts';

const config = testConfig();

suite('Restricted Mode', () => {
  suiteSetup(async () => {
    await extensionApi();
    // Even key URLs from user settings are not fetched while the workspace is untrusted.
    await setSetting('jwksUrls', { [config.issuer]: config.jwksUrl });
    await setSetting('albKeyUrl', config.albKeyUrl);
  });

  test('the workspace is not trusted and the extension is active', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  test('Decode Token decodes, fetches nothing, and says why', async () => {
    const state = await decodeLine('token.txt');
    assert.ok(await inspectorTabOpen(), `no Token Inspector tab among: ${describeTabs()}`);
    assert.equal(state.tokens[0]?.kind, 'cognito-id');
    assert.ok(state.tokens[0]?.claims.some((c) => c.name === 'cognito:username'));
    assert.equal(state.networkAllowed, false);
    assert.equal(state.trust.trusted, false);
    assert.match(state.trust.note ?? '', /Restricted Mode/);
    assert.notEqual(checkStatus(state, 'signature'), 'pass');
  });

  test('ALB blobs, Reload Keys and hovers fetch nothing either', async () => {
    const editor = await openFixture('alb.txt');
    editor.selection = new vscode.Selection(0, 0, 2, 0);
    await vscode.commands.executeCommand('authDebugger.decodeToken');
    await vscode.commands.executeCommand('authDebugger.reloadKeys');
    const hover = await ourHover(editor.document.uri, 0, columnOf(editor, 0, config.tokens.alb) + 5);
    assert.ok(hover?.includes('Restricted Mode'), hover);
    const counts = await keyServerCounts(config.keyServer);
    assert.deepEqual(counts, { jwks: 0, alb: 0 });
  });

  test('the simulator decides without fetching the key URL written in authdebug.yaml', async () => {
    const api = await extensionApi();
    const state = await api.simulatorConfig();
    const entry = state.configs.find((c) => c.label === 'authdebug.yaml');
    assert.ok(entry);
    const result = await api.simulate({
      token: config.tokens.id,
      configId: entry.id,
      request: 'GET /orders/1',
      authorizer: undefined,
      whatIf: undefined,
    });
    assert.ok(!('failed' in result));
    assert.equal(result.networkAllowed, false);
    assert.equal(result.decision, 'deny', 'without keys the signature cannot be verified');
    assert.ok(
      result.trace.some((step) => /Restricted Mode/.test(step.message)),
      JSON.stringify(result.trace),
    );
    assert.deepEqual(await keyServerCounts(config.keyServer), { jwks: 0, alb: 0 });
  });

  test('hover, Inspector and simulator say "not checked" in the same words, from the same skipped key check', async () => {
    const state = await decodeLine('token.txt');
    const inspectorKey = state.tokens[0]?.checks.find((c) => c.id === 'key');
    assert.equal(inspectorKey?.status, 'skip', 'a key that was not looked at is skipped, not failed');
    assert.equal(inspectorKey?.reason, 'not-cached');
    assert.match(inspectorKey?.message ?? '', /^not checked: .*nothing is fetched in Restricted Mode$/);

    const editor = await openFixture('token.txt');
    const hover = await ourHover(editor.document.uri, 0, columnOf(editor, 0, config.tokens.id) + 5);
    assert.ok(hover?.includes(`**Signature:** \` ${inspectorKey?.message ?? ''} \``), hover);
    // The first line is the verdict: not verified, and no background fetch in Restricted Mode (issue 12).
    const first = (hover?.split('\n')[0] ?? '').trim();
    assert.match(
      first,
      /^\*\*Not verified\*\*: .*keys are not cached; nothing is fetched in Restricted Mode$/,
    );

    const api = await extensionApi();
    const entry = (await api.simulatorConfig()).configs.find((c) => c.label === 'authdebug.yaml');
    assert.ok(entry);
    const result = await api.simulate({
      token: config.tokens.id,
      configId: entry.id,
      request: 'GET /orders/1',
      authorizer: undefined,
      whatIf: undefined,
    });
    assert.ok(!('failed' in result));
    const keyStep = result.trace.find((step) => step.step === 'token.key');
    assert.equal(keyStep?.status, 'skip', JSON.stringify(result.trace));
    assert.equal(keyStep?.message, inspectorKey?.message);
    assert.equal(result.decision, 'deny', 'never accepted without a verified signature');
    assert.deepEqual(await keyServerCounts(config.keyServer), { jwks: 0, alb: 0 });
  });

  test('the local gateway refuses to start in Restricted Mode: nothing listens, nothing is fetched', async () => {
    const api = await extensionApi();
    const entry = (await api.simulatorConfig()).configs.find((c) => c.label === 'authdebug.yaml');
    assert.ok(entry);
    const started = await vscode.commands.executeCommand<{ url: string } | undefined>(
      'authDebugger.startGateway',
      { configId: entry.id, target: 'http://127.0.0.1:9', port: 0 },
    );
    assert.equal(started, undefined);
    assert.equal(await vscode.commands.executeCommand<boolean>('authDebugger.stopGateway'), false);
    assert.deepEqual(api.gatewayRequests(), []);
    assert.deepEqual(await keyServerCounts(config.keyServer), { jwks: 0, alb: 0 });
  });
});
