// What the backend receives after an allow: the event fragment or headers each front door builds.
import { javaDateText } from '../timeFormat.ts';
import type { JsonObject, JsonValue } from '../types.ts';
import { scopesOf } from './rbac.ts';

/** Own-property assignment that is safe for hostile keys such as "__proto__". */
export function setOwn(target: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function scalarText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  return JSON.stringify(value) ?? '';
}

/** Claims a REST API hands over as Java date text rather than epoch text (observed: docs/aws-behaviour.md). */
const REST_DATE_CLAIMS: readonly string[] = ['exp', 'iat'];

/**
 * REST `requestContext.authorizer.claims` (COGNITO_USER_POOLS): every value a string, `exp` and `iat` as dates like
 * `Mon Apr 17 23:12:49 UTC 2017`, `auth_time` and other numbers as epoch text, lists comma-joined (unverified).
 */
export function restClaims(payload: Record<string, unknown>): JsonObject {
  const claims: JsonObject = {};
  for (const [key, value] of Object.entries(payload)) {
    const date =
      REST_DATE_CLAIMS.includes(key) && typeof value === 'number' ? javaDateText(value) : undefined;
    const text =
      date ??
      (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')
        ? value.join(',')
        : scalarText(value));
    setOwn(claims, key, text);
  }
  return { requestContext: { authorizer: { claims } } };
}

/**
 * The newer REST JWT authorizer: top-level claims keep their JSON type ("the string "42" and the number 42 stay
 * distinct", AWS "Pass JWT claims to your integration"), so they are copied, not stringified.
 */
export function restJwtClaims(payload: Record<string, unknown>): JsonObject {
  const claims: JsonObject = {};
  for (const [key, value] of Object.entries(payload)) {
    const json = JSON.stringify(value);
    if (json !== undefined) setOwn(claims, key, JSON.parse(json) as JsonValue);
  }
  return { requestContext: { authorizer: { claims } } };
}

/**
 * HTTP API `requestContext.authorizer.jwt`: claims as strings, lists rendered "[a b]"; `scopes` is null on a route
 * that requires no scopes whatever the token carries (observed), else the token's `scope` list (null without one).
 */
export function httpJwtClaims(payload: Record<string, unknown>, routeScopes: readonly string[]): JsonObject {
  const claims: JsonObject = {};
  for (const [key, value] of Object.entries(payload)) {
    const text = Array.isArray(value) ? `[${value.map(scalarText).join(' ')}]` : scalarText(value);
    setOwn(claims, key, text);
  }
  const scopes =
    routeScopes.length > 0 && Object.hasOwn(payload, 'scope') ? (scopesOf(payload, false) ?? null) : null;
  return { requestContext: { authorizer: { jwt: { claims, scopes } } } };
}

/** Top-level claim names whose value is JSON null (how they reach an HTTP API backend is unverified). */
export function nullClaimNames(payload: Record<string, unknown>): string[] {
  return Object.entries(payload)
    .filter(([, value]) => value === null)
    .map(([key]) => key);
}

/** Lambda authorizer context: REST puts it beside principalId; HTTP API under `authorizer.lambda`. */
export function lambdaContext(
  kind: 'rest' | 'http',
  principalId: string | undefined,
  context: Record<string, JsonValue>,
): JsonObject {
  const values: JsonObject = {};
  for (const [key, value] of Object.entries(context)) setOwn(values, key, value);
  if (kind === 'http') return { requestContext: { authorizer: { lambda: values } } };
  const authorizer: JsonObject = {};
  if (principalId !== undefined) setOwn(authorizer, 'principalId', principalId);
  for (const [key, value] of Object.entries(values)) setOwn(authorizer, key, value);
  return { requestContext: { authorizer } };
}

/** ALB: the three x-amzn-oidc-* headers the target receives. */
export function albHeaders(
  blob: string,
  payload: Record<string, unknown>,
  accessToken: string | undefined,
): JsonObject {
  const sub = Object.hasOwn(payload, 'sub') ? payload.sub : undefined;
  return {
    headers: {
      'x-amzn-oidc-accesstoken': accessToken ?? '<the IdP access token>',
      'x-amzn-oidc-identity': typeof sub === 'string' ? sub : '',
      'x-amzn-oidc-data': blob,
    },
  };
}
