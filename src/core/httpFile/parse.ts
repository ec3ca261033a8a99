// The request blocks and file variables of a `.http` file, REST Client (VS Code) and JetBrains HTTP Client formats.
// One forward pass over the lines, no regex that can backtrack on a long line: the work is O(text) whatever the
// file holds, and the output is capped (MAX_HTTP_REQUESTS, MAX_HTTP_VARIABLES) so a hostile file stays bounded.
//
// The grammar both clients share: `###` separates requests (text after it names the request in JetBrains);
// `# @name login` / `// @name login` names the next request (both); lines starting with `#` or `//` are comments;
// `@name = value` defines a file variable (REST Client everywhere, JetBrains in-place variables); the first other
// line is the request line `METHOD URL [HTTP/1.1]` (a URL alone means GET), REST Client's `?a=1` / `&b=2`
// continuation lines extend the URL; headers follow until an empty line; the rest up to the next `###` is the body,
// except JetBrains response handlers and redirects (`> {% ... %}`, `> ./script.js`, `>> out.json`, `<> previous`).

/** Inputs longer than this are parsed up to here only (`truncated` says so): 8 MiB of text, far above any real file. */
export const MAX_HTTP_FILE_CHARS = 8 * 1024 * 1024;
/** At most this many request blocks and file variables are kept; later ones are counted in `truncated`. */
export const MAX_HTTP_REQUESTS = 10_000;
export const MAX_HTTP_VARIABLES = 200_000;
/** A request line, header or variable line longer than this is cut here (a real one is a few KiB at most). */
export const MAX_HTTP_LINE_CHARS = 64 * 1024;

/** 0-based lines. */
export interface HttpHeaderLine {
  name: string;
  value: string;
  line: number;
  /** Column where the value starts (after "Name:" and spaces). */
  valueColumn: number;
}

export interface HttpRequestBlock {
  /** `# @name login`, `// @name login` or JetBrains `### login`. */
  name?: string;
  /** Where the name came from, for hover and go-to. */
  nameLine?: number;
  /** First line of the block (the line after `###`, or 0). */
  startLine: number;
  /** Last line of the block (the line before the next `###`, or the last line). */
  endLine: number;
  requestLine: number;
  method: string;
  /** The URL as written, continuation lines joined, `{{variables}}` not expanded. */
  url: string;
  /** Column where the URL starts on the request line. */
  urlColumn: number;
  /** HTTP/1.1 etc. when written. */
  httpVersion?: string;
  headers: HttpHeaderLine[];
  body?: string;
  bodyLine?: number;
}

/** `@name = value`: the value trimmed, references not expanded. */
export interface HttpFileVariable {
  name: string;
  value: string;
  line: number;
  /** Column where the name starts (after "@"). */
  nameColumn: number;
  /** Column where the value starts. */
  valueColumn: number;
}

export interface HttpFile {
  requests: HttpRequestBlock[];
  /** Every file variable in file order (REST Client: visible in the whole file; duplicates kept, the last wins). */
  variables: HttpFileVariable[];
  lineCount: number;
  /** Set when the input was cut (size) or blocks/variables were dropped (count caps). */
  truncated?: { chars: boolean; requests: number; variables: number };
}

const METHODS = new Set([
  'GET',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'HEAD',
  'OPTIONS',
  'TRACE',
  'CONNECT',
  'LOCK',
  'UNLOCK',
  'PROPFIND',
  'PROPPATCH',
  'COPY',
  'MOVE',
  'MKCOL',
  'MKCALENDAR',
  'ACL',
  'SEARCH',
  'GRAPHQL',
  'WEBSOCKET',
  'GRPC',
]);

interface LineCursor {
  text: string;
  at: number;
  index: number;
}

/** The next line (without its \r\n / \n), or undefined at the end. Linear: indexOf from the cursor. */
function nextLine(cursor: LineCursor): string | undefined {
  if (cursor.at > cursor.text.length) return undefined;
  const newline = cursor.text.indexOf('\n', cursor.at);
  const end = newline === -1 ? cursor.text.length : newline;
  let line = cursor.text.slice(cursor.at, end);
  if (line.endsWith('\r')) line = line.slice(0, -1);
  cursor.at = end + 1;
  cursor.index++;
  return line;
}

function isSeparator(trimmed: string): boolean {
  return trimmed.startsWith('###');
}

function isComment(trimmed: string): boolean {
  return trimmed.startsWith('#') || trimmed.startsWith('//');
}

/** "login" for `# @name login`, `// @name=login`, `# @name = login`; undefined otherwise. */
function requestNameComment(trimmed: string): string | undefined {
  const rest = trimmed.startsWith('#')
    ? trimmed.slice(1)
    : trimmed.startsWith('//')
      ? trimmed.slice(2)
      : undefined;
  if (rest === undefined) return undefined;
  const body = rest.trimStart();
  if (!body.startsWith('@name')) return undefined;
  const after = body.slice('@name'.length);
  if (after.length > 0 && after[0] !== ' ' && after[0] !== '\t' && after[0] !== '=') return undefined;
  const name = after.replace(/^[\s=]+/, '').trim();
  return name.length > 0 ? firstWord(name) : undefined;
}

function firstWord(text: string): string {
  const space = text.search(/\s/);
  return space === -1 ? text : text.slice(0, space);
}

/** A file variable line `@name = value` (name without spaces); undefined for anything else. */
function fileVariable(line: string, lineIndex: number): HttpFileVariable | undefined {
  const indent = line.length - line.trimStart().length;
  if (line[indent] !== '@') return undefined;
  const equals = line.indexOf('=', indent + 1);
  if (equals === -1) return undefined;
  const name = line.slice(indent + 1, equals).trim();
  if (name.length === 0 || /\s/.test(name)) return undefined;
  let valueColumn = equals + 1;
  while (valueColumn < line.length && (line[valueColumn] === ' ' || line[valueColumn] === '\t'))
    valueColumn++;
  return {
    name,
    value: line.slice(valueColumn).trimEnd(),
    line: lineIndex,
    nameColumn: indent + 1,
    valueColumn,
  };
}

/** A header line `Name: value`: a token name (no spaces) then ":". */
function headerLine(line: string, lineIndex: number): HttpHeaderLine | undefined {
  const colon = line.indexOf(':');
  if (colon <= 0) return undefined;
  const name = line.slice(0, colon).trim();
  if (name.length === 0 || /\s/.test(name)) return undefined;
  let valueColumn = colon + 1;
  while (valueColumn < line.length && (line[valueColumn] === ' ' || line[valueColumn] === '\t'))
    valueColumn++;
  return { name, value: line.slice(valueColumn).trimEnd(), line: lineIndex, valueColumn };
}

/** JetBrains lines after a body that are not body: response handlers, output redirects, `<> previous.json`. */
function isResponseDirective(trimmed: string): boolean {
  return trimmed.startsWith('> ') || trimmed.startsWith('>>') || trimmed.startsWith('<>') || trimmed === '>';
}

interface RequestLineParts {
  method: string;
  url: string;
  urlColumn: number;
  httpVersion?: string;
}

function requestLineParts(line: string): RequestLineParts {
  const indent = line.length - line.trimStart().length;
  const trimmed = line.trim();
  const firstSpace = trimmed.search(/\s/);
  const head = firstSpace === -1 ? trimmed : trimmed.slice(0, firstSpace);
  let method = 'GET';
  let rest = trimmed;
  let urlColumn = indent;
  if (METHODS.has(head.toUpperCase()) && firstSpace !== -1) {
    method = head.toUpperCase();
    const afterMethod = trimmed.slice(firstSpace);
    rest = afterMethod.trimStart();
    urlColumn = indent + firstSpace + (afterMethod.length - rest.length);
  }
  let httpVersion: string | undefined;
  const lastSpace = Math.max(rest.lastIndexOf(' '), rest.lastIndexOf('\t'));
  if (
    lastSpace !== -1 &&
    rest
      .slice(lastSpace + 1)
      .toUpperCase()
      .startsWith('HTTP/')
  ) {
    httpVersion = rest.slice(lastSpace + 1);
    rest = rest.slice(0, lastSpace).trimEnd();
  }
  return httpVersion === undefined
    ? { method, url: rest, urlColumn }
    : { method, url: rest, urlColumn, httpVersion };
}

interface BlockState {
  startLine: number;
  separatorName?: string;
  separatorLine?: number;
  commentName?: string;
  commentNameLine?: number;
}

/** Parse a whole `.http` file (or one pasted request block). Never throws; bounded as described above. */
export function parseHttpFile(text: string): HttpFile {
  const cutForSize = text.length > MAX_HTTP_FILE_CHARS;
  const source = cutForSize ? text.slice(0, MAX_HTTP_FILE_CHARS) : text;
  const cursor: LineCursor = { text: source, at: 0, index: -1 };
  const requests: HttpRequestBlock[] = [];
  const variables: HttpFileVariable[] = [];
  let droppedRequests = 0;
  let droppedVariables = 0;

  let block: BlockState = { startLine: 0 };
  // 'preamble': before the request line; 'headers'; 'body'; 'after' (a response directive ended the body).
  let phase: 'preamble' | 'headers' | 'body' | 'after' = 'preamble';
  let current: HttpRequestBlock | undefined;
  let bodyLines: string[] = [];
  let bodyChars = 0;

  const finishBlock = (lastLine: number): void => {
    if (current !== undefined) {
      current.endLine = Math.max(current.requestLine, lastLine);
      // Trailing empty lines are separators, not body.
      while (bodyLines.length > 0 && (bodyLines[bodyLines.length - 1] ?? '').trim() === '') bodyLines.pop();
      if (bodyLines.length > 0) current.body = bodyLines.join('\n');
      else delete current.bodyLine;
      if (requests.length < MAX_HTTP_REQUESTS) requests.push(current);
      else droppedRequests++;
    }
    current = undefined;
    bodyLines = [];
    bodyChars = 0;
    phase = 'preamble';
  };

  for (let raw = nextLine(cursor); raw !== undefined; raw = nextLine(cursor)) {
    const lineIndex = cursor.index;
    const line = raw.length > MAX_HTTP_LINE_CHARS ? raw.slice(0, MAX_HTTP_LINE_CHARS) : raw;
    const trimmed = line.trim();

    if (isSeparator(trimmed)) {
      finishBlock(lineIndex - 1);
      const title = trimmed.slice(3).trim();
      block = { startLine: lineIndex + 1 };
      // JetBrains: `### Get the user` names the request; REST Client treats it as a comment (harmless as a name).
      if (title.length > 0 && !title.startsWith('#')) {
        block.separatorName = title;
        block.separatorLine = lineIndex;
      }
      continue;
    }

    if (phase === 'preamble') {
      if (trimmed === '') continue;
      if (isComment(trimmed)) {
        const name = requestNameComment(trimmed);
        if (name !== undefined) {
          block.commentName = name;
          block.commentNameLine = lineIndex;
        }
        continue;
      }
      const variable = fileVariable(line, lineIndex);
      if (variable !== undefined) {
        if (variables.length < MAX_HTTP_VARIABLES) variables.push(variable);
        else droppedVariables++;
        continue;
      }
      const parts = requestLineParts(line);
      current = {
        startLine: block.startLine,
        endLine: lineIndex,
        requestLine: lineIndex,
        method: parts.method,
        url: parts.url,
        urlColumn: parts.urlColumn,
        headers: [],
      };
      if (parts.httpVersion !== undefined) current.httpVersion = parts.httpVersion;
      const name = block.commentName ?? block.separatorName;
      if (name !== undefined) {
        current.name = name;
        const nameLine = block.commentName !== undefined ? block.commentNameLine : block.separatorLine;
        if (nameLine !== undefined) current.nameLine = nameLine;
      }
      phase = 'headers';
      continue;
    }

    if (current === undefined) continue;

    if (phase === 'headers') {
      if (trimmed === '') {
        phase = 'body';
        continue;
      }
      // REST Client multi-line query: `?page=2` and `&size=10` right after the request line.
      if ((trimmed.startsWith('?') || trimmed.startsWith('&')) && current.headers.length === 0) {
        if (current.url.length + trimmed.length <= MAX_HTTP_LINE_CHARS) current.url += trimmed;
        continue;
      }
      if (isComment(trimmed)) continue;
      const header = headerLine(line, lineIndex);
      if (header !== undefined) {
        current.headers.push(header);
        continue;
      }
      // Not a header: a body with no blank line before it (JetBrains allows `< ./file.json` here).
      phase = 'body';
    }

    if (phase === 'body') {
      if (isResponseDirective(trimmed)) {
        phase = 'after';
        continue;
      }
      if (bodyLines.length === 0 && trimmed === '') continue;
      if (bodyLines.length === 0) current.bodyLine = lineIndex;
      // The body is kept up to the file cap (it is already a slice of bounded input); joins are linear.
      bodyLines.push(line);
      bodyChars += line.length + 1;
      if (bodyChars > MAX_HTTP_FILE_CHARS) phase = 'after';
    }
    // 'after': handler scripts and redirects until the next separator are not part of the request.
  }
  finishBlock(Math.max(0, cursor.index));

  const file: HttpFile = { requests, variables, lineCount: Math.max(0, cursor.index + 1) };
  if (cutForSize || droppedRequests > 0 || droppedVariables > 0) {
    file.truncated = { chars: cutForSize, requests: droppedRequests, variables: droppedVariables };
  }
  return file;
}

/** The request block containing `line` (0-based): from its start (after `###`) to its end, else undefined. */
export function requestAtLine(file: HttpFile, line: number): HttpRequestBlock | undefined {
  // Blocks are in line order: binary search keeps a CodeLens/hover lookup O(log n) on a 10,000-request file.
  let low = 0;
  let high = file.requests.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const request = file.requests[middle];
    if (request === undefined) return undefined;
    if (line < request.startLine) high = middle - 1;
    else if (line > request.endLine) low = middle + 1;
    else return request;
  }
  return undefined;
}

/** The file variable defined on `line`, if any (the last definition on that line). */
export function variableAtLine(file: HttpFile, line: number): HttpFileVariable | undefined {
  let low = 0;
  let high = file.variables.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const variable = file.variables[middle];
    if (variable === undefined) return undefined;
    if (line < variable.line) high = middle - 1;
    else if (line > variable.line) low = middle + 1;
    else return variable;
  }
  return undefined;
}
