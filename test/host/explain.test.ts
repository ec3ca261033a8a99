// "Explain an HTTP Response" in the real extension host: a copied response becomes a read-only Markdown page
// that leads with the step that produced it.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { eventually, extensionApi } from './helpers.ts';

suite('Explain an HTTP response', () => {
  test('a copied HTTP API 401 with www-authenticate is explained as the audience check', async () => {
    await extensionApi();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.env.clipboard.writeText(
      [
        'HTTP/2 401',
        'www-authenticate: Bearer scope="" error="invalid_token" error_description="the token does not have a valid audience"',
        'apigw-requestid: Abc=',
        '',
        '{"message":"Unauthorized"}',
      ].join('\n'),
    );
    // No request line in the paste: nothing to simulate, so no configuration picker opens.
    await vscode.commands.executeCommand('authDebugger.explainResponse');
    const uri = vscode.Uri.from({ scheme: 'authdebugger-explain', path: '/Why this response.md' });
    const text = await eventually(async () => {
      const content = (await vscode.workspace.openTextDocument(uri)).getText();
      return content.includes('the token does not have a valid audience') ? content : undefined;
    }, 'the explanation page');
    const lines = text.split('\n').filter((line) => line.trim() !== '');
    assert.equal(lines[0], '# Why this response?');
    assert.equal(lines[1], '## 401');
    assert.match(
      lines[2] ?? '',
      /^\*\*The JWT authorizer refused the token: the token does not have a valid audience\*\*$/,
    );
    assert.match(text, /Answered by: an HTTP API/);
  });

  test('text that is not a response gets a message and leaves the page as it was', async () => {
    await vscode.env.clipboard.writeText('hello');
    await vscode.commands.executeCommand('authDebugger.explainResponse');
    const uri = vscode.Uri.from({ scheme: 'authdebugger-explain', path: '/Why this response.md' });
    const content = (await vscode.workspace.openTextDocument(uri)).getText();
    assert.match(content, /^# Why this response\?\n\n## 401/);
  });
});
