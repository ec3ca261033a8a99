// Reads what a user pastes (a token, a header, a JSON/HAR fragment, a curl command, a header block).
// Never guesses: anything that is not one of these shapes is an error with a reason.
import type { FoundToken, ParsedInput } from './types.ts';

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
  if (lines.length > 1) return parseHeaderBlock(lines);

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

function parseHeaderBlock(lines: string[]): ParsedInput {
  const tokens: FoundToken[] = [];
  let identity: string | undefined;
  const seen = new Set<string>();
  let headerLines = 0;
  for (const [index, line] of lines.entries()) {
    if (line === '') continue;
    if (index === 0 && REQUEST_LINE.test(line)) continue;
    const match = HEADER_LINE.exec(line);
    if (!match) {
      return { ok: false, message: `line ${index + 1} is not an HTTP header ("Name: value")` };
    }
    headerLines++;
    const name = (match[1] ?? '').toLowerCase();
    const value = match[2] ?? '';
    if (name === IDENTITY_HEADER) {
      identity = value.trim();
      continue;
    }
    if (!(TOKEN_HEADERS as readonly string[]).includes(name)) continue;
    if (seen.has(name)) return { ok: false, message: `the ${name} header appears more than once` };
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
