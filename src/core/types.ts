// Shapes shared by decoding, verification, the CLI and the extension.
import type { ScopeRuleName } from './claims.ts';
import type { Check, Warning } from './findings.ts';

export type TokenKind = 'cognito-id' | 'cognito-access' | 'alb-data' | 'jwt' | 'jwe' | 'invalid';

export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** Where verification keys come from. Without one, a key source is derived when the rules allow it. */
export type KeySource =
  | { type: 'jwks-url'; url: string }
  | { type: 'jwks'; jwks: unknown; label: string }
  | { type: 'pem'; pem: string; label: string }
  | { type: 'secret'; secret: Uint8Array; label: string }
  | { type: 'alb'; baseUrl?: string };

/** What the user expects of the token. Everything optional: unset expectations are skipped or warned. */
export interface VerifyOptions {
  /** Current time, epoch seconds. Injected, never read from the clock inside the core. */
  now: number;
  clockSkewSeconds?: number;
  keySource?: KeySource;
  issuer?: string;
  /** Accepted audiences (ID token `aud`), any one matching. */
  audience?: string[];
  /** Expected app client: `aud` for ID tokens, `client_id` for access tokens, `client` for ALB blobs. */
  clientId?: string;
  tokenUse?: 'id' | 'access';
  /** Any one of these must be granted, read under `scopeRule`. */
  requiredScopes?: string[];
  /** Which authorizer's reading of `scope`/`scp` applies (claims.ts); default by token kind. */
  scopeRule?: ScopeRuleName;
  /**
   * Accept public-key material (PEM, JWK, certificate, ssh key) as an HMAC secret. Off by default: that is the
   * algorithm-confusion attack, so it fails unless the user insists.
   */
  allowPublicKeySecret?: boolean;
  /** Expected ALB ARN for the `signer` header of `x-amzn-oidc-data`. */
  albArn?: string;
  /** Overrides the algorithm allowlist for this token kind (e.g. an authorizer that allows only RS256). */
  algorithms?: string[];
  /** Fetch keys at all? false = use only what the provider has cached (hover, untrusted workspaces). */
  allowNetwork?: boolean;
  /** Bypass the key cache and cooldown for this verification ("Reload keys"). */
  reloadKeys?: boolean;
}

/** A time claim rendered for people. */
export interface TimeInfo {
  epoch: number;
  iso: string;
  /** e.g. "in 59 minutes", "3 hours ago". */
  relative: string;
}

/** One header or payload entry with its meaning, for tables in every surface. */
export interface ClaimInfo {
  location: 'header' | 'payload';
  name: string;
  value: JsonValue;
  meaning: string | undefined;
  time: TimeInfo | undefined;
}

/** A decoded token plus the `format` check that says whether its structure is acceptable. */
export interface DecodeResult {
  token: DecodedToken;
  format: Check;
  duplicateHeaderKeys: string[];
  duplicatePayloadKeys: string[];
  tooDeep: boolean;
  /** A `__proto__`/`constructor`/`prototype` key appears somewhere. */
  protoKey: boolean;
  /**
   * Header or payload text may hold an invisible character: false only when it holds no character at or above
   * DEL and no escape but `\"`, `\\`, `\/`, `\n`, `\t` (so the invisible-character lint can skip its walk).
   */
  maybeInvisible: boolean;
}

/** A decoded compact token. `rawHeader`/`rawPayload` keep the exact JSON text (duplicate keys stay visible). */
export interface DecodedToken {
  kind: TokenKind;
  /** The compact text that was inspected, trimmed. */
  text: string;
  header: JsonObject | null;
  payload: JsonObject | null;
  rawHeader: string | undefined;
  rawPayload: string | undefined;
  /** Bytes the signature covers: the first two segments as written (padding included). */
  signingInput: string;
  /** The signature segment as written; decoded only when a signature is checked. */
  signatureSegment: string;
  /** Segments carried `=` padding (ALB style). */
  padded: boolean;
}

/** Everything known about one token: the result of inspect. */
export interface TokenReport {
  kind: TokenKind;
  header: JsonObject | null;
  payload: JsonObject | null;
  rawHeader: string | undefined;
  rawPayload: string | undefined;
  claims: ClaimInfo[];
  lifetimeSeconds: number | undefined;
  checks: Check[];
  warnings: Warning[];
  valid: boolean;
  /** The token as it may appear in logs: header.payload.<redacted>. */
  redacted: string;
}

/** One token found in pasted input, with the HTTP header it came from when there was one. */
export interface FoundToken {
  token: string;
  /** Lower-case HTTP header name (`authorization`, `x-amzn-oidc-data`...), or undefined for a bare token. */
  header: string | undefined;
  /** Text before the token inside the header value, e.g. "Bearer". */
  scheme: string | undefined;
}

/** The request line of a pasted request block (`GET https://api.example.com/orders/1 HTTP/1.1`). */
export interface PastedRequestLine {
  /** Upper-case method. */
  method: string;
  /** The request target as written (a URL, a path, or `{{baseUrl}}/path`). */
  target: string;
  /** The target's path and query (`/orders/1?x=1`), or undefined when the target names none. */
  path: string | undefined;
}

/** Result of reading what the user pasted. */
export type ParsedInput =
  | {
      ok: true;
      tokens: FoundToken[];
      headerBlock: boolean;
      identity: string | undefined;
      /** Set when the input was a request block (request line, headers, body). */
      request?: PastedRequestLine;
    }
  | { ok: false; message: string };
