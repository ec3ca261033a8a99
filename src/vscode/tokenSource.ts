// Where "Decode Token" gets its input: the selection, else a token on the clipboard, else a masked input box.
import * as vscode from 'vscode';
import { decodeInput, parseInput } from '../core/verify/inspect.ts';
import type { DecodedInput } from '../core/verify/inspect.ts';
import type { InputSource } from '../shared/protocol.ts';
import { locateToken } from './tokenLocator.ts';

export interface TokenInput {
  text: string;
  source: InputSource;
  /** The text already parsed and decoded (when finding it took that), so the Inspector does not do it again. */
  decoded?: DecodedInput;
}

/** Longest selection or clipboard text considered (the core caps input at 1 MiB as well). */
const MAX_INPUT = 1024 * 1024;

/** A command argument naming a place in a document (the hover's "Open in Inspector" link). */
export interface DocumentLocation {
  uri: string;
  line: number;
  character: number;
}

function isDocumentLocation(value: unknown): value is DocumentLocation {
  if (value === null || typeof value !== 'object') return false;
  const bag = value as Record<string, unknown>;
  return (
    typeof bag.uri === 'string' &&
    Number.isInteger(bag.line) &&
    (bag.line as number) >= 0 &&
    Number.isInteger(bag.character) &&
    (bag.character as number) >= 0
  );
}

/** The token at a document location (re-read from the document, never carried in the link). */
export function tokenAtLocation(arg: unknown): TokenInput | undefined {
  if (!isDocumentLocation(arg)) return undefined;
  let uri: vscode.Uri;
  try {
    uri = vscode.Uri.parse(arg.uri, true);
  } catch {
    return undefined;
  }
  if (uri.scheme !== 'file' && uri.scheme !== 'untitled') return undefined;
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (!document || arg.line >= document.lineCount) return undefined;
  const found = locateToken(document.lineAt(arg.line).text, arg.character);
  if (!found) return undefined;
  return { text: found.token, source: 'editor' };
}

/** The editor selection, when there is a non-empty one. */
export function selectionInput(): TokenInput | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.selection.isEmpty) return undefined;
  const text = editor.document.getText(editor.selection);
  if (text.trim() === '' || text.length > MAX_INPUT) return undefined;
  return { text, source: 'selection' };
}

/** The clipboard, when it holds something the core recognises as a token or header. */
export async function clipboardInput(): Promise<TokenInput | undefined> {
  const text = await vscode.env.clipboard.readText();
  if (text.trim() === '' || text.length > MAX_INPUT) return undefined;
  const decoded = decodeInput(text);
  if (!decoded.ok || !decoded.items.some((item) => item.decoded.token.kind !== 'invalid')) return undefined;
  return { text, source: 'clipboard', decoded };
}

/** Ask for a token in a masked input box (the token is a credential). */
export async function promptInput(): Promise<TokenInput | undefined> {
  const text = await vscode.window.showInputBox({
    title: 'Auth Debugger: Decode Token',
    prompt: 'Paste a JWT, "Bearer <jwt>", an Authorization or x-amzn-oidc-data header',
    placeHolder: 'eyJ…',
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) => {
      if (value.trim() === '') return undefined;
      const parsed = parseInput(value);
      return parsed.ok ? undefined : parsed.message;
    },
  });
  if (text === undefined || text.trim() === '') return undefined;
  return { text, source: 'input box' };
}
