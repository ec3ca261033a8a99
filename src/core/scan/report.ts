// The scan report: one row per distinct token, decoded and verified once with the existing core (the same
// options as `inspect`), with its count and first/last place, expiry at `now`, a verdict, and whether it is
// live (a leak). HAR occurrences carry their request; with a configuration each request is simulated and the
// recorded status compared. Rows never hold the token: a short hash and the redacted form only.
import { parseExecuteApiHost } from '../awsIdentifiers.ts';
import type { SimConfig } from '../config/model.ts';
import { decodeToken } from '../decode.ts';
import { tokenVerdict } from '../explain/verdict.ts';
import type { VerifyDeps } from '../keys/types.ts';
import { redactText, redactToken, tokenHash } from '../redact.ts';
import { simulate } from '../simulate/simulate.ts';
import type { UserKeyUrls } from '../simulate/result.ts';
import type { DecodeResult, JsonObject, JsonValue, TokenKind, TokenReport, VerifyOptions } from '../types.ts';
import { inspectDecoded } from '../verify/inspect.ts';
import type { HarOccurrence, ScanTotals } from './sources.ts';
import type { TokenEntry, TokenTable } from './scanner.ts';

/** Requests listed per token (the count says how many there were). */
export const MAX_REQUESTS_PER_TOKEN = 1000;
/** Distinct requests simulated per scan. */
export const MAX_SIMULATIONS = 20_000;

/** What a row's verdict says, as data. */
export type ScanVerdict =
  'valid' | 'unverified' | 'expired' | 'not-yet-valid' | 'forged' | 'invalid' | 'encrypted' | 'malformed';

export interface ScanPlace {
  file: string;
  line: number;
}

/** One HAR request that carried (or returned) the token. */
export interface ScanRequest {
  file: string;
  line: number;
  method: string | null;
  /** Tokens in the URL are redacted. */
  url: string | null;
  /** The response status the HAR recorded. */
  status: number | null;
  /** The token was in the request (sent), not its response. */
  sent: boolean;
  /** With a configuration: what the simulator answers for this request. */
  simulatedStatus?: number;
  decidedBy?: string;
  /** Recorded and simulated statuses agree (undefined when not simulated or nothing was recorded). */
  agrees?: boolean;
}

export interface ScanTokenRow {
  hash: string;
  kind: TokenKind;
  iss: string | null;
  sub: string | null;
  client: string | null;
  tokenUse: string | null;
  count: number;
  first: ScanPlace;
  last: ScanPlace;
  expired: boolean;
  live: boolean;
  valid: boolean;
  requests?: ScanRequest[];
  /** Not in --json: what the people table and SARIF show (`redacted` built on first read). */
  verdict: ScanVerdict;
  sentence: string;
  readonly redacted: string;
  disagreements: number;
  requestCount: number;
}

export interface ScanReport {
  tokens: ScanTokenRow[];
  files: number;
  bytes: number;
  /** Occurrences of tokens beyond the distinct-token cap: counted, not reported per token. */
  untracked: number;
  errors: { path: string; reason: string }[];
}

export interface ScanReportOptions {
  verify: VerifyOptions;
  /** Simulate HAR requests against this configuration. */
  config?: SimConfig;
  keyUrls?: UserKeyUrls;
}

/** What a row needs from a token's report: kept instead of the report (10,000 reports would be tens of MB). */
interface TokenFacts {
  kind: TokenKind;
  iss: string | null;
  sub: string | null;
  client: string | null;
  tokenUse: string | null;
  expired: boolean;
  verdict: ScanVerdict;
  valid: boolean;
  /** The verdict sentence, when asked for (table and SARIF output). */
  sentence: string | undefined;
}

/**
 * Verifies distinct tokens as the scan finds them (one queue, each token once), so verification overlaps the
 * worker threads' scanning instead of following it.
 */
export class TokenVerifier {
  readonly #results = new Map<TokenEntry, Promise<TokenFacts>>();
  #tail: Promise<unknown> = Promise.resolve();

  constructor(
    readonly options: VerifyOptions,
    readonly deps: VerifyDeps,
    /** Build each verdict sentence (for people and SARIF; JSON output has none). */
    readonly sentences = true,
  ) {}

  /** Hook for TokenTable.onNewEntry. */
  enqueue(entry: TokenEntry): void {
    if (this.#results.has(entry)) return;
    const result = this.#tail.then(() => verifyEntry(entry, this.options, this.deps, this.sentences));
    this.#tail = result.catch(() => undefined);
    this.#results.set(entry, result);
  }

  result(entry: TokenEntry): Promise<TokenFacts> {
    this.enqueue(entry);
    return this.#results.get(entry) as Promise<TokenFacts>;
  }
}

async function verifyEntry(
  entry: TokenEntry,
  options: VerifyOptions,
  deps: VerifyDeps,
  sentences: boolean,
): Promise<TokenFacts> {
  const report = await inspectDecoded(decodeEntry(entry), options, deps);
  const header = report.header ?? {};
  const payload = report.payload ?? {};
  const verdict = verdictOf(report);
  return {
    kind: report.kind === 'invalid' && entry.shape === 'jwe' ? 'jwe' : report.kind,
    iss: text1(payload['iss']) ?? text1(header['iss']),
    sub: text1(payload['sub']) ?? text1(payload['username']) ?? text1(payload['cognito:username']),
    client: text1(payload['client_id']) ?? audience(payload['aud']) ?? text1(header['client']),
    tokenUse: text1(payload['token_use']),
    expired: verdict === 'expired' || report.checks.some((c) => c.id === 'exp' && c.reason === 'expired'),
    verdict,
    valid: report.valid,
    sentence: !sentences
      ? undefined
      : verdict === 'encrypted'
        ? 'Encrypted (JWE): its expiry cannot be read; treated as live'
        : tokenVerdict(report).sentence,
  };
}

/** Decode a token as written; a standard-alphabet one ("+" "/") is read as base64url but verified as written. */
function decodeEntry(entry: TokenEntry): DecodeResult {
  const text = entry.bytes.toString('latin1');
  if (!entry.standardAlphabet) return decodeToken(text);
  const decoded = decodeToken(text.replace(/\+/g, '-').replace(/\//g, '_'));
  if (decoded.format.status === 'fail' || decoded.token.kind === 'jwe') return decoded;
  const lastDot = text.lastIndexOf('.');
  decoded.token.text = text;
  decoded.token.signingInput = text.slice(0, lastDot);
  decoded.token.signatureSegment = text.slice(lastDot + 1);
  return decoded;
}

/** Build the report once the scan is done (verification has mostly happened during it). */
export async function buildScanReport(
  table: TokenTable,
  totals: ScanTotals,
  verifier: TokenVerifier,
  options: ScanReportOptions,
  deps: VerifyDeps,
): Promise<ScanReport> {
  const requests = await harRequests(totals.har, options, deps);
  const rows: ScanTokenRow[] = [];
  for (const entry of table.entries) {
    rows.push(rowOf(entry, await verifier.result(entry), requests.get(entry)));
  }
  rows.sort(rowOrder);
  return {
    tokens: rows,
    files: totals.files,
    bytes: totals.bytes,
    untracked: table.untracked,
    errors: totals.errors,
  };
}

const VERDICT_RANK: Record<ScanVerdict, number> = {
  valid: 0,
  unverified: 1,
  encrypted: 2,
  forged: 3,
  invalid: 4,
  'not-yet-valid': 5,
  expired: 6,
  malformed: 7,
};

/** Disagreements first, then live tokens (leaks), then by verdict; ties in order of first sighting. */
function rowOrder(a: ScanTokenRow, b: ScanTokenRow): number {
  if (a.disagreements > 0 !== b.disagreements > 0) return a.disagreements > 0 ? -1 : 1;
  if (a.live !== b.live) return a.live ? -1 : 1;
  return VERDICT_RANK[a.verdict] - VERDICT_RANK[b.verdict];
}

function rowOf(entry: TokenEntry, facts: TokenFacts, requests: ScanRequest[] | undefined): ScanTokenRow {
  const verdict = facts.verdict;
  const text = entry.bytes.toString('latin1');
  const row = {
    hash: tokenHash(entry.bytes),
    kind: facts.kind,
    iss: facts.iss,
    sub: facts.sub,
    client: facts.client,
    tokenUse: facts.tokenUse,
    count: entry.count,
    first: { file: entry.first.file, line: entry.first.line },
    last: { file: entry.last.file, line: entry.last.line },
    expired: facts.expired,
    live: verdict === 'valid' || verdict === 'unverified' || verdict === 'encrypted',
    valid: facts.valid,
    verdict,
    sentence: facts.sentence ?? verdict,
    disagreements: 0,
    requestCount: 0,
  } as ScanTokenRow;
  // Display-only, built when a table or SARIF reads it (JSON output never does).
  let redacted: string | undefined;
  Object.defineProperty(row, 'redacted', {
    get: () =>
      (redacted ??=
        entry.shape === 'jwe' ? `${text.slice(0, text.indexOf('.'))}.<redacted>` : redactToken(text)),
    enumerable: false,
  });
  if (requests !== undefined) {
    requests.sort((a, b) => Number(a.agrees !== false) - Number(b.agrees !== false));
    row.requestCount = requests.length;
    row.disagreements = requests.filter((r) => r.agrees === false).length;
    row.requests = requests.slice(0, MAX_REQUESTS_PER_TOKEN);
  }
  return row;
}

/** One word for the row, from the checks (never from their text). */
function verdictOf(report: TokenReport): ScanVerdict {
  const byId = new Map(report.checks.map((c) => [c.id, c]));
  const format = byId.get('format');
  if (report.kind === 'jwe') return 'encrypted';
  if (format?.status === 'fail') return 'malformed';
  if (report.valid) return 'valid';
  const alg = byId.get('alg');
  const algName = typeof report.header?.['alg'] === 'string' ? report.header['alg'] : '';
  if (alg?.status === 'fail' && /^none$/i.test(algName)) return 'forged';
  const signature = byId.get('signature');
  const key = byId.get('key');
  if (key?.status === 'pass' && signature?.status === 'fail') return 'forged';
  const exp = byId.get('exp');
  if (exp?.status === 'fail' && exp.reason === 'expired') return 'expired';
  const nbf = byId.get('nbf');
  if (nbf?.status === 'fail' && nbf.reason === 'not-yet-valid') return 'not-yet-valid';
  const failedClaims = report.checks.some(
    (c) =>
      c.status === 'fail' && !['alg', 'kid', 'key', 'signature'].includes(c.id) && c.reason !== 'depends',
  );
  if (failedClaims) return 'invalid';
  const hmacWithoutSecret = alg?.status === 'fail' && algName.startsWith('HS');
  if (alg?.status === 'fail' && !hmacWithoutSecret) return 'invalid';
  if (byId.get('kid')?.status === 'fail' && key?.status !== 'fail') return 'invalid';
  return 'unverified';
}

function text1(value: JsonValue | undefined): string | null {
  return typeof value === 'string' ? value.slice(0, 256) : null;
}

function audience(value: JsonValue | undefined): string | null {
  if (typeof value === 'string') return value.slice(0, 256);
  if (Array.isArray(value)) return text1(value.find((item) => typeof item === 'string'));
  return null;
}

/** HAR occurrences grouped per token, one per entry, simulated when a configuration was given. */
async function harRequests(
  occurrences: readonly HarOccurrence[],
  options: ScanReportOptions,
  deps: VerifyDeps,
): Promise<Map<TokenEntry, ScanRequest[]>> {
  const byToken = new Map<TokenEntry, Map<string, ScanRequest>>();
  const simulated = new Map<string, Promise<{ status: number; decidedBy: string } | undefined>>();
  for (const occurrence of occurrences) {
    let perEntry = byToken.get(occurrence.entry);
    if (!perEntry) {
      perEntry = new Map();
      byToken.set(occurrence.entry, perEntry);
    }
    const har = occurrence.har;
    const key = `${occurrence.place.file}\u0000${har.index}`;
    const existing = perEntry.get(key);
    if (existing) {
      existing.sent ||= occurrence.inRequest;
      continue;
    }
    const request: ScanRequest = {
      file: occurrence.place.file,
      line: occurrence.place.line,
      method: har.method ?? null,
      url: har.url === undefined ? null : redactText(har.url),
      status: har.status ?? null,
      sent: occurrence.inRequest,
    };
    perEntry.set(key, request);
    if (options.config && occurrence.inRequest && har.method !== undefined && har.url !== undefined) {
      const simulationKey = `${har.method} ${har.url}\u0000${headerBlock(har.headers) ?? ''}`;
      let outcome = simulated.get(simulationKey);
      if (outcome === undefined && simulated.size < MAX_SIMULATIONS) {
        outcome = simulateRequest(options.config, har.method, har.url, har.headers, options, deps);
        simulated.set(simulationKey, outcome);
      }
      const result = outcome === undefined ? undefined : await outcome;
      if (result) {
        request.simulatedStatus = result.status;
        request.decidedBy = result.decidedBy;
        if (request.status !== null && request.status > 0) request.agrees = request.status === result.status;
      }
    }
  }
  const out = new Map<TokenEntry, ScanRequest[]>();
  for (const [entry, perEntry] of byToken) out.set(entry, [...perEntry.values()]);
  return out;
}

const TOKEN_CHARS = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/** The request's headers as a header block for the simulator (pseudo-headers like `:authority` left out). */
function headerBlock(headers: readonly { name: string; value: string }[]): string | undefined {
  const lines: string[] = [];
  const seen = new Set<string>();
  let hasToken = false;
  for (const { name, value } of headers) {
    if (!TOKEN_CHARS.test(name)) continue;
    const lower = name.toLowerCase();
    if (seen.has(lower)) continue;
    seen.add(lower);
    if (lower === 'authorization' || lower.startsWith('x-amzn-oidc-')) hasToken = true;
    lines.push(`${name}: ${value.replace(/[\r\n]/g, ' ')}`);
  }
  return hasToken ? lines.join('\n') : undefined;
}

async function simulateRequest(
  config: SimConfig,
  method: string,
  url: string,
  headers: readonly { name: string; value: string }[],
  options: ScanReportOptions,
  deps: VerifyDeps,
): Promise<{ status: number; decidedBy: string } | undefined> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const token = headerBlock(headers);
  const simulationOptions = options.keyUrls
    ? { now: options.verify.now, keyUrls: options.keyUrls }
    : { now: options.verify.now };
  const run = async (path: string) => {
    const request: Parameters<typeof simulate>[0] = { config, route: `${method} ${path}${parsed.search}` };
    if (token !== undefined) request.token = token;
    return simulate(request, simulationOptions, deps);
  };
  let result = await run(parsed.pathname);
  // API Gateway's own hostnames put the stage first (/prod/orders); the configuration's routes do not.
  if (!result.route && parseExecuteApiHost(parsed.hostname) !== undefined) {
    const rest = parsed.pathname.replace(/^\/[^/]+/, '');
    if (rest !== parsed.pathname) {
      const retried = await run(rest === '' ? '/' : rest);
      if (retried.route) result = retried;
    }
  }
  return { status: result.status, decidedBy: result.decidedBy };
}

/** The `--json` shape: {tokens: [{hash, kind, iss, sub, client, tokenUse, count, first, last, expired, live, valid, requests?}], files, bytes}. */
export function scanReportJson(report: ScanReport): {
  tokens: Record<string, unknown>[];
  files: number;
  bytes: number;
} {
  return {
    tokens: report.tokens.map((row) => {
      const json: Record<string, unknown> = {
        hash: row.hash,
        kind: row.kind,
        iss: row.iss,
        sub: row.sub,
        client: row.client,
        tokenUse: row.tokenUse,
        count: row.count,
        first: row.first,
        last: row.last,
        expired: row.expired,
        live: row.live,
        valid: row.valid,
      };
      if (row.requests !== undefined) json['requests'] = row.requests;
      return json;
    }),
    files: report.files,
    bytes: report.bytes,
  };
}

/** What `--fail-on` can name. */
export type FailOn = 'live' | 'invalid' | 'expired';

/** Does the row count for `--fail-on`? `invalid` = a check failed (forged, invalid claims, malformed). */
export function rowMatches(row: ScanTokenRow, what: FailOn): boolean {
  if (what === 'live') return row.live;
  if (what === 'expired') return row.expired;
  return (
    row.verdict === 'forged' ||
    row.verdict === 'invalid' ||
    row.verdict === 'malformed' ||
    row.verdict === 'not-yet-valid'
  );
}

const RULES = [
  {
    id: 'authdbg/live-token',
    name: 'LiveToken',
    text: 'A live token (unexpired, and verified when keys are available): a leaked credential',
  },
  {
    id: 'authdbg/invalid-token',
    name: 'InvalidToken',
    text: 'A token that fails verification (forged signature, wrong claims, malformed)',
  },
  { id: 'authdbg/expired-token', name: 'ExpiredToken', text: 'An expired token' },
  { id: 'authdbg/token', name: 'Token', text: 'A token whose signature could not be checked' },
] as const;

/** SARIF 2.1.0: one result per distinct token, its first and last places (and HAR requests) as locations. */
export function scanReportSarif(report: ScanReport, toolVersion: string): JsonObject {
  const results: JsonValue[] = report.tokens.map((row) => {
    const rule = row.live
      ? RULES[0]
      : rowMatches(row, 'invalid')
        ? RULES[1]
        : row.expired
          ? RULES[2]
          : RULES[3];
    const places: ScanPlace[] = [row.first];
    if (row.last.file !== row.first.file || row.last.line !== row.first.line) places.push(row.last);
    for (const request of row.requests ?? []) {
      if (places.length >= 20) break;
      if (!places.some((p) => p.file === request.file && p.line === request.line)) places.push(request);
    }
    return {
      ruleId: rule.id,
      level: row.live ? 'error' : rule === RULES[1] ? 'warning' : 'note',
      message: {
        text: `${row.live ? 'Live ' : ''}${row.kind} token ${row.hash} (${row.redacted}) seen ${row.count} time(s): ${row.sentence}`,
      },
      locations: places.map((place) => ({
        physicalLocation: {
          artifactLocation: { uri: sarifUri(place.file) },
          region: { startLine: place.line },
        },
      })),
      partialFingerprints: { tokenHash: row.hash },
      properties: {
        kind: row.kind,
        count: row.count,
        expired: row.expired,
        live: row.live,
        valid: row.valid,
        verdict: row.verdict,
      },
    };
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'authdbg',
            version: toolVersion,
            rules: RULES.map((rule) => ({
              id: rule.id,
              name: rule.name,
              shortDescription: { text: rule.text },
            })),
          },
        },
        results,
      },
    ],
  };
}

/** A relative path as a URI reference (forward slashes, percent-encoded), as code scanning expects. */
function sarifUri(file: string): string {
  return file
    .replace(/\\/g, '/')
    .split('/')
    .map((part) => encodeURIComponent(part))
    .join('/');
}
