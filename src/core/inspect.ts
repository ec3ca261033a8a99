// Entry points of the core: read pasted input, decode, verify. Pure: no vscode, time and network injected.
import type { JsonObject, ParsedInput, TokenReport, VerifyDeps, VerifyOptions } from './types.ts';

/** One inspected header of a pasted header block (or the single token). */
export interface InspectedItem {
  /** Lower-case HTTP header name, or undefined for a bare token. */
  header: string | undefined;
  report: TokenReport;
}

export type InspectOutcome =
  | { ok: true; headerBlock: boolean; items: InspectedItem[]; valid: boolean }
  | { ok: false; message: string };

/** Find the token(s) in whatever the user pasted. Never guesses: malformed input is an error. */
export function parseInput(_text: string): ParsedInput {
  throw new Error('not implemented yet');
}

/** Decode and verify one compact token. */
export function inspectToken(_token: string, _options: VerifyOptions, _deps: VerifyDeps): Promise<TokenReport> {
  throw new Error('not implemented yet');
}

/** Decode without verifying (hover, tables): checks limited to format and time claims. */
export function decodeReport(_token: string, _now: number): TokenReport {
  throw new Error('not implemented yet');
}

/** parseInput + inspectToken for each token found; header blocks cross-check x-amzn-oidc-identity. */
export function inspectInput(_text: string, _options: VerifyOptions, _deps: VerifyDeps): Promise<InspectOutcome> {
  throw new Error('not implemented yet');
}

export type { JsonObject };
