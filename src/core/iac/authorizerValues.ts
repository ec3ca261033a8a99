// Value conversions every authorizer reader shares: identity sources, user pool ids, cache TTLs.
import { isUserPoolId } from '../awsIdentifiers.ts';
import type { AuthorizerConfig } from '../config/model.ts';
import { isPlaceholder } from './intrinsics.ts';
import type { IntrinsicResolver } from './intrinsics.ts';

const HEADER_PREFIXES = ['method.request.header.', '$request.header.', 'route.request.header.'];

/** Split an identity source (comma-separated string or list of AWS mapping expressions) into expressions. */
export function identityExpressions(value: unknown, resolver: IntrinsicResolver): string[] {
  const list = resolver.list(value) ?? [];
  return list
    .flatMap((item) => item.split(','))
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** The header name of a `method.request.header.X` / `$request.header.X` expression. */
export function headerOf(expression: string): string | undefined {
  const prefix = HEADER_PREFIXES.find((p) => expression.toLowerCase().startsWith(p.toLowerCase()));
  return prefix ? expression.slice(prefix.length) : undefined;
}

/** Token-style authorizers (cognito, jwt, Lambda TOKEN): the header name, or the raw expression when it is not a header. */
export function tokenSource(expressions: string[], fallbackHeader = 'Authorization'): string {
  const first = expressions[0];
  if (first === undefined) return fallbackHeader;
  return headerOf(first) ?? first;
}

/** Lambda REQUEST authorizers: the first header (what the simulator reads the token from) and every source. */
export function requestSources(
  expressions: string[],
): Pick<AuthorizerConfig, 'identitySource' | 'identitySources'> {
  const header = expressions.map(headerOf).find((name) => name !== undefined);
  const out: Pick<AuthorizerConfig, 'identitySource' | 'identitySources'> = {};
  if (header !== undefined) out.identitySource = header;
  if (expressions.length > 0) out.identitySources = expressions;
  return out;
}

/**
 * A user pool id from a `UserPoolArn`/`ProviderARNs` entry: parsed out of a literal ARN, or `${Ref:Pool}` for
 * `!GetAtt Pool.Arn` (the Ref of a pool is its id), or the readable placeholder when nothing better is known.
 */
export function userPoolId(value: unknown, resolver: IntrinsicResolver): string | undefined {
  const getAtt = resolver.getAtt(value);
  if (getAtt && getAtt[1] === 'Arn' && resolver.resourceType(getAtt[0]) === 'AWS::Cognito::UserPool') {
    return `\${Ref:${getAtt[0]}}`;
  }
  const text = resolver.text(value);
  if (text === undefined) return undefined;
  const inner = /^\$\{Sub:(.*)\}$/.exec(text)?.[1] ?? text;
  const match = /:userpool\/(.+)$/.exec(inner);
  if (!match?.[1]) return text;
  const id = match[1];
  const variable = /^\$\{([A-Za-z0-9]+)\}$/.exec(id)?.[1];
  if (variable && resolver.resourceType(variable) === 'AWS::Cognito::UserPool') return `\${Ref:${variable}}`;
  return id;
}

/** True for a literal pool id like `us-east-1_AbC123` (or a placeholder standing for one). */
export function looksLikePoolId(value: string): boolean {
  return isPlaceholder(value) || isUserPoolId(value);
}

/** A cache TTL in seconds (CloudFormation accepts `'300'` as well as 300); the fallback when absent or unreadable. */
export function ttlSeconds(value: unknown, resolver: IntrinsicResolver, fallback: number): number {
  const text = resolver.text(value);
  if (text === undefined || text.trim() === '') return fallback;
  const n = Number(text);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

/** A boolean written as true/'true'. */
export function flag(value: unknown, resolver: IntrinsicResolver): boolean | undefined {
  const text = resolver.text(value);
  if (text === undefined) return undefined;
  return text.toLowerCase() === 'true';
}
