// Route warnings about one kind of token appear in a trace only beside a token they concern (issue 12).
import type { AuthorizerConfig } from '../config/model.ts';
import { decodeToken } from '../decode.ts';
import type { TokenKind } from '../types.ts';
import { findIdentity } from './identitySource.ts';
import { hasToken } from './openingStep.ts';
import type { Run } from './run.ts';

/**
 * Warning id -> the token kind it is about. Shown when no token is given (the route is being explored) or when
 * the token is that kind; the authorizer's own trap line explains the case in the trace when it happens.
 */
const TOKEN_KIND_WARNINGS: Readonly<Record<string, TokenKind>> = {
  // "a method without OAuth scopes accepts only ID tokens; an access token gets 401"
  'cognito-no-scopes': 'cognito-access',
};

/** The kind of the token the authorizer will read, when the request carries one (an unverified decode). */
function tokenKindSent(run: Run, auth: AuthorizerConfig | undefined): TokenKind | undefined {
  if (!hasToken(run)) return undefined;
  const { token, decoded } = run.request;
  if (decoded !== undefined && (token === undefined || token.trim() === '')) return decoded.token.kind;
  const found = findIdentity(token, auth?.identitySource ?? 'Authorization').value;
  if (found === undefined) return undefined;
  return decoded !== undefined && decoded.token.text === found.token.trim()
    ? decoded.token.kind
    : decodeToken(found.token).token.kind;
}

/** A filter for the configuration's warnings about this route: false for those about another kind of token. */
export function warningConcernsToken(
  run: Run,
  auth: AuthorizerConfig | undefined,
): (warningId: string) => boolean {
  let sent: TokenKind | undefined | null = null;
  return (warningId) => {
    const concerns = Object.hasOwn(TOKEN_KIND_WARNINGS, warningId)
      ? TOKEN_KIND_WARNINGS[warningId]
      : undefined;
    if (concerns === undefined) return true;
    // Decoded only when a token-kind warning is there to filter.
    if (sent === null) sent = tokenKindSent(run, auth);
    return sent === undefined || sent === concerns;
  };
}
