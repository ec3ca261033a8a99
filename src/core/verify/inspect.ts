// Entry points of the core: read pasted input, decode, verify. Pure: no vscode, time and network injected.
import { claimMeaning, TIME_CLAIMS } from '../claimMeanings.ts';
import { decodeToken } from '../decode.ts';
import type { DecodeResult } from '../decode.ts';
import { check } from '../findings.ts';
import type { Check } from '../findings.ts';
import { parseInput } from '../inputParse.ts';
import { lintToken } from '../lints.ts';
import { redactToken } from '../redact.ts';
import { timeInfo } from '../timeFormat.ts';
import type { VerifyDeps } from '../keys/types.ts';
import type {
  ClaimInfo,
  FoundToken,
  JsonObject,
  JsonValue,
  PastedRequestLine,
  TokenReport,
  VerifyOptions,
} from '../types.ts';
import { identityCheck } from './claimChecks.ts';
import { isValid, verifyDecoded } from './verifyToken.ts';

export { parseInput };
export { decodeToken };
export type { DecodeResult };

/** A token found in the input together with its one decode: every later step reuses this, never the text. */
export interface DecodedItem {
  found: FoundToken;
  decoded: DecodeResult;
}

/** What the user pasted, parsed and decoded once. */
export type DecodedInput =
  | {
      ok: true;
      headerBlock: boolean;
      identity: string | undefined;
      items: DecodedItem[];
      /** The request line when the input was a request block: "Simulate" takes its method and path. */
      request?: PastedRequestLine;
    }
  | { ok: false; message: string };

/** One inspected header of a pasted header block (or the single token). */
export interface InspectedItem {
  /** Lower-case HTTP header name, or undefined for a bare token. */
  header: string | undefined;
  /** The token as found (with its scheme), e.g. to hand to the simulator without parsing the input again. */
  found: FoundToken;
  report: TokenReport;
}

export type InspectOutcome =
  { ok: true; headerBlock: boolean; items: InspectedItem[]; valid: boolean } | { ok: false; message: string };

/** Options for every token, or chosen per token from its decode (a JWKS URL or secret for its issuer). */
export type ItemOptions = VerifyOptions | ((item: DecodedItem) => VerifyOptions | Promise<VerifyOptions>);

/** Parse and decode once; the result feeds inspectDecodedInput, displays and per-token option choices. */
export function decodeInput(text: string): DecodedInput {
  const parsed = parseInput(text);
  if (!parsed.ok) return parsed;
  return {
    ok: true,
    headerBlock: parsed.headerBlock,
    identity: parsed.identity,
    items: parsed.tokens.map((found) => ({ found, decoded: decodeToken(found.token) })),
    ...(parsed.request === undefined ? {} : { request: parsed.request }),
  };
}

/** Verify a token that is already decoded (the hover, the Inspector, the simulator decode it once). */
export async function inspectDecoded(
  decoded: DecodeResult,
  options: VerifyOptions,
  deps: VerifyDeps,
): Promise<TokenReport> {
  const { checks, warnings } = await verifyDecoded(decoded, options, deps);
  const lints = lintToken(decoded, options.now);
  if (warnings.length > 0) lints.push(...warnings);
  return buildReport(decoded, checks, lints, options.now);
}

/** Decode and verify one compact token. */
export function inspectToken(token: string, options: VerifyOptions, deps: VerifyDeps): Promise<TokenReport> {
  return inspectDecoded(decodeToken(token), options, deps);
}

/** The report of an existing decode without verifying (hover, tables): the format check only. */
export function decodedReport(decoded: DecodeResult, now: number): TokenReport {
  const checks: Check[] = [decoded.format];
  if (decoded.format.status !== 'fail')
    checks.push(check('signature', 'skip', 'not checked: decoded only', { reason: 'not-requested' }));
  return buildReport(decoded, checks, lintToken(decoded, now), now);
}

/** Decode without verifying (hover, tables): the format check only, signature not checked. */
export function decodeReport(token: string, now: number): TokenReport {
  return decodedReport(decodeToken(token), now);
}

/** decodeInput + inspectDecodedInput. */
export async function inspectInput(
  text: string,
  options: VerifyOptions,
  deps: VerifyDeps,
): Promise<InspectOutcome> {
  return inspectDecodedInput(decodeInput(text), options, deps);
}

/** Verify each decoded token; header blocks cross-check x-amzn-oidc-identity against the data blob. */
export async function inspectDecodedInput(
  input: DecodedInput,
  options: ItemOptions,
  deps: VerifyDeps,
): Promise<InspectOutcome> {
  if (!input.ok) return input;
  const items: InspectedItem[] = [];
  for (const item of input.items) {
    const { found, decoded } = item;
    const chosen = typeof options === 'function' ? await options(item) : options;
    // The IdP access token an ALB forwards is not the ALB's own token: ALB expectations don't apply to it.
    const itemOptions: VerifyOptions =
      found.header === 'x-amzn-oidc-accesstoken' ? { ...chosen, albArn: undefined } : chosen;
    const report = await inspectDecoded(decoded, itemOptions, deps);
    if (found.header === 'x-amzn-oidc-data' && input.identity !== undefined) {
      report.checks.push(identityCheck(input.identity, report.payload));
      report.valid = isValid(report.checks);
    }
    items.push({ header: found.header, found, report });
  }
  return {
    ok: true,
    headerBlock: input.headerBlock,
    items,
    valid: items.every((item) => item.report.valid),
  };
}

function buildReport(
  decoded: DecodeResult,
  checks: Check[],
  warnings: TokenReport['warnings'],
  now: number,
): TokenReport {
  return new InspectedReport(decoded.token, checks, dedupe(warnings), now);
}

/**
 * A TokenReport whose claims table and redacted form are display work, built on first read: bulk checks
 * and CI runs never read them. toJSON keeps them in every serialization (CLI JSON, webview messages).
 */
class InspectedReport implements TokenReport {
  readonly kind: TokenReport['kind'];
  readonly header: TokenReport['header'];
  readonly payload: TokenReport['payload'];
  readonly rawHeader: string | undefined;
  readonly rawPayload: string | undefined;
  readonly lifetimeSeconds: number | undefined;
  valid: boolean;
  #claims: ClaimInfo[] | undefined;
  #redacted: string | undefined;
  readonly #text: string;
  readonly #now: number;

  constructor(
    token: DecodeResult['token'],
    readonly checks: Check[],
    readonly warnings: TokenReport['warnings'],
    now: number,
  ) {
    this.kind = token.kind;
    this.header = token.header;
    this.payload = token.payload;
    this.rawHeader = token.rawHeader;
    this.rawPayload = token.rawPayload;
    const exp = token.payload?.['exp'];
    const iat = token.payload?.['iat'];
    this.lifetimeSeconds =
      typeof exp === 'number' && typeof iat === 'number' && Number.isFinite(exp - iat)
        ? exp - iat
        : undefined;
    this.valid = isValid(checks);
    this.#text = token.text;
    this.#now = now;
  }

  get claims(): ClaimInfo[] {
    return (this.#claims ??= claimTable(this.header, this.payload, this.#now));
  }

  set claims(value: ClaimInfo[]) {
    this.#claims = value;
  }

  get redacted(): string {
    return (this.#redacted ??= redactToken(this.#text));
  }

  set redacted(value: string) {
    this.#redacted = value;
  }

  toJSON(): TokenReport {
    return {
      kind: this.kind,
      header: this.header,
      payload: this.payload,
      rawHeader: this.rawHeader,
      rawPayload: this.rawPayload,
      claims: this.claims,
      lifetimeSeconds: this.lifetimeSeconds,
      checks: this.checks,
      warnings: this.warnings,
      valid: this.valid,
      redacted: this.redacted,
    };
  }
}

function claimTable(header: JsonObject | null, payload: JsonObject | null, now: number): ClaimInfo[] {
  const claims: ClaimInfo[] = [];
  addClaims(claims, 'header', header, now);
  addClaims(claims, 'payload', payload, now);
  return claims;
}

function addClaims(
  out: ClaimInfo[],
  location: 'header' | 'payload',
  object: JsonObject | null,
  now: number,
): void {
  if (!object) return;
  for (const name of Object.keys(object)) {
    const value = object[name] as JsonValue;
    const isTime =
      (TIME_CLAIMS.has(name) || (location === 'header' && name === 'exp')) && typeof value === 'number';
    out.push({
      location,
      name,
      value,
      meaning: claimMeaning(location, name),
      time: isTime ? timeInfo(value, now) : undefined,
    });
  }
}

function dedupe(warnings: TokenReport['warnings']): TokenReport['warnings'] {
  if (warnings.length < 2) return warnings;
  const seen = new Set<string>();
  return warnings.filter((w) => {
    const key = `${w.id}\u0000${w.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
