// Contract between verification and key fetching: network, time and caching sit behind these types.
import type { KeyObject } from 'node:crypto';
import type { Warning } from '../findings.ts';

/** The raw HTTP response of a key endpoint, already capped and timed out by the fetcher. */
export interface HttpResponse {
  status: number;
  contentType: string | undefined;
  body: Uint8Array;
}

/** Low-level GET used for key endpoints. Implementations must follow security.md's fetching rules. */
export type HttpGet = (
  url: string,
  options: { timeoutMs: number; maxBytes: number },
) => Promise<HttpResponse>;

/** A public key usable with node:crypto, with the JWK metadata that selection needs. */
export interface VerificationKey {
  kid: string | undefined;
  kty: 'RSA' | 'EC' | 'oct' | 'OKP';
  alg: string | undefined;
  use: string | undefined;
  /** The JWK's `key_ops` (RFC 7517 §4.3), when it states them: a verification key must allow "verify". */
  keyOps?: readonly string[] | undefined;
  /** RSA modulus bits or EC curve name, for display. */
  detail: string;
  keyObject: KeyObject;
}

/** A key set as fetched or loaded, plus where it came from and how fresh it is. */
export interface KeySet {
  source: string;
  keys: VerificationKey[];
  warnings: Warning[];
  fetchedAt: number | undefined;
  /** True when the last fetch failed and this is the last good copy. */
  stale: boolean;
  /** Why the latest refetch failed, when `stale` is true (for the stale label). */
  lastError?: KeyError;
}

/** Why keys could not be had, in plain words; `code` is stable for tests. */
export interface KeyError {
  code:
    | 'insecure-url'
    | 'invalid-url'
    | 'timeout'
    | 'too-large'
    | 'http-status'
    | 'redirect'
    | 'content-type'
    | 'not-json'
    | 'malformed-key-set'
    | 'network'
    | 'invalid-kid'
    | 'invalid-pem'
    | 'no-key'
    /** A cache-only view (hover, Restricted Mode) holds no copy: nothing was looked at, nothing failed. */
    | 'not-cached';
  message: string;
}

export type KeyResult<T> = { ok: true; value: T } | { ok: false; error: KeyError };

/** Cached, rule-following access to remote keys. The verifier depends only on this. */
export interface KeyProvider {
  /** A JWKS by URL. With `kid` unknown to the cached set, refetches at most once per cooldown. */
  jwks(url: string, options?: { kid?: string; reload?: boolean }): Promise<KeyResult<KeySet>>;
  /** The single PEM key an ALB publishes at `{baseUrl}/{kid}`; kid must be a UUID. */
  albKey(baseUrl: string, kid: string, options?: { reload?: boolean }): Promise<KeyResult<KeySet>>;
  /** What is cached right now, without any network (hover uses this). */
  peekJwks(url: string): KeySet | undefined;
  peekAlbKey(baseUrl: string, kid: string): KeySet | undefined;
  /** Forget everything cached (the "Reload keys" action). */
  clear(): void;
}

/** Injected dependencies: network lives behind the key provider. Kept out of ../types.ts, which the webviews
 * reach through src/shared/protocol.ts and which must therefore not depend on Node types (KeyObject). */
export interface VerifyDeps {
  keys: KeyProvider;
}
