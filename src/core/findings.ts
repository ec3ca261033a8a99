// Findings are data: every surface (CLI, hover, panel, simulator) renders these same objects.

/** Check ids are a public contract: tests, the CLI's JSON and the extension depend on them. */
export type CheckId =
  | 'format'
  | 'alg'
  | 'kid'
  | 'key'
  | 'signature'
  | 'iss'
  | 'aud'
  | 'client_id'
  | 'token_use'
  | 'exp'
  | 'nbf'
  | 'iat'
  | 'claim_types'
  | 'scope'
  | 'signer'
  | 'client'
  | 'identity';

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

/**
 * Why a check did not pass, as data: renderers switch on this, never on the message text.
 * - missing: the claim, header or expectation is absent; mismatch: present but not what was expected;
 * - malformed: wrong type or shape; unsupported: an algorithm, key type or feature we refuse;
 * - expired / not-yet-valid / issued-in-future: time checks; weak: accepted but weak (short HMAC secret...);
 * - not-cached: keys exist but are not cached and the network is not used here (hover, Restricted Mode);
 * - no-key-source: nothing says where keys come from; key-fetch-failed: the key endpoint failed;
 * - not-configured: no expectation was given, so nothing was compared; not-applicable: does not apply to this kind;
 * - depends: skipped because an earlier check failed (e.g. no key, so no signature check);
 * - ambiguous: several keys fit and the verifier refuses to guess;
 * - not-requested: only decoded (hover, tables): verification was not asked for.
 */
export type CheckReason =
  | 'missing'
  | 'mismatch'
  | 'malformed'
  | 'unsupported'
  | 'expired'
  | 'not-yet-valid'
  | 'issued-in-future'
  | 'weak'
  | 'not-cached'
  | 'no-key-source'
  | 'key-fetch-failed'
  | 'not-configured'
  | 'not-applicable'
  | 'depends'
  | 'ambiguous'
  | 'not-requested';

/** One verification step, spelled out. `actual`/`expected` are display strings. */
export interface Check {
  id: CheckId;
  status: CheckStatus;
  message: string;
  /** Set on every check that did not pass (fail, warn, skip). */
  reason?: CheckReason;
  actual?: string;
  expected?: string;
}

/** Where a warning was found: renderers and traces attach warnings by this, never by matching text. */
export interface WarningSource {
  file?: string;
  /** 1-based line in `file`. */
  line?: number;
  /** Route key as the simulator lists it, e.g. `GET /orders/{id}`. */
  route?: string;
  /** The API the route belongs to when a file declares several (`RouteConfig.api`): route keys repeat across APIs. */
  api?: string;
  /** Authorizer name as written in the configuration. */
  authorizer?: string;
}

/** Something worth knowing that does not by itself make a token invalid. */
export interface Warning {
  id: string;
  message: string;
  source?: WarningSource;
}

/** Warnings in file order: by source line, file-level ones (no line) first; equal lines keep their order. */
export function sortBySourceLine(warnings: readonly Warning[]): Warning[] {
  return [...warnings].sort((a, b) => (a.source?.line ?? 0) - (b.source?.line ?? 0));
}

export function check(
  id: CheckId,
  status: CheckStatus,
  message: string,
  extra: {
    actual?: string | undefined;
    expected?: string | undefined;
    reason?: CheckReason | undefined;
  } = {},
): Check {
  const result: Check = { id, status, message };
  if (extra.reason !== undefined) result.reason = extra.reason;
  if (extra.actual !== undefined) result.actual = extra.actual;
  if (extra.expected !== undefined) result.expected = extra.expected;
  return result;
}

export function warning(id: string, message: string, source?: WarningSource): Warning {
  return source === undefined ? { id, message } : { id, message, source };
}
