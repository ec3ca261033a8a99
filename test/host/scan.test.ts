// Issue 13 in a real VS Code: diagnostics on tokens in open documents (expired, bad signature against cached keys,
// not yet valid, encrypted) with a quick fix to the Inspector, bounded and debounced, never fetching; and
// "Scan Workspace for Tokens" (files.exclude, the size cap, each distinct token once with its locations).
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ScanSummary } from '../../src/vscode/scanTree.ts';
import {
  decodeLine,
  eventually,
  extensionApi,
  inspectorTabOpen,
  keyServerCounts,
  setSetting,
  testConfig,
  workspaceDir,
} from './helpers.ts';

const config = testConfig();
const SOURCE = 'Auth Debugger';

/** A compact JWE (5 segments) whose protected header is real JSON: what a Cognito refresh token looks like. */
const JWE = [
  Buffer.from('{"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}').toString('base64url'),
  'a'.repeat(342),
  'b'.repeat(16),
  'c'.repeat(400),
  'd'.repeat(22),
].join('.');

async function untitled(content: string): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument({ content, language: 'plaintext' });
  await vscode.window.showTextDocument(document);
  return document;
}

/** Our diagnostics of a document once its (debounced) run has finished. */
async function ourDiagnostics(document: vscode.TextDocument): Promise<vscode.Diagnostic[]> {
  const api = await extensionApi();
  const run = await eventually(
    () => api.diagnosticsSettled(document.uri.toString()),
    'the diagnostics run of the document',
  );
  assert.ok(run.runs >= 1);
  return vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === SOURCE);
}

function codeOf(diagnostic: vscode.Diagnostic): string {
  const code = diagnostic.code;
  return typeof code === 'object' ? String(code.value) : String(code);
}

suite('token diagnostics', () => {
  suiteSetup(async () => {
    await extensionApi();
    await setSetting('jwksUrls', { [config.issuer]: config.jwksUrl });
    await setSetting('expectedClientIds', [config.clientId]);
    await setSetting('diagnostics.enabled', undefined);
    await setSetting('clockSkewSeconds', undefined);
  });

  suiteTeardown(async () => {
    await setSetting('diagnostics.enabled', undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('an expired token: a warning saying how long ago, and a quick fix that opens the Inspector', async () => {
    const document = await untitled(`GET /orders\nAuthorization: Bearer ${config.tokens.expired}\n`);
    const diagnostics = await ourDiagnostics(document);
    const expired = diagnostics.find((d) => codeOf(d) === 'token-expired');
    assert.ok(expired, JSON.stringify(diagnostics.map((d) => d.message)));
    assert.equal(expired.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(expired.message, /expired 2 hours/);
    assert.equal(expired.range.start.line, 1);
    assert.equal(
      document.getText(expired.range),
      config.tokens.expired,
      'the range covers the token exactly',
    );
    assert.ok(!expired.message.includes(config.tokens.expired), 'a diagnostic never shows the token');

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      document.uri,
      expired.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const open = actions.find((a) => a.title === 'Open in Token Inspector');
    assert.ok(open?.command, JSON.stringify(actions.map((a) => a.title)));
    const args = (open.command.arguments ?? []) as unknown[];
    await vscode.commands.executeCommand(open.command.command, ...args);
    const state = await eventually(async () => (await extensionApi()).inspectorState(), 'the Inspector');
    assert.equal(state.tokens.length, 1);
    assert.ok(
      state.tokens[0]?.checks.some((c) => c.id === 'exp' && c.status === 'fail'),
      'the Inspector shows the expired token',
    );
  });

  test('a tampered token with its keys cached: an error on the signature', async () => {
    // Decode Token verifies with the network allowed, which caches the issuer's keys.
    const verified = await decodeLine('token.txt', 0);
    assert.equal(verified.valid, true, 'the keys are cached now');
    const document = await untitled(`${config.tokens.tampered}\n`);
    const diagnostics = await ourDiagnostics(document);
    const signature = diagnostics.find((d) => codeOf(d) === 'token-signature');
    assert.ok(signature, JSON.stringify(diagnostics.map((d) => d.message)));
    assert.equal(signature.severity, vscode.DiagnosticSeverity.Error);
    assert.match(signature.message, /signature/);
  });

  test('keys not cached: no signature error, and nothing is fetched', async () => {
    // With the Inspector open, Reload Keys would verify (and so fetch) again: close it first.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await eventually(async () => !(await inspectorTabOpen(0)) || undefined, 'the Inspector to close');
    await vscode.commands.executeCommand('authDebugger.reloadKeys');
    const before = await keyServerCounts(config.keyServer);
    const document = await untitled(`${config.tokens.tampered}\n${config.tokens.id}\n`);
    const diagnostics = await ourDiagnostics(document);
    assert.equal(
      diagnostics.filter((d) => codeOf(d) === 'token-signature').length,
      0,
      'nothing was checked, so nothing failed',
    );
    const after = await keyServerCounts(config.keyServer);
    assert.deepEqual(after, before, 'diagnostics never fetch keys');
  });

  test('a token not valid yet, and an encrypted token', async () => {
    const document = await untitled(`${config.tokens.notYet}\nrefresh token: ${JWE}\n`);
    const diagnostics = await ourDiagnostics(document);
    const notYet = diagnostics.find((d) => codeOf(d) === 'token-not-yet-valid');
    assert.ok(notYet, JSON.stringify(diagnostics.map((d) => d.message)));
    assert.equal(notYet.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(notYet.range.start.line, 0);
    const encrypted = diagnostics.find((d) => codeOf(d) === 'token-encrypted');
    assert.ok(encrypted, JSON.stringify(diagnostics.map((d) => d.message)));
    assert.equal(encrypted.range.start.line, 1);
    assert.match(encrypted.message, /JWE/);
  });

  test('typing is debounced: a burst of edits gives one or two runs, not one per keystroke', async () => {
    const document = await untitled(`${config.tokens.expired}\n`);
    await ourDiagnostics(document);
    const api = await extensionApi();
    const runsBefore = (await api.diagnosticsSettled(document.uri.toString()))?.runs ?? 0;
    const editor = await vscode.window.showTextDocument(document);
    for (let i = 0; i < 10; i++) {
      await editor.edit((edit) => edit.insert(new vscode.Position(1, 0), 'x'));
    }
    const run = await api.diagnosticsSettled(document.uri.toString());
    assert.ok(run, 'a run after the edits');
    assert.ok(run.runs - runsBefore <= 2, `${run.runs - runsBefore} runs for 10 quick edits`);
    const diagnostics = vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === SOURCE);
    assert.ok(
      diagnostics.some((d) => codeOf(d) === 'token-expired'),
      'still reported after typing',
    );
  });

  test('bounded work: at most 200 tokens per document, each distinct token verified once', async () => {
    const lines = Array.from(
      { length: 300 },
      (_, i) => `${i}: Authorization: Bearer ${config.tokens.expired}`,
    );
    const document = await untitled(`${lines.join('\n')}\n`);
    await ourDiagnostics(document);
    const run = await (await extensionApi()).diagnosticsSettled(document.uri.toString());
    assert.ok(run);
    assert.equal(run.tokens, 200, 'the cap on occurrences');
    assert.equal(run.truncated, true);
    assert.equal(run.verified, 1, 'one distinct token, verified once');
    const expired = vscode.languages
      .getDiagnostics(document.uri)
      .filter((d) => d.source === SOURCE && codeOf(d) === 'token-expired');
    assert.equal(expired.length, 200);
  });

  test('authDebugger.diagnostics.enabled: false removes them', async () => {
    const document = await untitled(`${config.tokens.expired}\n`);
    assert.ok((await ourDiagnostics(document)).length > 0);
    await setSetting('diagnostics.enabled', false);
    await eventually(
      () =>
        Promise.resolve(
          vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === SOURCE).length === 0 ||
            undefined,
        ),
      'the diagnostics to clear',
    );
    await setSetting('diagnostics.enabled', undefined);
    await eventually(
      () =>
        Promise.resolve(
          vscode.languages.getDiagnostics(document.uri).some((d) => d.source === SOURCE) || undefined,
        ),
      'the diagnostics to come back',
    );
  });
});

suite('Scan Workspace for Tokens', () => {
  const big = (): string => join(workspaceDir(), 'big-scan.log');

  suiteSetup(async () => {
    await extensionApi();
    await setSetting('jwksUrls', { [config.issuer]: config.jwksUrl });
    await setSetting('expectedClientIds', [config.clientId]);
  });

  suiteTeardown(async () => {
    rmSync(big(), { force: true });
    await setSetting('scan.maxFileSizeMB', undefined);
    await vscode.workspace
      .getConfiguration('files')
      .update('exclude', undefined, vscode.ConfigurationTarget.Global);
  });

  async function scan(): Promise<ScanSummary> {
    const summary = await vscode.commands.executeCommand<ScanSummary>('authDebugger.scanWorkspace');
    assert.ok(summary, 'the command returns what it found');
    assert.deepEqual((await extensionApi()).scanSummary(), summary, 'the tree shows the same scan');
    return summary;
  }

  test('each distinct token once, with the files and lines it occurs on', async () => {
    const summary = await scan();
    const idRows = summary.tokens.filter((t) => t.redacted === redacted(config.tokens.id));
    assert.equal(idRows.length, 1, 'the ID token is one row however many files hold it');
    const id = idRows[0];
    assert.ok(id);
    const places = id.locations.map((l) => `${l.file}:${l.line}`);
    for (const place of ['requests.http:3', 'har.json:5', 'call.sh:1', 'notes.txt:3', 'token.txt:1'])
      assert.ok(places.includes(place), `${place} in ${places.join(', ')}`);
    assert.equal(id.verdict, 'valid', 'trusted workspace: verified (keys fetched as the Inspector does)');
    const tampered = summary.tokens.find((t) => t.redacted === redacted(config.tokens.tampered));
    assert.equal(tampered?.verdict, 'invalid');
    const expired = summary.tokens.find((t) => t.redacted === redacted(config.tokens.expired));
    assert.equal(expired?.verdict, 'invalid');
    assert.match(expired?.description ?? '', /expired/);
    assert.equal(summary.restricted, false);
    const shown = JSON.stringify(summary);
    for (const token of Object.values(config.tokens))
      if (typeof token === 'string') assert.ok(!shown.includes(token), 'no token is shown whole');
  });

  test('files.exclude is honoured', async () => {
    await vscode.workspace
      .getConfiguration('files')
      .update('exclude', { '**/verdicts.txt': true }, vscode.ConfigurationTarget.Global);
    const summary = await scan();
    const files = new Set(summary.tokens.flatMap((t) => t.locations.map((l) => l.file)));
    assert.ok(!files.has('verdicts.txt'), [...files].join(', '));
    assert.ok(files.has('token.txt'));
    await vscode.workspace
      .getConfiguration('files')
      .update('exclude', undefined, vscode.ConfigurationTarget.Global);
  });

  test('files over the size cap are skipped, unread', async () => {
    const padding = 'x'.repeat(1023);
    const lines = Array.from({ length: 1100 }, () => padding);
    writeFileSync(big(), `${lines.join('\n')}\n${config.tokens.access}\n`);
    await setSetting('scan.maxFileSizeMB', 1);
    const capped = await scan();
    assert.ok(capped.skipped >= 1, `skipped ${capped.skipped}`);
    const files = new Set(capped.tokens.flatMap((t) => t.locations.map((l) => l.file)));
    assert.ok(!files.has('big-scan.log'));
    await setSetting('scan.maxFileSizeMB', 2);
    const read = await scan();
    const access = read.tokens.find((t) => t.redacted === redacted(config.tokens.access));
    assert.ok(
      access?.locations.some((l) => l.file === 'big-scan.log' && l.line === 1101),
      JSON.stringify(access?.locations),
    );
  });
});

function redacted(token: string): string {
  const [header, payload] = token.split('.');
  return `${header}.${payload}.<redacted>`;
}
