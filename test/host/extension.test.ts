// The extension in a real VS Code: activation, commands, hovers, the Inspector, settings.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  EXTENSION_ID,
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
const OUR_COMMANDS = [
  'authDebugger.decodeToken',
  'authDebugger.decodeFromClipboard',
  'authDebugger.openSimulator',
  'authDebugger.reloadKeys',
  'authDebugger.createSampleConfig',
  'authDebugger.setHmacSecret',
  'authDebugger.clearHmacSecrets',
  'authDebugger.showLog',
];

async function hoverOn(name: string, line: number, needle: string, offset = 10): Promise<string | undefined> {
  const editor = await openFixture(name);
  return ourHover(editor.document.uri, line, columnOf(editor, line, needle) + offset);
}

suite('activation', () => {
  test('the extension activates in a trusted workspace', async () => {
    await extensionApi();
    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true);
    assert.equal(vscode.workspace.isTrusted, true);
  });

  test('every command is registered', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const command of OUR_COMMANDS) assert.ok(commands.includes(command), `${command} is missing`);
  });
});

suite('hover', () => {
  test('Authorization: Bearer in a .http file gives the ID token summary', async () => {
    const text = await hoverOn('requests.http', 2, config.tokens.id);
    assert.ok(text, 'no hover');
    assert.match(text, /Cognito ID token/);
    assert.match(text, /authorization \(Bearer\)/);
    assert.ok(text.includes('alice'), 'username');
    assert.ok(text.includes('aaaaaaaa'), 'subject');
    assert.ok(text.includes('admin, support'), 'groups');
    assert.ok(text.includes(config.issuer), 'the issuer, verbatim');
    assert.match(text, /Expires:\*\* in (59|60) minutes/);
    assert.match(text, /not checked/, 'no keys are cached yet, and a hover never fetches');
  });

  test('Authorization: <jwt> without a scheme gives the access token summary with scopes', async () => {
    const text = await hoverOn('requests.http', 7, config.tokens.access);
    assert.ok(text, 'no hover');
    assert.match(text, /Cognito access token/);
    assert.ok(text.includes('orders/read openid'), 'scopes');
  });

  test('lines without a token give no hover of ours', async () => {
    const editor = await openFixture('requests.http');
    assert.equal(await ourHover(editor.document.uri, 3, 3), undefined, 'Accept header');
    assert.equal(await ourHover(editor.document.uri, 1, 5), undefined, 'request line');
    const notes = await openFixture('notes.txt');
    assert.equal(await ourHover(notes.document.uri, 0, 18), undefined, 'property access a.b.c');
    assert.equal(await ourHover(notes.document.uri, 1, 25), undefined, 'version numbers');
    assert.equal(await ourHover(notes.document.uri, 3, 10), undefined, 'a bare eyJ string that is no token');
  });

  test('JSON/HAR fragments, curl -H, x-amzn-oidc-data and bare tokens are recognised', async () => {
    const har = await hoverOn('har.json', 2, config.tokens.access);
    assert.ok(har?.includes('Cognito access token'), 'HAR header object');
    const json = await hoverOn('har.json', 4, config.tokens.id);
    assert.ok(json?.includes('Cognito ID token'), '"Authorization": "Bearer ..."');
    const curl = await hoverOn('call.sh', 0, config.tokens.id);
    assert.ok(curl?.includes('Cognito ID token') && curl.includes('authorization (Bearer)'), 'curl -H');
    const alb = await hoverOn('alb.txt', 0, config.tokens.alb);
    assert.ok(
      alb?.includes('ALB x\\-amzn\\-oidc\\-data') || alb?.includes('ALB x-amzn-oidc-data'),
      `ALB blob: ${alb}`,
    );
    const bare = await hoverOn('notes.txt', 2, config.tokens.id);
    assert.ok(bare?.includes('Cognito ID token'), 'bare JWT');
  });

  test('hover links run only our commands, and claims cannot add links or markup', async () => {
    const text = await hoverOn('xss.txt', 0, config.tokens.xss);
    assert.ok(text, 'no hover');
    const links = [...text.matchAll(/\]\(([^)\s]+)/g)].map((m) => m[1] ?? '');
    assert.ok(links.length >= 2, 'the Inspector and Simulator links');
    for (const link of links) assert.match(link, /^command:authDebugger\.(decodeToken|openSimulator)\?/);
    assert.ok(!text.includes('command:workbench'), 'a claim smuggled a command link');
    // The username (shown in every hover) carries a bidi override and a zero-width space: both visible, neither raw.
    assert.ok(text.includes('admin⟨U+202E⟩gnp.exe⟨U+200B⟩'), `username shown escaped: ${text}`);
    assert.ok(!text.includes('\u202E') && !text.includes('\u200B'), 'no raw bidi or zero-width character');
  });
});

suite('Token Inspector', () => {
  suiteSetup(async () => {
    await setSetting('jwksUrls', { [config.issuer]: config.jwksUrl });
    await setSetting('albKeyUrl', config.albKeyUrl);
    await setSetting('albArn', config.albArn);
    await setSetting('expectedClientIds', [config.clientId]);
  });

  test('Decode Token on a selection opens the panel with a verified ID token', async () => {
    const before = await keyServerCounts(config.keyServer);
    const state = await decodeLine('token.txt');
    assert.ok(await inspectorTabOpen(), `no Token Inspector tab among: ${describeTabs()}`);
    assert.equal(state.source, 'selection');
    const token = state.tokens[0];
    assert.equal(token?.kind, 'cognito-id');
    assert.equal(checkStatus(state, 'signature'), 'pass', JSON.stringify(token?.checks));
    assert.equal(checkStatus(state, 'aud'), 'pass');
    assert.equal(token?.valid, true);
    assert.ok(token?.claims.some((c) => c.name === 'cognito:username' && c.value === 'alice'));
    assert.ok(token?.claims.find((c) => c.name === 'exp')?.time, 'exp has time info');
    const after = await keyServerCounts(config.keyServer);
    assert.ok(after.jwks > before.jwks, 'the JWKS came from the loopback server named in settings');
  });

  test('after verification the hover reports the signature from the key cache', async () => {
    const text = await hoverOn('requests.http', 2, config.tokens.id);
    assert.match(text ?? '', /verified \(cached keys\)/);
  });

  test('a header block shows one section per header and cross-checks the identity', async () => {
    const editor = await openFixture('alb.txt');
    editor.selection = new vscode.Selection(0, 0, 2, 0);
    await vscode.commands.executeCommand('authDebugger.decodeToken');
    const state = (await extensionApi()).inspectorState();
    assert.ok(state);
    assert.equal(state.tokens.length, 1);
    assert.equal(state.tokens[0]?.httpHeader, 'x-amzn-oidc-data');
    assert.equal(state.tokens[0]?.kind, 'alb-data');
    assert.equal(checkStatus(state, 'signer'), 'pass');
    assert.equal(checkStatus(state, 'identity'), 'pass');
    assert.equal(checkStatus(state, 'signature'), 'pass', JSON.stringify(state.tokens[0]?.checks));
  });

  test('without a selection, Decode Token reads a token from the clipboard; so does Decode from Clipboard', async () => {
    const editor = await openFixture('notes.txt');
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    await vscode.env.clipboard.writeText(`Authorization: Bearer ${config.tokens.access}`);
    await vscode.commands.executeCommand('authDebugger.decodeToken');
    const fromPalette = (await extensionApi()).inspectorState();
    assert.equal(fromPalette?.source, 'clipboard');
    assert.equal(fromPalette?.tokens[0]?.kind, 'cognito-access');
    assert.equal(fromPalette?.tokens[0]?.httpHeader, 'authorization');
    await vscode.env.clipboard.writeText(config.tokens.id);
    await vscode.commands.executeCommand('authDebugger.decodeFromClipboard');
    assert.equal((await extensionApi()).inspectorState()?.tokens[0]?.kind, 'cognito-id');
  });

  test('Reload Keys fetches the key set again', async () => {
    await decodeLine('token.txt');
    const before = await keyServerCounts(config.keyServer);
    await vscode.commands.executeCommand('authDebugger.reloadKeys');
    const after = await keyServerCounts(config.keyServer);
    assert.ok(after.jwks > before.jwks, 'no new request after Reload Keys');
  });
});

suite('settings are honoured', () => {
  teardown(async () => {
    await setSetting('expectedClientIds', [config.clientId]);
    await setSetting('clockSkewSeconds', undefined);
    await setSetting('allowHttpOnLoopback', undefined);
  });

  test('authDebugger.expectedClientIds: another client fails the aud check', async () => {
    await setSetting('expectedClientIds', ['some-other-client']);
    const state = await decodeLine('token.txt');
    assert.equal(checkStatus(state, 'aud'), 'fail');
    assert.equal(state.valid, false);
  });

  test('authDebugger.clockSkewSeconds: nbf one minute ahead fails without skew, passes with 120 s', async () => {
    const editor = await openFixture('token.txt');
    await editor.edit((edit) => edit.insert(new vscode.Position(1, 0), `${config.tokens.notYet}\n`));
    const strict = await decodeLine('token.txt', 1);
    assert.equal(checkStatus(strict, 'nbf'), 'fail');
    await setSetting('clockSkewSeconds', 120);
    const lenient = await decodeLine('token.txt', 1);
    assert.equal(checkStatus(lenient, 'nbf'), 'pass', JSON.stringify(lenient.tokens[0]?.checks));
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test('authDebugger.allowHttpOnLoopback=false: http key URLs are refused', async () => {
    await setSetting('allowHttpOnLoopback', false);
    await vscode.commands.executeCommand('authDebugger.reloadKeys');
    const before = await keyServerCounts(config.keyServer);
    const state = await decodeLine('token.txt');
    assert.notEqual(checkStatus(state, 'signature'), 'pass');
    const messages = state.tokens[0]?.checks.map((c) => c.message).join('\n') ?? '';
    assert.match(messages, /allowHttpOnLoopback/);
    const after = await keyServerCounts(config.keyServer);
    assert.equal(after.jwks, before.jwks, 'a refused URL must not be requested');
  });

  test('without a JWKS URL for the issuer the signature is not verified against the loopback keys', async () => {
    await setSetting('jwksUrls', {});
    await vscode.commands.executeCommand('authDebugger.reloadKeys');
    const before = await keyServerCounts(config.keyServer);
    const state = await decodeLine('token.txt');
    assert.notEqual(checkStatus(state, 'signature'), 'pass');
    assert.equal((await keyServerCounts(config.keyServer)).jwks, before.jwks);
    await setSetting('jwksUrls', { [config.issuer]: config.jwksUrl });
  });
});

suite('cognito-local', () => {
  test('an ID token from cognito-local verifies against its JWKS named in settings', async function () {
    if (!config.local || !config.tokens.localId) this.skip();
    const local = config.local;
    await setSetting('jwksUrls', { [config.issuer]: config.jwksUrl, [local.issuer]: local.jwksUrl });
    await setSetting('expectedClientIds', [local.clientId]);
    const editor = await openFixture('token.txt');
    await editor.edit((edit) => edit.insert(new vscode.Position(1, 0), `${config.tokens.localId}\n`));
    const state = await decodeLine('token.txt', 1);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await setSetting('expectedClientIds', [config.clientId]);
    assert.equal(state.tokens[0]?.kind, 'cognito-id');
    assert.equal(checkStatus(state, 'signature'), 'pass', JSON.stringify(state.tokens[0]?.checks));
    assert.equal(checkStatus(state, 'aud'), 'pass');
  });
});
