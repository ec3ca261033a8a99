// Finding the identity-source header value in whatever the user gave: a bare token, a header, a header block.
import { parseInput } from '../verify/inspect.ts';
export type { IdentityExpression, IdentityLocation } from '../config/identitySources.ts';
export { parseIdentityExpression } from '../config/identitySources.ts';
import type { TraceStep } from './result.ts';
import { step } from './result.ts';

/** The value of the identity-source header, split into scheme and token. */
export interface IdentityValue {
  /** The token without a `Bearer` scheme. */
  token: string;
  scheme: string | undefined;
  /** True when a bare token was given and is assumed to be in the header. */
  assumed: boolean;
}

/** What was found: the header's value, and (for ALB) the companion headers of a header block. */
export interface IdentityLookup {
  value: IdentityValue | undefined;
  notes: TraceStep[];
  /** x-amzn-oidc-accesstoken / x-amzn-oidc-identity when a header block carried them. */
  accessToken: string | undefined;
  identity: string | undefined;
}

const HEADER_LINE = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+)[ \t]*:[ \t]*(.*)$/;

function splitScheme(value: string): { token: string; scheme: string | undefined } {
  const parts = value.trim().split(/\s+/);
  if (parts.length === 2 && /^bearer$/i.test(parts[0] ?? ''))
    return { token: parts[1] ?? '', scheme: parts[0] };
  return { token: value.trim(), scheme: undefined };
}

function scanHeader(text: string, wanted: string): string | undefined {
  for (const line of text.split(/\r?\n/)) {
    const m = HEADER_LINE.exec(line.trim());
    if (m && (m[1] ?? '').toLowerCase() === wanted) return m[2] ?? '';
  }
  return undefined;
}

/** Look for `header` (case-insensitive) in the input; a bare token is taken to be in that header. */
export function findIdentity(input: string | undefined, header: string): IdentityLookup {
  const wanted = header.toLowerCase();
  const notes: TraceStep[] = [];
  const none = (message: string): IdentityLookup => ({
    value: undefined,
    notes: [...notes, step('identity-source', 'fail', message)],
    accessToken: undefined,
    identity: undefined,
  });
  if (input === undefined || input.trim() === '')
    return none(`no ${header} header: the request carries no token`);
  const parsed = parseInput(input);
  if (parsed.ok) {
    const accessToken = parsed.tokens.find((t) => t.header === 'x-amzn-oidc-accesstoken')?.token;
    const exact = parsed.tokens.find((t) => t.header === wanted);
    const bare = parsed.tokens.find((t) => t.header === undefined);
    const found = exact ?? bare;
    if (found) {
      if (found.token === '') return none(`the ${header} header is empty`);
      notes.push(
        step(
          'identity-source',
          'pass',
          exact
            ? `${header} header found in the input`
            : `a bare token was given: taken as the value of the ${header} header`,
        ),
      );
      return {
        value: { token: found.token, scheme: found.scheme, assumed: !exact },
        notes,
        accessToken,
        identity: parsed.identity,
      };
    }
    const custom = scanHeader(input, wanted);
    if (custom !== undefined && custom.trim() !== '') {
      notes.push(step('identity-source', 'pass', `${header} header found in the input`));
      return {
        value: { ...splitScheme(custom), assumed: false },
        notes,
        accessToken,
        identity: parsed.identity,
      };
    }
    const present = parsed.tokens.map((t) => t.header).filter((h): h is string => h !== undefined);
    return none(
      `the input has ${present.join(', ')} but no ${header} header (the authorizer's identity source)`,
    );
  }
  const custom = scanHeader(input, wanted);
  if (custom !== undefined) {
    if (custom.trim() === '') return none(`the ${header} header is empty`);
    notes.push(step('identity-source', 'pass', `${header} header found in the input`));
    return {
      value: { ...splitScheme(custom), assumed: false },
      notes,
      accessToken: undefined,
      identity: undefined,
    };
  }
  const lines = input.trim().split(/\r?\n/);
  const other = lines.length === 1 ? HEADER_LINE.exec(lines[0] ?? '') : null;
  if (other && !/^https?$/i.test(other[1] ?? '')) {
    // "X-Id-Token: ..." names another header: the wanted one is absent, not this whole line.
    return none(`the input has a ${other[1] ?? ''} header but no ${header} header`);
  }
  if (lines.length === 1) {
    notes.push(
      step(
        'identity-source',
        'info',
        `the input is not a token (${parsed.message}); sent as the ${header} value`,
      ),
    );
    return {
      value: { ...splitScheme(input), assumed: true },
      notes,
      accessToken: undefined,
      identity: undefined,
    };
  }
  return none(`the input has no ${header} header (${parsed.message})`);
}

/** The raw value of header `name` (case-insensitive) in a header block, if a line carries it. */
export function headerLine(input: string | undefined, name: string): string | undefined {
  if (input === undefined) return undefined;
  return scanHeader(input, name.toLowerCase());
}

/** Query-string values of a request line ("GET /a?x=1&x=2" -> {x: ["1", "2"]}); names are case-sensitive. */
export function queryOf(requestLine: string): Map<string, string[]> {
  const query = new Map<string, string[]>();
  const target = requestLine.trim().split(/\s+/)[1] ?? '';
  const start = target.indexOf('?');
  if (start === -1) return query;
  const text = target.slice(start + 1).split('#', 1)[0] ?? '';
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodeQueryPart(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decodeQueryPart(pair.slice(eq + 1));
    const list = query.get(name) ?? [];
    list.push(value);
    query.set(name, list);
  }
  return query;
}

function decodeQueryPart(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
