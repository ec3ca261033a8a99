// The x-amzn-oidc-data blob as the ALB builds it, signed with a key the local gateway generates at start and serves
// at its own ALB key endpoint (`GET <base>/<kid>`: one PEM, the shape of the regional ALB key endpoint).
// Format (docs/aws-behaviour.md, ALB): ES256, header {typ, kid, alg, iss, client, signer, exp}, every segment
// base64url WITH "=" padding and the signature (raw r||s) computed over the padded text.
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { isCognitoIssuer } from '../awsIdentifiers.ts';
import { parsePem } from '../keys/jwks.ts';
import { fail } from '../keys/keyErrors.ts';
import type { KeyProvider, KeySet } from '../keys/types.ts';
import type { JsonObject, JsonValue } from '../types.ts';
import { setOwn } from '../simulate/backendContext.ts';

/** The gateway's signing key for x-amzn-oidc-data, and the public key its key endpoint serves. */
export interface AlbDataSigner {
  /** A UUID, as the ALB's kids are (security.md #19: anything else is refused before a URL is built). */
  kid: string;
  publicKeyPem: string;
  /** The public key parsed by the same code that parses a fetched ALB key. */
  keySet: KeySet;
  /** Sign header and payload the way the ALB does (padded segments, ES256 over the padded text). */
  sign(header: JsonObject, payload: JsonObject): string;
}

function padded(bytes: Buffer): string {
  const text = bytes.toString('base64url');
  return text.padEnd(Math.ceil(text.length / 4) * 4, '=');
}

/** A fresh P-256 key with a random UUID kid; lives only in this process's memory. */
export function createAlbDataSigner(): AlbDataSigner {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = randomUUID();
  const publicKeyPem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
  const parsed = parsePem(publicKeyPem, `gateway ALB key ${kid}`, { kid });
  if (!parsed.ok) throw new Error(`the generated ALB key does not parse: ${parsed.error.message}`);
  return {
    kid,
    publicKeyPem,
    keySet: parsed.value,
    sign(header, payload) {
      const input = `${padded(Buffer.from(JSON.stringify(header)))}.${padded(Buffer.from(JSON.stringify(payload)))}`;
      const signature = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
      return `${input}.${padded(signature)}`;
    },
  };
}

/**
 * ID-token claims that are about the token, not the user: a userinfo endpoint does not return them, so the ALB's
 * x-amzn-oidc-data payload does not carry them. `cognito:groups` is one of them: Cognito's userInfo endpoint does
 * not return groups (observed, jupyterhub/oauthenticator #738), which is why ALB backends do not see them.
 */
const TOKEN_ONLY_CLAIMS: ReadonlySet<string> = new Set([
  'aud',
  'azp',
  'iat',
  'nbf',
  'auth_time',
  'at_hash',
  'c_hash',
  'nonce',
  'amr',
  'acr',
  'sid',
  'jti',
  'token_use',
  'origin_jti',
  'event_id',
  'cognito:groups',
  'cognito:roles',
  'cognito:preferred_role',
  'cognito:username',
  'identities',
]);

/**
 * The payload the ALB would put in x-amzn-oidc-data for this session: the user's claims as a userinfo endpoint
 * returns them, then `exp` and `iss`. Cognito's userInfo returns `username` (not `cognito:username`) and its
 * booleans as strings ("email_verified": "true", the Cognito userInfo endpoint documentation's example).
 */
export function userinfoClaims(idClaims: Record<string, unknown>, issuer: string, exp: number): JsonObject {
  const cognito = isCognitoIssuer(issuer) || typeof idClaims['cognito:username'] === 'string';
  const out: JsonObject = {};
  for (const [name, value] of Object.entries(idClaims)) {
    if (TOKEN_ONLY_CLAIMS.has(name) || name === 'exp' || name === 'iss') continue;
    const json = JSON.stringify(value);
    if (json === undefined) continue;
    const copy = JSON.parse(json) as JsonValue;
    setOwn(out, name, cognito && typeof copy === 'boolean' ? String(copy) : copy);
  }
  const username = idClaims['cognito:username'];
  if (cognito && typeof username === 'string' && !Object.hasOwn(out, 'username'))
    setOwn(out, 'username', username);
  setOwn(out, 'exp', exp);
  setOwn(out, 'iss', issuer);
  return out;
}

/** The blob's header fields, in the ALB's order. */
export function albDataHeader(
  signer: AlbDataSigner,
  fields: { issuer: string; clientId: string | undefined; albArn: string | undefined; exp: number },
): JsonObject {
  return {
    typ: 'JWT',
    kid: signer.kid,
    alg: 'ES256',
    iss: fields.issuer,
    client: fields.clientId ?? '',
    signer: fields.albArn ?? '',
    exp: fields.exp,
  };
}

/**
 * A key provider that answers for the gateway's own key endpoint from memory (the simulator verifies the blob it
 * was just given without a request to itself) and hands every other lookup to `inner`, the shared key store.
 */
export function withGatewayAlbKey(inner: KeyProvider, baseUrl: string, signer: AlbDataSigner): KeyProvider {
  const own = (base: string, kid: string): ReturnType<KeyProvider['albKey']> | undefined => {
    if (base !== baseUrl) return undefined;
    if (kid === signer.kid) return Promise.resolve({ ok: true, value: signer.keySet });
    return Promise.resolve(
      fail('http-status', `the gateway's ALB key endpoint has no key ${kid.slice(0, 40)}`),
    );
  };
  return {
    jwks: (url, options) => inner.jwks(url, options),
    albKey: (base, kid, options) => own(base, kid) ?? inner.albKey(base, kid, options),
    peekJwks: (url) => inner.peekJwks(url),
    peekAlbKey: (base, kid) =>
      base === baseUrl ? (kid === signer.kid ? signer.keySet : undefined) : inner.peekAlbKey(base, kid),
    clear: () => inner.clear(),
  };
}
