// Scopes, groups and audiences as each reader takes them from claims: one reading for verify, RBAC, the
// simulator and the displays, so they cannot disagree about the same token.

/** Claims that carry scopes in the wild: `scope` (RFC 8693 §4.2, RFC 9068) and `scp` (Okta, Entra ID). */
export type ScopeClaim = 'scope' | 'scp';

/** How one reader (an authorizer, a backend rule) takes scopes from a token. */
export interface ScopeRule {
  /** Who reads scopes this way, for messages. */
  reader: string;
  /** Claims read; the scopes of every one present are united. */
  claims: readonly ScopeClaim[];
  /** A JSON array of strings counts as a list of scopes (otherwise only a space-separated string does). */
  acceptLists: boolean;
  /** What the reader does with the other shapes, said in check messages. */
  otherShapes: string;
}

export type ScopeRuleName = 'cognito-authorizer' | 'jwt-authorizer';

/**
 * The REST COGNITO_USER_POOLS authorizer reads the access token's `scope`, the space-separated string RFC 8693
 * defines (Cognito issues nothing else). The API Gateway JWT authorizer reads `scope` and `scp` (AWS documents
 * the claim names, not the shapes): both the space-separated string and a list of strings are taken.
 */
export const SCOPE_RULES: Readonly<Record<ScopeRuleName, ScopeRule>> = {
  'cognito-authorizer': {
    reader: 'the REST API Cognito authorizer',
    claims: ['scope'],
    acceptLists: false,
    otherShapes:
      'it reads only the space-separated "scope" string; "scp" and a list in "scope" grant nothing',
  },
  'jwt-authorizer': {
    reader: 'the API Gateway JWT authorizer',
    claims: ['scope', 'scp'],
    acceptLists: true,
    otherShapes:
      'it reads "scope" and "scp", each a space-separated string or a list of strings; other shapes grant nothing',
  },
};

/** The rule for a token when the caller names none: Cognito tokens as Cognito reads them, others as API Gateway's JWT authorizer. */
export function defaultScopeRule(kind: string): ScopeRuleName {
  return kind === 'cognito-id' || kind === 'cognito-access' ? 'cognito-authorizer' : 'jwt-authorizer';
}

/** Scopes a reader takes from a token, and the scope-like claims it leaves unread (with why). */
export interface ScopeReading {
  /** Granted scopes in claim order, duplicates removed; undefined when no claim the rule reads is usable. */
  scopes: string[] | undefined;
  /** e.g. `"scp" is not read`, `"scope" is a list, not a space-separated string`. */
  ignored: string[];
}

/** Read scopes under `rule`. Strings split on U+0020 only (RFC 6749 §3.3: scope tokens are space-delimited). */
export function readScopes(claims: Readonly<Record<string, unknown>>, rule: ScopeRule): ScopeReading {
  const found: string[] = [];
  const ignored: string[] = [];
  let usable = false;
  for (const name of ['scope', 'scp'] as const) {
    if (!Object.hasOwn(claims, name)) continue;
    const value = claims[name];
    if (!rule.claims.includes(name)) {
      ignored.push(`"${name}" is not read`);
      continue;
    }
    if (typeof value === 'string') {
      usable = true;
      found.push(...value.split(' ').filter((scope) => scope !== ''));
    } else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
      if (rule.acceptLists) {
        usable = true;
        found.push(...value);
      } else ignored.push(`"${name}" is a list, not a space-separated string`);
    } else {
      const shape = Array.isArray(value) ? 'a list with non-string items' : shapeOf(value);
      ignored.push(`"${name}" is ${shape}, neither a string nor a list of strings`);
    }
  }
  return { scopes: usable ? [...new Set(found)] : undefined, ignored };
}

/** Outcome of "any one of the required scopes" under a rule. */
export interface ScopeMatch {
  granted: string[];
  /** The first required scope the token grants; undefined = none. */
  hit: string | undefined;
  /** True when the rule found no usable scope claim at all. */
  noScopeClaim: boolean;
  ignored: string[];
}

/** Any one of `required` granted under `rule` (how API Gateway and aws-jwt-verify compare scopes). */
export function matchScopes(
  claims: Readonly<Record<string, unknown>>,
  required: readonly string[],
  rule: ScopeRule,
): ScopeMatch {
  const reading = readScopes(claims, rule);
  const granted = reading.scopes ?? [];
  return {
    granted,
    hit: required.find((scope) => granted.includes(scope)),
    noScopeClaim: reading.scopes === undefined,
    ignored: reading.ignored,
  };
}

/** `cognito:groups` as a list, whether a token array or a comma-joined string (REST claims, Lambda context). */
export function readGroups(claims: Readonly<Record<string, unknown>>): string[] {
  const value = Object.hasOwn(claims, 'cognito:groups') ? claims['cognito:groups'] : undefined;
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (typeof value === 'string')
    return value
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '');
  return [];
}

/** `aud` per RFC 7519 §4.1.3: a string or an array of strings; anything else is a problem, never coerced. */
export type AudienceReading =
  { present: false } | { present: true; audiences: string[] } | { present: true; problem: string };

export function readAudiences(claims: Readonly<Record<string, unknown>>): AudienceReading {
  if (!Object.hasOwn(claims, 'aud')) return { present: false };
  const aud = claims['aud'];
  if (typeof aud === 'string') return { present: true, audiences: [aud] };
  if (Array.isArray(aud) && aud.every((item) => typeof item === 'string'))
    return { present: true, audiences: aud };
  return { present: true, problem: 'aud must be a string or an array of strings' };
}

/** RFC 7519 §4.1 types of the registered claims that have no check of their own (`sub`, `jti`). */
export function registeredClaimProblems(claims: Readonly<Record<string, unknown>>): string[] {
  const problems: string[] = [];
  for (const name of ['sub', 'jti'] as const) {
    if (Object.hasOwn(claims, name) && typeof claims[name] !== 'string') {
      problems.push(`${name} must be a string (it is ${shapeOf(claims[name])})`);
    }
  }
  return problems;
}

function shapeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}
