// Where "Decode Token" gets its input: the selection, else the token under the caret, else a token on the
// clipboard, else a masked input box. In a .http file the request block around the token goes with it.
import * as vscode from 'vscode';
import { parseHttpFile, requestAtLine } from '../core/httpFile/parse.ts';
import { targetPath } from '../core/inputParse.ts';
import { decodeInput, parseInput } from '../core/verify/inspect.ts';
import type { DecodedInput } from '../core/verify/inspect.ts';
import { MAX_MESSAGE_TEXT } from '../shared/protocol.ts';
import type { InputSource } from '../shared/protocol.ts';
import { locateToken } from './tokenLocator.ts';
import type { LocatedToken } from './tokenLocator.ts';

/** The request a token belongs to, as the simulator's request line takes it. */
export interface RequestLine {
  method: string;
  path: string;
}

export interface TokenInput {
  text: string;
  source: InputSource;
  /** The text already parsed and decoded (when finding it took that), so the Inspector does not do it again. */
  decoded?: DecodedInput;
  /** The request the token came with (the .http block around it), for "Simulate". */
  request?: RequestLine;
  /** The compact token itself when `text` also names its header (the simulator takes the token only). */
  token?: string;
  /** The configuration the request belongs to (a .http CodeLens knows it), for the simulator's pickers. */
  configId?: string;
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
  return tokenAt(document, arg.line, arg.character);
}

/** The token at a position of a document, with its header and (in a .http file) its request. */
/** `.http` variables: the token a `{{reference}}` at a position stands for (set by httpVariables.ts; sync, cached). */
type ReferencedToken = (
  document: vscode.TextDocument,
  line: number,
  character: number,
) => LocatedToken | undefined;
let referencedToken: ReferencedToken | undefined;

/** Lets the hover's links (a location) reach the token behind `Authorization: Bearer {{token}}`. */
export function setReferencedTokenLookup(lookup: ReferencedToken | undefined): void {
  referencedToken = lookup;
}

function tokenAt(document: vscode.TextDocument, line: number, character: number): TokenInput | undefined {
  const found =
    locateToken(document.lineAt(line).text, character) ?? referencedToken?.(document, line, character);
  if (!found) return undefined;
  const request = httpRequestAt(document, line);
  return {
    text: locatedText(found),
    token: found.token,
    source: 'editor',
    ...(request === undefined ? {} : { request }),
  };
}

/** The token with the header it was found in, so the Inspector names the header as the hover does. */
function locatedText(found: LocatedToken): string {
  if (found.header === undefined) return found.token;
  return `${found.header}: ${found.scheme === undefined ? '' : `${found.scheme} `}${found.token}`;
}

/** Whether a document is a .http request file (REST Client, JetBrains HTTP Client). */
export function isHttpDocument(document: vscode.TextDocument): boolean {
  return document.languageId === 'http' || /\.(?:http|rest)$/i.test(document.uri.path);
}

/** The method and path of the .http request block around `line`, when the document is one and it names a path. */
export function httpRequestAt(document: vscode.TextDocument, line: number): RequestLine | undefined {
  if (!isHttpDocument(document)) return undefined;
  // The parser is linear and capped (MAX_HTTP_FILE_CHARS); this runs on a command, never on every hover.
  const block = requestAtLine(parseHttpFile(document.getText()), line);
  if (block === undefined) return undefined;
  const path = targetPath(block.url);
  return path === undefined ? undefined : { method: block.method, path };
}

/** Decode Token with an empty selection: the token under the caret of the active editor. */
export function caretInput(): TokenInput | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !editor.selection.isEmpty) return undefined;
  const caret = editor.selection.active;
  return tokenAt(editor.document, caret.line, caret.character);
}

/**
 * "Simulate" arguments: a document location (the hover's link; the token is read again from the document) or
 * `{ token, method?, path? }` (a CodeLens or another view that already holds the token and its request).
 */
export function simulatorInput(arg: unknown): TokenInput | undefined {
  const located = tokenAtLocation(arg);
  if (located !== undefined) return located;
  if (arg === null || typeof arg !== 'object' || Array.isArray(arg)) return undefined;
  const bag = arg as Record<string, unknown>;
  const token = Object.hasOwn(bag, 'token') ? bag['token'] : undefined;
  const method = Object.hasOwn(bag, 'method') ? bag['method'] : undefined;
  const path = Object.hasOwn(bag, 'path') ? bag['path'] : undefined;
  const request =
    typeof method === 'string' &&
    /^[A-Za-z]{1,16}$/.test(method) &&
    typeof path === 'string' &&
    path.startsWith('/')
      ? { method: method.toUpperCase(), path: path.slice(0, 4096) }
      : undefined;
  // A request without a token (a route with no authorizer, a .http block without Authorization) still opens.
  const hasToken = typeof token === 'string' && token.trim() !== '' && token.length <= MAX_MESSAGE_TEXT;
  if (!hasToken && request === undefined) return undefined;
  const headers = headerBlock(Object.hasOwn(bag, 'headers') ? bag['headers'] : undefined);
  const configId = Object.hasOwn(bag, 'configId') ? bag['configId'] : undefined;
  // Other headers of the request go with it as a header block, which the simulator reads as the request's headers.
  const text = headers !== undefined ? headers : hasToken ? token : '';
  return {
    text,
    source: 'argument',
    ...(request === undefined ? {} : { request }),
    ...(typeof configId === 'string' && configId.length <= 1000 ? { configId } : {}),
  };
}

/** `[{name, value}]` or `{name: value}` as "Name: value" lines (at most 100 headers), else undefined. */
function headerBlock(value: unknown): string | undefined {
  const pairs: [string, string][] = [];
  if (Array.isArray(value)) {
    for (const item of value.slice(0, 100)) {
      if (item === null || typeof item !== 'object') continue;
      const record = item as Record<string, unknown>;
      if (typeof record['name'] === 'string' && typeof record['value'] === 'string')
        pairs.push([record['name'], record['value']]);
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [name, item] of Object.entries(value).slice(0, 100))
      if (typeof item === 'string') pairs.push([name, item]);
  }
  const lines = pairs
    .filter(([name, item]) => /^[!#$%&'*+.^_`|~\w-]{1,256}$/.test(name) && !/[\r\n]/.test(item))
    .map(([name, item]) => `${name}: ${item}`);
  const block = lines.join('\n');
  return lines.length === 0 || block.length > MAX_MESSAGE_TEXT ? undefined : block;
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
