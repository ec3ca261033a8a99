// Helpers for suites running inside the extension host: fixture config, documents, hovers, the key server.
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { InspectorState } from '../../src/shared/protocol.ts';
import type { AuthDebuggerApi } from '../../src/vscode/extension.ts';
import type { HostTestConfig } from './workspace.ts';

export const EXTENSION_ID = 'cognito-auth-debugger.cognito-auth-debugger';

export function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the tests need the fixture workspace open');
  return folder.uri.fsPath;
}

/** The fixture's `.authdbg-test.json`. */
export function testConfig(): HostTestConfig {
  return JSON.parse(readFileSync(join(workspaceDir(), '.authdbg-test.json'), 'utf8')) as HostTestConfig;
}

/** The activated extension's API. */
export async function extensionApi(): Promise<AuthDebuggerApi> {
  const extension = vscode.extensions.getExtension<AuthDebuggerApi>(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not installed`);
  return extension.activate();
}

export async function openFixture(name: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(join(workspaceDir(), name)));
  return vscode.window.showTextDocument(document);
}

/** The text of the hovers our provider returned at a position (other providers' hovers are ignored). */
export async function ourHover(
  uri: vscode.Uri,
  line: number,
  character: number,
): Promise<string | undefined> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
    'vscode.executeHoverProvider',
    uri,
    new vscode.Position(line, character),
  );
  const texts = hovers.flatMap((hover) =>
    hover.contents.map((content) => (typeof content === 'string' ? content : content.value)),
  );
  // appendText escapes markdown punctuation and writes spaces as &nbsp;: compare plain text.
  const ours = texts
    .filter((text) => text.includes('Auth Debugger'))
    .map((text) => text.replace(/&nbsp;/g, ' ').replace(/\\([\\`*_{}[\]()#+\-.!<>~|])/g, '$1'));
  return ours.length > 0 ? ours.join('\n') : undefined;
}

/** Column of the first character of `needle` on a line (for hovering onto a token). */
export function columnOf(editor: vscode.TextEditor, line: number, needle: string): number {
  const column = editor.document.lineAt(line).text.indexOf(needle);
  if (column < 0) throw new Error(`"${needle.slice(0, 20)}…" is not on line ${line}`);
  return column;
}

/** Requests the loopback key server has answered, by endpoint. */
export function keyServerCounts(origin: string): Promise<{ jwks: number; alb: number }> {
  return new Promise((resolve, reject) => {
    get(`${origin}/__count`, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(JSON.parse(body) as { jwks: number; alb: number }));
    }).on('error', reject);
  });
}

/** Select the whole of one line, then run Decode Token; resolves with what the Inspector rendered. */
export async function decodeLine(name: string, line = 0): Promise<InspectorState> {
  const editor = await openFixture(name);
  const text = editor.document.lineAt(line).text;
  editor.selection = new vscode.Selection(line, 0, line, text.length);
  return decodeSelection();
}

/** Run Decode Token on the current selection. */
export async function decodeSelection(): Promise<InspectorState> {
  await vscode.commands.executeCommand('authDebugger.decodeToken');
  const state = (await extensionApi()).inspectorState();
  if (!state) throw new Error('the Token Inspector rendered nothing');
  return state;
}

/** Set a user-level setting of ours (undefined removes it). */
export async function setSetting(name: string, value: unknown): Promise<void> {
  await vscode.workspace
    .getConfiguration('authDebugger')
    .update(name, value, vscode.ConfigurationTarget.Global);
}

/** Whether a Token Inspector tab is open (the tab model catches up with the panel asynchronously). */
export async function inspectorTabOpen(timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = vscode.window.tabGroups.all
      .flatMap((group) => group.tabs)
      .some(
        (tab) =>
          tab.input instanceof vscode.TabInputWebview &&
          tab.input.viewType.endsWith('authDebugger.inspector'),
      );
    if (found || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Labels and input kinds of every open tab, for failure messages. */
export function describeTabs(): string {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .map(
      (tab) =>
        `${tab.label} [${tab.input instanceof vscode.TabInputWebview ? `webview ${tab.input.viewType}` : typeof tab.input}]`,
    )
    .join(', ');
}

export function checkStatus(state: InspectorState, id: string, index = 0): string | undefined {
  return state.tokens[index]?.checks.find((c) => c.id === id)?.status;
}

/** Poll until `probe` returns something truthy, or fail with `what`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 8000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
