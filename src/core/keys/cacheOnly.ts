// The one "keys from the cache only" view (hover, Restricted Mode, allowNetwork: false): answers from a store's
// cache and never fetches. Kept apart from keyStore.ts so the verifier does not pull in the HTTP client.
import { displayText, fail, ok } from './keyErrors.ts';
import type { KeyProvider, KeyResult, KeySet } from './types.ts';

/** Why a cache-only view fetches nothing, in the words every surface shows (after "keys from URL are not cached, and "). */
export const CACHE_ONLY_WHY = {
  /** The verifier's own `allowNetwork: false`. */
  offline: 'the network is not used here',
  /** Hovers read the cache only and never wait; in a trusted workspace the keys are then fetched in the background. */
  hover: 'a hover does not wait for the network (in a trusted workspace they are fetched in the background)',
  /** An untrusted workspace: key URLs may come from its files. */
  restricted: 'nothing is fetched in Restricted Mode',
} as const;

/**
 * The one "keys from the cache only" mechanism: a view of `store` whose fetching methods answer from its cache
 * and otherwise with a `not-cached` error, which the verifier reports as a skipped key check (reason
 * `not-cached`), never a failed one. Hover, Restricted Mode and `allowNetwork: false` all go through it.
 */
export function cacheOnlyKeys(store: KeyProvider, why: string): KeyProvider {
  const notCached = (url: string): KeyResult<KeySet> =>
    fail('not-cached', `keys from ${displayText(url)} are not cached, and ${why}`);
  return {
    jwks: (url) => Promise.resolve(cachedOr(store.peekJwks(url), () => notCached(url))),
    albKey: (baseUrl, kid) =>
      Promise.resolve(cachedOr(store.peekAlbKey(baseUrl, kid), () => notCached(`${baseUrl}/${kid}`))),
    peekJwks: (url) => store.peekJwks(url),
    peekAlbKey: (baseUrl, kid) => store.peekAlbKey(baseUrl, kid),
    clear: () => store.clear(),
  };
}

/**
 * A view of `store` that fetches at most `maxUrls` distinct key URLs (JWKS URLs and ALB key endpoints); for any
 * other URL it answers from the cache only, with `why` (a scan of a hostile log naming 50,000 fake pools must not
 * make 50,000 requests). URLs already fetched stay fetchable (refetch on an unknown kid, reload).
 */
export function keyUrlBudget(store: KeyProvider, maxUrls: number, why: string): KeyProvider {
  const allowed = new Set<string>();
  const offline = cacheOnlyKeys(store, why);
  const admit = (key: string): boolean => {
    if (allowed.has(key)) return true;
    if (allowed.size >= maxUrls) return false;
    allowed.add(key);
    return true;
  };
  return {
    jwks: (url, options) => (admit(`jwks ${url}`) ? store.jwks(url, options) : offline.jwks(url, options)),
    albKey: (baseUrl, kid, options) =>
      admit(`alb ${baseUrl}`) ? store.albKey(baseUrl, kid, options) : offline.albKey(baseUrl, kid, options),
    peekJwks: (url) => store.peekJwks(url),
    peekAlbKey: (baseUrl, kid) => store.peekAlbKey(baseUrl, kid),
    clear: () => store.clear(),
  };
}

function cachedOr(set: KeySet | undefined, otherwise: () => KeyResult<KeySet>): KeyResult<KeySet> {
  return set ? ok(set) : otherwise();
}
