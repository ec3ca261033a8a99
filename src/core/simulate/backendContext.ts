// What the backend receives after an allow: the event fragment or headers each front door builds.
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

/** REST `requestContext.authorizer.claims`: every value a string, `cognito:groups` (and other lists) comma-joined. */
export function restClaims(payload: Record<string, unknown>): JsonObject {
  const claims: JsonObject = {};
  for (const [key, value] of Object.entries(payload)) {
    const text =
      Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')
        ? value.join(',')
        : scalarText(value);
    setOwn(claims, key, text);
  }
  return { requestContext: { authorizer: { claims } } };
}

/** HTTP API `requestContext.authorizer.jwt`: claims as strings, lists rendered "[a b]", scopes null when absent. */
export function httpJwtClaims(payload: Record<string, unknown>): JsonObject {
  const claims: JsonObject = {};
  for (const [key, value] of Object.entries(payload)) {
    const text = Array.isArray(value) ? `[${value.map(scalarText).join(' ')}]` : scalarText(value);
    setOwn(claims, key, text);
  }
  const scopes = Object.hasOwn(payload, 'scope') ? (scopesOf(payload, false) ?? null) : null;
  return { requestContext: { authorizer: { jwt: { claims, scopes } } } };
}

/** Lambda authorizer context: REST puts it beside principalId; HTTP API under `authorizer.lambda`. */
export function lambdaContext(
  kind: 'rest' | 'http',
  principalId: string | undefined,
  context: Record<string, string>,
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
