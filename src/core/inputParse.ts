// Reads what a user pastes (a token, a header, a JSON/HAR fragment, a curl command, a header block).
// Never guesses: anything that is not one of these shapes is an error with a reason.
import type { FoundToken, ParsedInput, PastedRequestLine } from './types.ts';

/** Per-token cap: real tokens are a few KiB; 64 KiB stops hostile sizes before any decoding. */
export const MAX_TOKEN_BYTES = 64 * 1024;
/** Whole-input cap: a header block or HAR fragment with a few tokens. */
export const MAX_INPUT_BYTES = 1024 * 1024;

/** Headers whose values are inspected; identity is cross-checked against the data blob. */
export const TOKEN_HEADERS = ['authorization', 'x-amzn-oidc-data', 'x-amzn-oidc-accesstoken'] as const;
const IDENTITY_HEADER = 'x-amzn-oidc-identity';

const HEADER_LINE = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+)[ \t]*:[ \t]*(.*)$/;
const REQUEST_LINE = /^(?:[A-Z]+ \S+ HTTP\/\d(?:\.\d)?|HTTP\/\d(?:\.\d)? \d{3}.*)$/;
const CURL_HEADER = /(?:^|\s)(?:-H|--header)\s*(?:'([^']*)'|"((?:[^"\\]|\\.)*)")/g;
/** A request line as .http files and raw requests write it: `GET https://host/path [HTTP/1.1]`, `GET /path`. */
const REQUEST_TARGET_LINE =
  /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|TRACE|CONNECT)[ \t]+(\S+)(?:[ \t]+HTTP\/\d(?:\.\d)?)?$/i;
/** REST Client's short form: a URL alone on the first line means GET. */
const URL_ONLY_LINE = /^https?:\/\/\S+$/i;
/** Lines of a .http file that are not part of a request: `###` separators and `#` or `//` comments. */
const HTTP_FILE_COMMENT = /^(?:#|\/\/)/;

/** Find the token(s) in pasted text. */
export function parseInput(text: string): ParsedInput {
  if (text.length > MAX_INPUT_BYTES) {
    return {
      ok: false,
      message: `input is ${kib(text.length)} KiB; the limit is ${kib(MAX_INPUT_BYTES)} KiB`,
    };
  }
  const trimmed = text.trim();
  if (trimmed === '') return single({ token: '', header: undefined, scheme: undefined });

  if (/^curl\s|(?:^|\s)(?:-H|--header)\s*['"]/.test(trimmed)) return parseCurl(trimmed);
  if (trimmed.startsWith('{') || trimmed.startsWith('[') || trimmed.startsWith('"'))
    return parseJsonFragment(trimmed);

  const lines = trimmed.split(/\r?\n/).map((line) => line.trim());
  if (lines.length > 1) return parseRequestBlock(lines) ?? parseHeaderBlock(lines);

  const line = lines[0] ?? '';
  if (HEADER_LINE.test(line) && !looksLikeToken(line)) return parseHeaderBlock([line]);
  return bareValue(line);
}

function single(found: FoundToken): ParsedInput {
  return { ok: true, tokens: [found], headerBlock: false, identity: undefined };
}

function looksLikeToken(text: string): boolean {
  return /^[A-Za-z0-9_=-]+(\.[A-Za-z0-9_=-]*)+$/.test(text);
}

type ValueResult = { ok: true; found: FoundToken } | { ok: false; message: string };

function bareValue(value: string): ParsedInput {
  const result = readValue(value, undefined);
  return result.ok ? single(result.found) : result;
}

/** A header value (or bare pasted text): `Bearer <jwt>` or a raw token. */
function readValue(value: string, header: string | undefined): ValueResult {
  const trimmed = value.trim();
  const parts = trimmed.split(/\s+/);
  if (parts.length === 1) return { ok: true, found: { token: trimmed, header, scheme: undefined } };
  if (parts.length === 2) {
    const [scheme = '', token = ''] = parts;
    if (/^bearer$/i.test(scheme)) return { ok: true, found: { token, header, scheme } };
    const where = header ? `the ${header} header` : 'the input';
    return {
      ok: false,
      message: `${where} uses the "${scheme.slice(0, 20)}" scheme; only Bearer tokens and raw JWTs can be inspected`,
    };
  }
  const where = header ? `the ${header} header value` : 'the input';
  return {
    ok: false,
    message: `${where} is not a token, "Bearer <token>", a header line, a JSON/HAR fragment or a curl command`,
  };
}

/**
 * A selected request (a .http block or a raw request): comments, the request line, headers up to the first blank
 * line; the body is not read. Undefined when the text does not start with a request line.
 */
function parseRequestBlock(lines: readonly string[]): ParsedInput | undefined {
  let at = 0;
  while (at < lines.length && (lines[at] === '' || HTTP_FILE_COMMENT.test(lines[at] ?? ''))) at++;
  const request = requestLine(lines[at] ?? '');
  if (request === undefined) return undefined;
  const firstHeader = at + 1;
  let end = firstHeader;
  // Headers end at the blank line before the body, or at the next request's `###` separator.
  while (end < lines.length && lines[end] !== '' && !(lines[end] ?? '').startsWith('###')) end++;
  const headers: string[] = [];
  const numbers: number[] = [];
  for (let index = firstHeader; index < end; index++) {
    const line = lines[index] ?? '';
    if (HTTP_FILE_COMMENT.test(line)) continue;
    headers.push(line);
    numbers.push(index + 1);
  }
  if (headers.length === 0) {
    return {
      ok: false,
      message: `the ${request.method} request has no headers, so no Authorization, x-amzn-oidc-data or x-amzn-oidc-accesstoken header`,
    };
  }
  const parsed = parseHeaderBlock(headers, numbers);
  return parsed.ok ? { ...parsed, request } : parsed;
}

/** The request line's method, target and path, or undefined when the line is not one. */
function requestLine(line: string): PastedRequestLine | undefined {
  const match = REQUEST_TARGET_LINE.exec(line);
  if (match) {
    const target = match[2] ?? '';
    return { method: (match[1] ?? 'GET').toUpperCase(), target, path: targetPath(target) };
  }
  if (URL_ONLY_LINE.test(line)) return { method: 'GET', target: line, path: targetPath(line) };
  return undefined;
}

/** `/a/b?x` from `https://host/a/b?x#f`, `/a/b` itself, `/orders` from `{{baseUrl}}/orders`; else undefined. */
export function targetPath(target: string): string | undefined {
  const hash = target.indexOf('#');
  const text = hash < 0 ? target : target.slice(0, hash);
  if (text.startsWith('/')) return text;
  const scheme = /^https?:\/\//i.exec(text);
  if (scheme) {
    const slash = text.indexOf('/', scheme[0].length);
    const query = text.indexOf('?', scheme[0].length);
    if (slash < 0 || (query >= 0 && query < slash)) return query < 0 ? '/' : `/${text.slice(query)}`;
    return text.slice(slash);
  }
  // A leading `{{variable}}` stands for the scheme and host.
  const variable = /^\{\{[^{}]*\}\}/.exec(text);
  if (variable) {
    const rest = text.slice(variable[0].length);
    return rest.startsWith('/') ? rest : undefined;
  }
  return undefined;
}

/** Header lines; `numbers` gives each line's 1-based number in the input for messages (default: its position). */
function parseHeaderBlock(lines: readonly string[], numbers?: readonly number[]): ParsedInput {
  const tokens: FoundToken[] = [];
  let identity: string | undefined;
  const seen = new Set<string>();
  let headerLines = 0;
  for (const [index, line] of lines.entries()) {
    if (line === '') continue;
    if (index === 0 && numbers === undefined && REQUEST_LINE.test(line)) continue;
    const match = HEADER_LINE.exec(line);
    if (!match) {
      const number = numbers?.[index] ?? index + 1;
      return { ok: false, message: `line ${number} is not an HTTP header ("Name: value")` };
    }
    headerLines++;
    const name = (match[1] ?? '').toLowerCase();
    const value = match[2] ?? '';
    if (name === IDENTITY_HEADER) {
      identity = value.trim();
      continue;
    }
    if (!(TOKEN_HEADERS as readonly string[]).includes(name)) continue;
    if (seen.has(name))
      return {
        ok: false,
        message: `the ${name} header appears more than once: paste one request (every token of a log or HAR file: authdbg scan)`,
      };
    seen.add(name);
    const result = readValue(value, name);
    if (!result.ok) return result;
    tokens.push(result.found);
  }
  if (tokens.length === 0) {
    return {
      ok: false,
      message: 'no Authorization, x-amzn-oidc-data or x-amzn-oidc-accesstoken header found',
    };
  }
  return { ok: true, tokens, headerBlock: headerLines > 1, identity };
}

function parseCurl(text: string): ParsedInput {
  const lines: string[] = [];
  CURL_HEADER.lastIndex = 0;
  let match: RegExpExecArray | null;
  while ((match = CURL_HEADER.exec(text)) !== null) {
    lines.push((match[1] ?? match[2] ?? '').replace(/\\(.)/g, '$1'));
  }
  if (lines.length === 0) return { ok: false, message: 'the curl command has no -H/--header argument' };
  return parseHeaderBlock(lines);
}

/** `"Authorization": "Bearer ..."`, `{...}` objects, HAR `{name, value}` headers and arrays of them. */
function parseJsonFragment(text: string): ParsedInput {
  const candidates = [text, `{${text.replace(/,\s*$/, '')}}`];
  let value: unknown;
  let parsed = false;
  for (const candidate of candidates) {
    try {
      value = JSON.parse(candidate);
      parsed = true;
      break;
    } catch {
      // try the next wrapping
    }
  }
  if (!parsed) return { ok: false, message: 'the JSON fragment is not valid JSON' };
  if (typeof value === 'string') return bareValue(value);
  if (isJsonSerializedJws(value)) {
    return {
      ok: false,
      message: 'JSON-serialized JWS is not supported: paste the compact form (header.payload.signature)',
    };
  }
  const headerLines: string[] = [];
  collectHeaders(value, headerLines, 0);
  if (headerLines.length === 0) {
    return {
      ok: false,
      message: 'the JSON has no Authorization, x-amzn-oidc-data or x-amzn-oidc-accesstoken header',
    };
  }
  return parseHeaderBlock(headerLines);
}

function isJsonSerializedJws(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  return 'payload' in value && ('protected' in value || 'signatures' in value || 'signature' in value);
}

function collectHeaders(value: unknown, out: string[], depth: number): void {
  if (depth > 8 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) collectHeaders(item, out, depth + 1);
    return;
  }
  const record = value as Record<string, unknown>;
  if (typeof record['name'] === 'string' && typeof record['value'] === 'string') {
    if (isInterestingHeader(record['name'])) out.push(`${record['name']}: ${record['value']}`);
    return;
  }
  for (const [key, item] of Object.entries(record)) {
    if (typeof item === 'string' && isInterestingHeader(key)) out.push(`${key}: ${item}`);
    else if (typeof item === 'object') collectHeaders(item, out, depth + 1);
  }
}

function isInterestingHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === IDENTITY_HEADER || (TOKEN_HEADERS as readonly string[]).includes(lower);
}

function kib(bytes: number): string {
  return (bytes / 1024).toFixed(bytes % 1024 === 0 ? 0 : 1);
}
