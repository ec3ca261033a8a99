// Which key URL a token is checked against: one the user gave, the configuration's own, or the Cognito issuer's
// derived URL; for ALB, the configured key endpoint or the configured ARN's region. Nothing else is fetched.
import { albKeyBaseUrl, cognitoJwksUrl, regionFromAlbArn } from '../awsIdentifiers.ts';
import type { AuthorizerConfig } from '../config/model.ts';
import { displayText } from '../keys/keyErrors.ts';
import type { KeySource } from '../types.ts';
import type { UserKeyUrls } from './result.ts';

/**
 * The key URL for `issuer`: one the user gave (--jwks, then authDebugger.jwksUrls), the configuration's own
 * `jwks`, else the Cognito issuer's derived URL. Any other issuer gets none: nothing is fetched that the user
 * did not ask for (security.md "Fetching keys").
 */
function keyUrlFor(
  auth: AuthorizerConfig,
  issuer: string,
  given: UserKeyUrls | undefined,
): string | undefined {
  if (given?.all !== undefined) return given.all;
  const byIssuer = given?.byIssuer;
  if (byIssuer !== undefined && Object.hasOwn(byIssuer, issuer)) return byIssuer[issuer];
  return auth.jwks ?? cognitoJwksUrl(issuer);
}

// What-if runs hand every key request to a provider holding the re-signing key; it never reads this URL.
const WHAT_IF_KEY_URL = 'what-if:re-signed-token';

/** The key source for `issuer`; a what-if run always has one (its provider holds the re-signing key). */
export function jwksSource(
  auth: AuthorizerConfig,
  issuer: string,
  ctx: { keyUrls?: UserKeyUrls | undefined; signatureSkipped: boolean },
): KeySource | undefined {
  const url = keyUrlFor(auth, issuer, ctx.keyUrls);
  if (url !== undefined) return { type: 'jwks-url', url };
  return ctx.signatureSkipped ? { type: 'jwks-url', url: WHAT_IF_KEY_URL } : undefined;
}

/** The finding for an issuer with no key URL: which one is needed and where to give it. */
export function missingKeyUrlMessage(issuer: string): string {
  const where = 'give its key URL with --jwks URL or authDebugger.jwksUrls (or jwks: in authdebug.yaml)';
  return issuer === ''
    ? `the authorizer names no issuer, so no key URL is derived: ${where}; nothing was fetched`
    : `issuer ${displayText(issuer, 200)} is not a Cognito user pool: ${where}; nothing was fetched`;
}

/** The ALB key endpoint: explicit keyUrl, else the region of the configured (never the token's) ARN. */
export function albKeySource(auth: AuthorizerConfig): KeySource {
  if (auth.keyUrl) return { type: 'alb', baseUrl: auth.keyUrl };
  const region = regionFromAlbArn(auth.albArn);
  const base = region ? albKeyBaseUrl(region) : undefined;
  return base ? { type: 'alb', baseUrl: base } : { type: 'alb' };
}
