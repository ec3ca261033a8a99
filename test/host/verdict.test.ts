// Issue 12 in a real VS Code: the hover's first line is the verdict (valid, expired, tampered, keys not cached and
// then fetched in the background), Decode Token reads the token under the caret and a selected request block, the
// Inspector keeps its state across a view switch and compares two tokens.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  columnOf,
  decodeSelection,
  eventually,
  extensionApi,
  keyServerCounts,
  openFixture,
  ourHover,
  setSetting,
  testConfig,
} from './helpers.ts';

const config = testConfig();

/** The first line of our hover at `needle` (+ offset) on a fixture line, trimmed. */
async function firstLine(name: string, line: number, needle: string, offset = 10): Promise<string> {
  const editor = await openFixture(name);
  const text = await ourHover(editor.document.uri, line, columnOf(editor, line, needle) + offset);
  assert.ok(text, `no hover on ${name}:${line}`);
  return (text.split('\n')[0] ?? '').trim();
}

/** Nothing cached: close the Inspector first (Reload Keys would otherwise verify, and so fetch, again). */
async function forgetKeys(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await eventually(
    async () => (await extensionApi()).inspectorPanel() === undefined || undefined,
    'the Inspector to close',
  );
  await vscode.commands.executeCommand('authDebugger.reloadKeys');
}

suite('hover: the first line is the verdict', () => {
  suiteSetup(async () => {
    await extensionApi();
    await setSetting('jwksUrls', { [config.issuer]: config.jwksUrl });
    await setSetting('expectedClientIds', [config.clientId]);
    await setSetting('allowHttpOnLoopback', undefined);
    await setSetting('clockSkewSeconds', undefined);
  });

  test('keys not cached: "Not verified" first, the keys are fetched once in the background, then "Valid"', async () => {
    await forgetKeys();
    const before = await keyServerCounts(config.keyServer);
    const line = await firstLine('token.txt', 0, config.tokens.id);
    assert.match(line, /^\*\*Not verified\*\*: /, line);
    assert.match(line, /keys are not cached/, line);
    assert.match(line, /fetching them now/, line);
    // More hovers while the fetch runs start no second request.
    await firstLine('token.txt', 0, config.tokens.id, 30);
    const api = await extensionApi();
    await api.hoverKeyFetches();
    const valid = await eventually(async () => {
      const next = await firstLine('token.txt', 0, config.tokens.id);
      return next.startsWith('**Valid**') ? next : undefined;
    }, 'the hover to show the verdict from the fetched keys');
    assert.match(valid, /^\*\*Valid\*\*: signature verified, no check failed$/);
    const after = await keyServerCounts(config.keyServer);
    assert.equal(after.jwks - before.jwks, 1, 'one background request for several hovers');
  });

  test('valid: the verdict line, then the kind', async () => {
    const editor = await openFixture('requests.http');
    const text = await ourHover(editor.document.uri, 2, columnOf(editor, 2, config.tokens.id) + 10);
    const lines = (text ?? '').split('\n').map((l) => l.trim());
    assert.match(lines[0] ?? '', /^\*\*Valid\*\*: /, text);
    assert.match(lines[1] ?? '', /^Auth Debugger: Cognito ID token in/, text);
  });

  test('expired: "Invalid" naming the expiry', async () => {
    const line = await firstLine('verdicts.txt', 0, config.tokens.expired);
    assert.match(line, /^\*\*Invalid\*\*: expired 2 hours ago/, line);
  });

  test('tampered: "Invalid: signature does not match the key", never "Valid"', async () => {
    const line = await firstLine('verdicts.txt', 1, config.tokens.tampered);
    assert.match(line, /^\*\*Invalid\*\*: signature does not match the key/, line);
  });

  test('tampered with keys not cached: "Not verified", then "Invalid" once fetched', async () => {
    await forgetKeys();
    const line = await firstLine('verdicts.txt', 1, config.tokens.tampered);
    assert.match(line, /^\*\*Not verified\*\*: .*keys are not cached/, line);
    assert.doesNotMatch(line, /Valid/);
    await (await extensionApi()).hoverKeyFetches();
    const invalid = await eventually(async () => {
      const next = await firstLine('verdicts.txt', 1, config.tokens.tampered);
      return next.startsWith('**Invalid**') ? next : undefined;
    }, 'the tampered token to read Invalid');
    assert.match(invalid, /signature does not match the key/);
  });
});

suite('Decode Token reads what the user meant', () => {
  test('no selection: the token under the caret comes before the clipboard', async () => {
    await vscode.env.clipboard.writeText(config.tokens.access);
    const editor = await openFixture('token.txt');
    editor.selection = new vscode.Selection(0, 20, 0, 20);
    const state = await decodeSelection();
    assert.equal(state.source, 'editor');
    assert.equal(state.tokens[0]?.kind, 'cognito-id', 'the token under the caret, not the clipboard');
  });

  test('caret on a .http Authorization line: the header and the request go with the token', async () => {
    const editor = await openFixture('requests.http');
    const column = columnOf(editor, 2, config.tokens.id) + 5;
    editor.selection = new vscode.Selection(2, column, 2, column);
    const state = await decodeSelection();
    assert.equal(state.source, 'editor');
    assert.equal(state.tokens[0]?.httpHeader, 'authorization');
    assert.equal(state.tokens[0]?.kind, 'cognito-id');
    assert.equal(state.request, 'GET /orders/1');
  });

  test('caret on no token: the clipboard', async () => {
    await vscode.env.clipboard.writeText(config.tokens.access);
    const editor = await openFixture('requests.http');
    editor.selection = new vscode.Selection(3, 2, 3, 2);
    const state = await decodeSelection();
    assert.equal(state.source, 'clipboard');
    assert.equal(state.tokens[0]?.kind, 'cognito-access');
  });

  test('a selected .http request block (separator, request line, headers) is read as a request', async () => {
    const editor = await openFixture('requests.http');
    editor.selection = new vscode.Selection(0, 0, 4, 0);
    const state = await decodeSelection();
    assert.equal(state.source, 'selection');
    assert.equal(state.tokens.length, 1);
    assert.equal(state.tokens[0]?.kind, 'cognito-id');
    assert.equal(state.request, 'GET /orders/1');
  });

  test('a selected request with a body is read as a request, not refused as a malformed header', async () => {
    const document = await vscode.workspace.openTextDocument({
      language: 'plaintext',
      content: [
        'POST https://api.example.com/prod/orders HTTP/1.1',
        'Content-Type: application/json',
        `Authorization: Bearer ${config.tokens.access}`,
        '',
        '{ "item": "book" }',
        '',
      ].join('\n'),
    });
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(0, 0, 5, 0);
    const state = await decodeSelection();
    assert.equal(state.tokens[0]?.kind, 'cognito-access');
    assert.equal(state.request, 'POST /prod/orders');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});

suite('Token Inspector: verdict, view switch, compare', () => {
  suiteSetup(async () => {
    await setSetting('jwksUrls', { [config.issuer]: config.jwksUrl });
    await setSetting('expectedClientIds', [config.clientId]);
  });

  test('each token carries the verdict naming every failed check', async () => {
    const editor = await openFixture('verdicts.txt');
    editor.selection = new vscode.Selection(0, 0, 0, config.tokens.expired.length);
    const state = await decodeSelection();
    const verdict = state.tokens[0]?.verdict;
    assert.equal(verdict?.status, 'invalid');
    assert.match(verdict?.sentence ?? '', /expired 2 hours ago/);
  });

  test('hidden behind another editor and shown again, the webview reloads and gets the same state', async () => {
    const editor = await openFixture('token.txt');
    editor.selection = new vscode.Selection(0, 0, 0, config.tokens.id.length);
    const shown = await decodeSelection();
    const api = await extensionApi();
    const panel = api.inspectorPanel();
    assert.ok(panel);
    await eventually(
      () => Promise.resolve(panel.readyHandshakes > 0 || undefined),
      'the webview to say ready',
    );
    const handshakes = panel.readyHandshakes;
    // Another editor in the Inspector's group hides it; closing that editor shows the Inspector again.
    const group = vscode.window.tabGroups.all.find((g) =>
      g.tabs.some(
        (t) =>
          t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('authDebugger.inspector'),
      ),
    );
    assert.ok(group, 'the Inspector has a tab group');
    const other = await vscode.workspace.openTextDocument({ content: 'another editor\n' });
    await vscode.window.showTextDocument(other, { viewColumn: group.viewColumn, preview: false });
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await eventually(
      () => Promise.resolve(panel.readyHandshakes > handshakes || undefined),
      'the reloaded webview to say ready',
    );
    const state = api.inspectorState();
    assert.equal(state?.inputSerial, shown.inputSerial, 'the same input, not a new one');
    assert.equal(state?.verifiedAt, shown.verifiedAt, 'not verified again: the kept state was re-posted');
    assert.equal(state?.tokens[0]?.kind, 'cognito-id');
  });

  test('Compare with…: differences first, the same claims listed once', async () => {
    const editor = await openFixture('token.txt');
    editor.selection = new vscode.Selection(0, 0, 0, config.tokens.id.length);
    await decodeSelection();
    const panel = (await extensionApi()).inspectorPanel();
    assert.ok(panel);
    panel.receive({ type: 'compare', index: 0, text: `Authorization: Bearer ${config.tokens.tampered}` });
    const comparison = panel.comparison;
    assert.ok(comparison?.ok, JSON.stringify(comparison));
    assert.deepEqual(
      comparison.differences.map((d) => d.claim),
      ['cognito:groups'],
    );
    assert.deepEqual(comparison.differences[0]?.b, ['admin', 'finance']);
    assert.ok(comparison.same.some((s) => s.claim === 'sub'));
    assert.match(comparison.otherRedacted, /\.<redacted>$/, 'the other token is shown without its signature');
    // New input clears the comparison.
    await decodeSelection();
    assert.equal(panel.comparison, undefined);
  });
});

suite('"Simulate" takes the request the token belongs to', () => {
  test('from a hover link in a .http file: the token and the method and path of its request block', async () => {
    const editor = await openFixture('requests.http');
    const location = {
      uri: editor.document.uri.toString(),
      line: 7,
      character: columnOf(editor, 7, config.tokens.access) + 5,
    };
    await vscode.commands.executeCommand('authDebugger.openSimulator', location);
    const form = (await extensionApi()).simulatorState().form;
    assert.equal(form?.token, config.tokens.access);
    assert.equal(form?.request, 'POST /orders');
  });

  test('from a caller that holds the token: { token, method, path }', async () => {
    await vscode.commands.executeCommand('authDebugger.openSimulator', {
      token: config.tokens.id,
      method: 'get',
      path: '/reports',
    });
    // The view reports its form back after it applied the handover; an earlier report may land first.
    const form = await eventually(async () => {
      const current = (await extensionApi()).simulatorState().form;
      return current?.token === config.tokens.id ? current : undefined;
    }, 'the simulator form to take the token');
    assert.equal(form.request, 'GET /reports');
  });

  test('from the Inspector: the request the input came with', async () => {
    const editor = await openFixture('requests.http');
    editor.selection = new vscode.Selection(5, 0, 8, 0);
    const state = await decodeSelection();
    assert.equal(state.request, 'POST /orders');
    const panel = (await extensionApi()).inspectorPanel();
    assert.ok(panel);
    panel.receive({ type: 'simulate', index: 0 });
    const form = await eventually(async () => {
      const current = (await extensionApi()).simulatorState().form;
      return current?.request === 'POST /orders' ? current : undefined;
    }, 'the simulator form to take the request');
    assert.equal(form.token, config.tokens.access);
  });
});
