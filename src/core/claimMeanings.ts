// One-line meanings for standard, Cognito and ALB header parameters and claims.

const HEADER_MEANINGS: Record<string, string> = {
  alg: 'Signature algorithm',
  kid: 'Key id: which published key signed this token',
  typ: 'Media type of the token',
  cty: 'Content type of the payload',
  crit: 'Extensions the verifier must understand',
  jku: 'URL of a key set (never fetched: an attacker can point it anywhere)',
  x5u: 'URL of a certificate chain (never fetched)',
  jwk: 'Embedded public key (never trusted: anyone can embed their own)',
  x5c: 'Embedded certificate chain (never trusted as a key source)',
  enc: 'Content encryption algorithm (encrypted token)',
  signer: 'ARN of the load balancer that signed this ALB token',
  client: 'App client id the ALB authenticated with',
  iss: 'Issuer of the user claims (the IdP the ALB used)',
  exp: 'Expiry of the ALB token',
  b64: 'Payload encoding flag (RFC 7797)',
};

const PAYLOAD_MEANINGS: Record<string, string> = {
  iss: 'Issuer: who minted the token (for Cognito, the user pool URL)',
  sub: 'Subject: the unique, stable user id',
  aud: 'Audience: the app client id(s) this ID token is for',
  exp: 'Expires at: the token is rejected from this time on',
  nbf: 'Not before: the token is rejected before this time',
  iat: 'Issued at',
  jti: 'Unique token id',
  auth_time: 'When the user authenticated',
  token_use: 'Cognito token kind: "id" or "access"',
  client_id: 'App client id (access tokens carry this instead of aud)',
  scope: 'OAuth scopes granted, space-separated',
  scp: 'Scopes granted (array form used by some IdPs)',
  username: 'User name (access tokens)',
  'cognito:username': 'User name (ID tokens)',
  'cognito:groups': 'User pool groups the user belongs to (used for RBAC)',
  'cognito:roles': "IAM role ARNs of the user's groups",
  'cognito:preferred_role': 'IAM role of the highest-precedence group',
  origin_jti: 'Id of the original authentication (revocation)',
  event_id: 'Id of the sign-in event',
  version: 'Access token format version',
  email: 'Email address',
  email_verified: 'Whether the email address is verified',
  phone_number: 'Phone number',
  phone_number_verified: 'Whether the phone number is verified',
  name: 'Full name',
  given_name: 'Given name',
  family_name: 'Family name',
  nonce: 'Value from the authorization request, against replay',
  at_hash: 'Hash of the access token issued with this ID token',
  identities: 'Federated identity providers linked to this user',
  azp: 'Authorized party: the client the token was issued to',
  acr: 'Authentication context class',
  amr: 'Authentication methods used',
  sid: 'Session id',
};

/** Meaning of a header parameter or claim, or undefined for unknown names. */
export function claimMeaning(location: 'header' | 'payload', name: string): string | undefined {
  const table = location === 'header' ? HEADER_MEANINGS : PAYLOAD_MEANINGS;
  if (Object.hasOwn(table, name)) return table[name];
  if (location === 'payload' && name.startsWith('custom:')) return 'Custom user pool attribute';
  if (location === 'payload' && name.startsWith('dev:')) return 'Developer-only user pool attribute';
  return undefined;
}

/** Claims whose values are times in epoch seconds. */
export const TIME_CLAIMS = new Set(['exp', 'nbf', 'iat', 'auth_time']);

/** Claims that identify a person: a signed token is readable by anyone who holds it. */
export const PII_CLAIMS = new Set([
  'email',
  'phone_number',
  'name',
  'given_name',
  'family_name',
  'address',
  'birthdate',
]);
