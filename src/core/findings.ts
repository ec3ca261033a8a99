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

/** One verification step, spelled out. `actual`/`expected` are display strings. */
export interface Check {
  id: CheckId;
  status: CheckStatus;
  message: string;
  actual?: string;
  expected?: string;
}

/** Something worth knowing that does not by itself make a token invalid. */
export interface Warning {
  id: string;
  message: string;
}

export function check(
  id: CheckId,
  status: CheckStatus,
  message: string,
  extra: { actual?: string | undefined; expected?: string | undefined } = {},
): Check {
  const result: Check = { id, status, message };
  if (extra.actual !== undefined) result.actual = extra.actual;
  if (extra.expected !== undefined) result.expected = extra.expected;
  return result;
}

export function warning(id: string, message: string): Warning {
  return { id, message };
}
