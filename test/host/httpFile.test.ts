// Issue 15 in the editor: a `.http` file's predicted status above each request (CodeLens), the simulator
// argument the lens carries, the hover on `{{idToken}}` naming where the value came from, the "use the ID token
// variable instead" quick fix, and "Simulate All Requests in File".
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { eventually, ourHover, testConfig, workspaceDir } from './helpers.ts';

const config = testConfig();
const FILE = 'predict.http';
const HOST = 'https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod';

// Line numbers (0-based) the assertions use.
const TEXT = [
  `@host = ${HOST}`, // 0
  `@accessToken = ${config.tokens.access}`, // 1
  `@idToken = ${config.tokens.id}`, // 2
  '', // 3
  '### with the access token', // 4
  'GET {{host}}/orders/1', // 5
  'Authorization: Bearer {{accessToken}}', // 6
  '', // 7
  '### with the ID token', // 8
  'GET {{host}}/orders/1', // 9
  'Authorization: Bearer {{idToken}}', // 10
  '', // 11
  '### sign in', // 12
  '# @name login', // 13
  'POST https://cognito-idp.us-east-1.amazonaws.com/', // 14
  '', // 15
  '###', // 16
  '@fresh = {{login.response.body.$.AuthenticationResult.IdToken}}', // 17
  'GET {{host}}/orders/2', // 18
  'Authorization: Bearer {{fresh}}', // 19
  '',
].join('\n');

interface Row {
  line: number;
  decision: string;
  status?: number;
  route?: string;
  step: string;
}

let uri: vscode.Uri;

async function lenses(): Promise<vscode.CodeLens[]> {
  const all = await vscode.commands.executeCommand<vscode.CodeLens[]>(
    'vscode.executeCodeLensProvider',
    uri,
    10,
  );
  return all.filter((lens) => lens.command?.title.startsWith('→') === true);
}

function lensOn(all: vscode.CodeLens[], line: number): vscode.CodeLens | undefined {
  return all.find((lens) => lens.range.start.line === line);
}

suite('.http files: predicted status, hover, quick fix', () => {
  suiteSetup(async () => {
    const path = join(workspaceDir(), FILE);
    writeFileSync(path, TEXT);
    uri = vscode.Uri.file(path);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    // The command verifies with fetched keys (trusted workspace); the lenses then read them from the cache.
    await vscode.commands.executeCommand('authDebugger.simulateHttpFile', {
      uri: uri.toString(),
      show: false,
    });
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(join(workspaceDir(), FILE), { force: true });
  });

  test('Simulate All Requests in File: one row per request, same outcomes as the CLI', async () => {
    const rows = await vscode.commands.executeCommand<Row[]>('authDebugger.simulateHttpFile', {
      uri: uri.toString(),
      show: false,
    });
    assert.deepEqual(
      rows.map((row) => [row.line, row.decision, row.status ?? null]),
      [
        [6, 'deny', 401],
        [10, 'allow', 200],
        [15, 'skipped', null],
        [19, 'skipped', null],
      ],
      JSON.stringify(rows, null, 2),
    );
    assert.equal(rows[0]?.route, 'GET /orders/{id}');
    assert.match(rows[3]?.step ?? '', /known only after request login is sent/);
  });

  test('a lens above each request that reaches a route, in the verdict sentences', async () => {
    const all = await eventually(async () => {
      const found = await lenses();
      return found.length >= 3 ? found : undefined;
    }, 'the .http CodeLenses');
    assert.equal(lensOn(all, 5)?.command?.title, '→ 401: access token on a route without scopes');
    assert.equal(lensOn(all, 9)?.command?.title, '→ 200 (pool, admin, support)');
    assert.match(
      lensOn(all, 18)?.command?.title ?? '',
      /^→ \? the token is known only after request login is sent/,
    );
    assert.equal(lensOn(all, 14), undefined, 'POST / is no configured route: no lens');
  });

  test('clicking a lens opens the simulator with that request (token, method, path, headers)', async () => {
    const lens = lensOn(await lenses(), 9);
    assert.equal(lens?.command?.command, 'authDebugger.openSimulator');
    const argument = lens?.command?.arguments?.[0] as
      { token: string; method: string; path: string; headers: { name: string; value: string }[] } | undefined;
    assert.ok(argument);
    assert.equal(argument.token, config.tokens.id, 'the bare token, variables expanded');
    assert.equal(argument.method, 'GET');
    assert.equal(argument.path, '/orders/1', 'the stage of the invoke URL is not part of the path');
    assert.deepEqual(argument.headers, [{ name: 'Authorization', value: `Bearer ${config.tokens.id}` }]);
  });

  test('the hover on {{idToken}} is the token hover, naming the file variable it came from', async () => {
    const editor = await vscode.window.showTextDocument(uri);
    const column = editor.document.lineAt(10).text.indexOf('{{idToken}}') + 3;
    const text = await eventually(() => ourHover(uri, 10, column), 'the hover on {{idToken}}');
    assert.match(text, /Value:\*\* from file variable @idToken \(line 3\)/);
    assert.match(text, /Cognito ID token/i);
    const pending = await eventually(
      () => ourHover(uri, 19, editor.document.lineAt(19).text.indexOf('{{fresh}}') + 2),
      'the hover on {{fresh}}',
    );
    assert.match(pending, /known only after request login is sent/);
  });

  test('the access token on a scope-less route: a diagnostic and "use the ID token variable instead"', async () => {
    const diagnostic = await eventually(
      () =>
        Promise.resolve(
          vscode.languages
            .getDiagnostics(uri)
            .find((d) => d.code === 'http-token-kind' && d.range.start.line === 6),
        ),
      'the token-kind diagnostic',
    );
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      diagnostic.range,
    );
    const fix = actions.find((a) => a.title === 'Auth Debugger: use the ID token variable idToken instead');
    assert.ok(fix?.edit, actions.map((a) => a.title).join(', '));
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    const document = await vscode.workspace.openTextDocument(uri);
    assert.equal(document.lineAt(6).text, 'Authorization: Bearer {{idToken}}');
    const all = await eventually(async () => {
      const found = await lenses();
      return lensOn(found, 5)?.command?.title.startsWith('→ 200') ? found : undefined;
    }, 'the lens after the fix');
    assert.equal(lensOn(all, 5)?.command?.title, '→ 200 (pool, admin, support)');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});
