// The configuration mistakes AWS users trip on: one id and one wording per trap, whichever file declared it
// (authdebug.yaml, SAM, CloudFormation, OpenAPI, ALB). Config is below iac, so both readers import this module.
import { warning } from '../findings.ts';
import type { Warning, WarningSource } from '../findings.ts';
import type { ApiCoordinates, AuthorizerConfig, RouteAuthorizerType, RouteConfig } from './model.ts';

/** Trap ids are a public contract (warning ids in the CLI's JSON, tests): one per trap. */
export type TrapId =
  | 'cognito-no-scopes'
  | 'lambda-scopes-ignored'
  | 'alb-scopes-ignored'
  | 'none-scopes-ignored'
  | 'iam-scopes-ignored'
  | 'lambda-cache-proxy'
  | 'lambda-cache-sibling-routes'
  | 'unresolved-value'
  | 'user-pool-not-recognized'
  | 'identity-source-not-header'
  | 'cognito-issuer-format';

/** The authorizer kinds that never read a route's scopes. */
const SCOPELESS_KINDS = ['lambda', 'alb', 'none', 'iam'] as const;
type ScopelessKind = (typeof SCOPELESS_KINDS)[number];

function isScopeless(type: RouteAuthorizerType): type is ScopelessKind {
  return (SCOPELESS_KINDS as readonly string[]).includes(type);
}

/** Longest piece of file text a trap message repeats, and most list items it names: files are untrusted. */
const MAX_QUOTED_CHARS = 120;
const MAX_LISTED_ITEMS = 10;

/** File text cut to a readable length, saying how long it was. */
function clipped(text: string): string {
  return text.length > MAX_QUOTED_CHARS ? `${text.slice(0, MAX_QUOTED_CHARS)}…(${text.length} chars)` : text;
}

/** The first items of a list, each clipped, and how many were left out. */
function clippedList<T>(items: readonly T[], show: (item: T) => string, separator = ', '): string {
  const shown = items.slice(0, MAX_LISTED_ITEMS).map(show).join(separator);
  return items.length > MAX_LISTED_ITEMS
    ? `${shown}${separator}…(${items.length - MAX_LISTED_ITEMS} more)`
    : shown;
}

/** Default API Gateway authorizer result cache TTL, seconds. */
const DEFAULT_TTL_SECONDS = 300;

/** `file:line` (or the file alone) that starts every trap and reader warning: one shape in one list. */
export function sourceLocation(source: WarningSource): string {
  const file = source.file ?? '';
  return source.line === undefined ? file : `${file}:${source.line}`;
}

/** What the trap is about, as the message names it: the route (and its API), else the authorizer. */
function subject(source: WarningSource): string {
  if (source.route !== undefined)
    return `${clipped(source.route)}${source.api ? ` on ${clipped(source.api)}` : ''}`;
  return `Authorizer "${clipped(source.authorizer ?? '?')}"`;
}

/** One trap warning: `file:line: subject: text`, the same shape for every reader. */
export function trapWarning(id: TrapId, source: WarningSource, text: string): Warning {
  return warning(id, `${sourceLocation(source)}: ${subject(source)}: ${text}`, source);
}

/** The source of a warning about a route (file and line of the route unless a closer line is given). */
export function routeSource(route: RouteConfig, file: string, line?: number): WarningSource {
  const source: WarningSource = { file: route.source?.file ?? file, route: route.route };
  const at = line ?? route.source?.line;
  if (at !== undefined) source.line = at;
  if (route.api !== undefined) source.api = route.api;
  if (route.authorizer !== null) source.authorizer = route.authorizer;
  return source;
}

/** The source of a warning about an authorizer. */
export function authorizerSource(config: AuthorizerConfig, file: string): WarningSource {
  const source: WarningSource = { file: config.source?.file ?? file, authorizer: config.name };
  if (config.source?.line !== undefined) source.line = config.source.line;
  return source;
}

/** Lines closer than the route's own for some traps (authdebug.yaml points at the `scopes` key). */
export interface RouteTrapLines {
  scopes?: number | undefined;
}

/**
 * The traps of one route, the same for every reader. `authorizer` is the configuration the route names;
 * `preflight` routes (SAM's generated CORS OPTIONS) carry their own warning, so the scope-less one is skipped.
 */
export function routeTraps(
  route: RouteConfig,
  authorizer: AuthorizerConfig | undefined,
  file: string,
  options: { preflight?: boolean; lines?: RouteTrapLines } = {},
): Warning[] {
  const out: Warning[] = [];
  const at = routeSource(route, file);
  if (!options.preflight && route.authorizerType === 'cognito' && route.scopes.length === 0) {
    out.push(
      trapWarning(
        'cognito-no-scopes',
        at,
        `Cognito authorizer "${clipped(route.authorizer ?? '?')}" on a method without OAuth scopes accepts only ID tokens; an access token gets 401.`,
      ),
    );
  }
  const type = route.authorizerType;
  if (isScopeless(type) && route.scopes.length > 0) {
    const who =
      type === 'none'
        ? 'a route without authorizer'
        : type === 'iam'
          ? 'an IAM-authorized route'
          : `a ${type}-authorized route`;
    const decides =
      type === 'lambda' && route.authorizer !== null
        ? `; only the Lambda authorizer "${clipped(route.authorizer)}" decides`
        : '';
    out.push(
      trapWarning(
        `${type}-scopes-ignored`,
        routeSource(route, file, options.lines?.scopes),
        `scopes [${clippedList(route.scopes, clipped)}] on ${who} are ignored by AWS${decides}.`,
      ),
    );
  }
  const unresolved = route.scopes.filter(isUnresolved);
  if (unresolved.length > 0) {
    out.push(
      trapWarning(
        'unresolved-value',
        at,
        `scope ${clippedList(unresolved, clipped)} could not be resolved from the file; fill it in before simulating.`,
      ),
    );
  }
  if (
    authorizer?.type === 'lambda' &&
    ttlOf(authorizer) > 0 &&
    /\{[^{}]+\+\}/.test(route.path) && // [^{}] not [^}]: one pass, not a rescan per "{"
    policyMentionsMethodArn(authorizer.policy)
  ) {
    out.push(
      trapWarning(
        'lambda-cache-proxy',
        at,
        `the Lambda policy allows only the invoked method ARN and results are cached for ${ttlOf(authorizer)}s, so other paths of this proxy route get 403 from the cache.`,
      ),
    );
  }
  return out;
}

/** The traps of one authorizer; `using` are the routes that name it. */
export function authorizerTraps(
  config: AuthorizerConfig,
  using: readonly RouteConfig[],
  file: string,
  looksLikePool: (value: string) => boolean,
): Warning[] {
  const out: Warning[] = [];
  const at = authorizerSource(config, file);
  if (config.placeholders) {
    const list = clippedList(
      Object.entries(config.placeholders),
      ([key, value]) => `${clipped(key)} = ${clipped(value)}`,
      '; ',
    );
    out.push(
      trapWarning('unresolved-value', at, `values the file cannot resolve are placeholders: ${list}.`),
    );
  }
  for (const pool of config.type === 'cognito' ? (config.userPools ?? []) : []) {
    if (!looksLikePool(pool)) {
      out.push(
        trapWarning(
          'user-pool-not-recognized',
          at,
          `"${clipped(pool)}" is neither a user pool id (us-east-1_AbC123) nor a user pool ARN; no real token will match it.`,
        ),
      );
    }
  }
  const nonHeader = nonHeaderSource(config);
  if (nonHeader) {
    out.push(
      trapWarning(
        'identity-source-not-header',
        at,
        `reads its identity from ${clipped(nonHeader)}, not from a header; requests without it get 401.`,
      ),
    );
  }
  if (config.type === 'lambda' && ttlOf(config) > 0) {
    const greedy = using.some((route) => /\{[^{}]+\+\}|\*/.test(route.path) || route.method === 'ANY');
    if (using.length > 1 || greedy) {
      out.push(
        trapWarning(
          'lambda-cache-sibling-routes',
          at,
          `caches its policy for ${ttlOf(config)}s per ${config.lambdaType === 'TOKEN' ? 'token' : 'identity source'} across ${using.length > 1 ? `${using.length} routes` : 'a greedy route'}: a policy that allows only the first method ARN makes later calls to other routes fail with 403.`,
        ),
      );
    }
  }
  return out;
}

/** Values the `${methodArn}` scan visited since the process started (tests show it is once per policy). */
export const policyScanWork = { values: 0 };

const METHOD_ARN_PLACEHOLDER = '${methodArn}';
// Per policy value, not per route: a policy expanded from YAML aliases can hold a million values.
const mentionsMethodArn = new WeakMap<object, boolean>();

/** Whether a string (key or value) of the policy contains `${methodArn}`, answered once per policy. */
function policyMentionsMethodArn(policy: unknown): boolean {
  if (typeof policy !== 'object' || policy === null) return containsMethodArn(policy, new Set());
  let known = mentionsMethodArn.get(policy);
  if (known === undefined) {
    known = containsMethodArn(policy, new Set());
    mentionsMethodArn.set(policy, known);
  }
  return known;
}

// Depth-first, stops at the first match; aliased subtrees are one shared object, visited once.
function containsMethodArn(root: unknown, visited: Set<object>): boolean {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    policyScanWork.values++;
    if (typeof value === 'string') {
      if (value.includes(METHOD_ARN_PLACEHOLDER)) return true;
      continue;
    }
    if (typeof value !== 'object' || value === null || visited.has(value)) continue;
    visited.add(value);
    if (Array.isArray(value)) {
      for (const item of value as unknown[]) pending.push(item);
      continue;
    }
    for (const [key, item] of Object.entries(value)) {
      if (key.includes(METHOD_ARN_PLACEHOLDER)) return true;
      pending.push(item);
    }
  }
  return false;
}

function ttlOf(config: AuthorizerConfig): number {
  return config.resultTtlSeconds ?? DEFAULT_TTL_SECONDS;
}

// Infrastructure readers write what they cannot resolve as `${...}` placeholders.
function isUnresolved(value: string): boolean {
  return value.includes('${');
}

// The token source when it is a query string, stage variable or context value instead of a header.
function nonHeaderSource(config: AuthorizerConfig): string | undefined {
  const source = config.identitySource;
  if (source && /^(\$|method\.request\.|route\.request\.|stageVariables\.|context\.)/.test(source))
    return source;
  if (config.identitySource === undefined && config.identitySources && config.identitySources.length > 0) {
    return config.identitySources.join(', ');
  }
  return undefined;
}

/** Trace wording of the traps the simulator meets at request time (not in a file). */
export const TRACE_TRAP = {
  accessTokenWithoutScopes:
    'Classic trap: an access token sent to a method without OAuth scopes. Without scopes API Gateway expects an ID token, and an access token (no aud) gets 401. Send the ID token, or add scopes to the method so the access token is the one required.',
  idTokenWithScopes:
    'An ID token sent to a method with OAuth scopes: scopes are checked only in access tokens, so send the access token.',
  cachedPolicy: (cachedArn: string, arn: string, api: ApiCoordinates): string =>
    `Cached-policy trap: the policy was built for ${cachedArn} and cached; ${arn} is not in it, so this request gets 403 until the cache expires. Return a wildcard resource (e.g. arn:aws:execute-api:${api.region}:${api.accountId}:${api.apiId}/${api.stage}/*) or set resultTtlSeconds to 0.`,
  scopesIgnored: (scopes: readonly string[], type: string): string =>
    `the route lists scopes (${clippedList(scopes, clipped)}) but a ${type} authorizer ignores them`,
} as const;
