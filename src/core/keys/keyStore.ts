// The KeyProvider the verifier uses: per-URL cache, unknown-kid cooldown, shared in-flight requests, stale copy.
import { albKeyUrl } from './alb.ts';
import { DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS } from './httpGet.ts';
import { jwksContentTypeProblem, parseJwks, parsePem } from './jwks.ts';
import { KeyFetchError, displayText, keyError, ok, toKeyError } from './keyErrors.ts';
import { checkKeyUrl } from './keyUrls.ts';
import type { HttpGet, HttpResponse, KeyError, KeyProvider, KeyResult, KeySet } from './types.ts';

/** How long a fetched key set is trusted as current (security.md "Fetching keys"). */
export const DEFAULT_MAX_AGE_MS = 10 * 60_000;
/** Minimum gap between refetches caused by unknown kids or a failing endpoint, so tokens cannot hammer it. */
export const DEFAULT_UNKNOWN_KID_COOLDOWN_MS = 30_000;
/** Distinct URLs remembered; oldest dropped first (each ALB kid is its own URL). */
export const MAX_CACHED_URLS = 200;

/** Dependencies and limits of a key store; `now` is epoch milliseconds and only drives cache decisions. */
export interface KeyStoreOptions {
  httpGet: HttpGet;
  now: () => number;
  timeoutMs?: number;
  maxAgeMs?: number;
  unknownKidCooldownMs?: number;
  maxBytes?: number;
}

interface Entry {
  /** Last key set that fetched and parsed cleanly. */
  good: KeySet | undefined;
  /** Set when the latest fetch failed; cleared by the next success. */
  lastError: KeyError | undefined;
  lastFailureAt: number | undefined;
  lastKidRefetchAt: number | undefined;
  inflight: Promise<KeyResult<KeySet>> | undefined;
}

type Kind = { type: 'jwks' } | { type: 'alb'; kid: string };

/**
 * Cached key access for the verifier, CLI and extension. After a failed fetch the last good set is returned
 * with `stale: true`, and (unless `reload`) no new request is made for one cooldown period.
 */
export function createKeyStore(options: KeyStoreOptions): KeyProvider {
  const { httpGet, now } = options;
  const timeoutMs = positive(options.timeoutMs, DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS);
  const maxAgeMs = positive(options.maxAgeMs, DEFAULT_MAX_AGE_MS);
  const cooldownMs = positive(options.unknownKidCooldownMs, DEFAULT_UNKNOWN_KID_COOLDOWN_MS);
  const maxBytes = positive(options.maxBytes, DEFAULT_MAX_BYTES);
  const entries = new Map<string, Entry>();
  // URL vetting is pure and runs on every verification: remember the answer per URL string.
  const vettedUrls = new Map<string, KeyResult<URL>>();
  const vetUrl = (url: string): KeyResult<URL> => {
    let checked = vettedUrls.get(url);
    if (checked === undefined) {
      checked = checkKeyUrl(url);
      if (vettedUrls.size >= MAX_CACHED_URLS) vettedUrls.clear();
      vettedUrls.set(url, checked);
    }
    return checked;
  };
  let generation = 0;

  const entryFor = (url: string): Entry => {
    let entry = entries.get(url);
    if (entry === undefined) {
      entry = {
        good: undefined,
        lastError: undefined,
        lastFailureAt: undefined,
        lastKidRefetchAt: undefined,
        inflight: undefined,
      };
      entries.set(url, entry);
      if (entries.size > MAX_CACHED_URLS) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
    }
    return entry;
  };

  const view = (entry: Entry): KeySet | undefined => {
    if (entry.good === undefined) return undefined;
    if (entry.lastError === undefined) return entry.good;
    return { ...entry.good, stale: true, lastError: entry.lastError };
  };

  const isFresh = (set: KeySet, t: number): boolean => {
    if (set.fetchedAt === undefined) return false;
    const age = t - set.fetchedAt;
    return age >= 0 && age < maxAgeMs;
  };

  const fetchAndParse = async (url: string, kind: Kind): Promise<KeyResult<KeySet>> => {
    let response: HttpResponse;
    try {
      response = await withGuard(httpGet(url, { timeoutMs, maxBytes }), timeoutMs, url);
    } catch (err) {
      const status = err instanceof KeyFetchError ? /^http-(\d+)$/.exec(err.causeCode ?? '')?.[1] : undefined;
      return { ok: false, error: explainStatus(toKeyError(err, url), Number(status), kind) };
    }
    const shown = displayText(url);
    if (response.status !== 200) {
      const error = keyError(
        'http-status',
        `${shown}: the server answered HTTP ${response.status}; expected 200`,
      );
      return { ok: false, error: explainStatus(error, response.status, kind) };
    }
    if (response.body.byteLength > maxBytes) {
      return {
        ok: false,
        error: keyError('too-large', `${shown}: the response is larger than ${maxBytes} bytes`),
      };
    }
    const fetchedAt = now();
    if (kind.type === 'alb') return parsePem(response.body, url, { kid: kind.kid, fetchedAt });
    const typeProblem = jwksContentTypeProblem(response.contentType, response.body, url);
    if (typeProblem !== undefined) return { ok: false, error: typeProblem };
    return parseJwks(response.body, url, { fetchedAt });
  };

  const refresh = (url: string, entry: Entry, kind: Kind): Promise<KeyResult<KeySet>> => {
    if (entry.inflight !== undefined) return entry.inflight;
    const startedIn = generation;
    const run = async (): Promise<KeyResult<KeySet>> => {
      let result: KeyResult<KeySet>;
      try {
        result = await fetchAndParse(url, kind);
      } catch (err) {
        result = { ok: false, error: toKeyError(err, url) };
      }
      if (startedIn !== generation) return result;
      entries.delete(url);
      entries.set(url, entry);
      if (result.ok) {
        entry.good = result.value;
        entry.lastError = undefined;
        entry.lastFailureAt = undefined;
        return result;
      }
      entry.lastError = result.error;
      entry.lastFailureAt = now();
      const stale = view(entry);
      return stale === undefined ? result : { ok: true, value: stale };
    };
    const pending = run().finally(() => {
      if (entry.inflight === pending) entry.inflight = undefined;
    });
    entry.inflight = pending;
    return pending;
  };

  const lookup = (
    url: string,
    kind: Kind,
    kid: string | undefined,
    reload: boolean,
  ): Promise<KeyResult<KeySet>> => {
    const entry = entryFor(url);
    const t = now();
    if (!reload && entry.good !== undefined) {
      if (isFresh(entry.good, t) && entry.lastError === undefined) {
        const unknownKid = kid !== undefined && !entry.good.keys.some((k) => k.kid === kid);
        if (!unknownKid || !elapsed(entry.lastKidRefetchAt, t, cooldownMs))
          return Promise.resolve(ok<KeySet>(entry.good));
        entry.lastKidRefetchAt = t;
      } else if (entry.lastError !== undefined && !elapsed(entry.lastFailureAt, t, cooldownMs)) {
        const stale = view(entry);
        if (stale !== undefined) return Promise.resolve(ok<KeySet>(stale));
      }
    }
    return refresh(url, entry, kind);
  };

  return {
    jwks(url, opts = {}) {
      const checked = vetUrl(url);
      if (!checked.ok) return Promise.resolve(checked);
      return lookup(checked.value.href, { type: 'jwks' }, opts.kid, opts.reload === true);
    },
    albKey(baseUrl, kid, opts = {}) {
      const url = albKeyUrl(baseUrl, kid);
      if (!url.ok) return Promise.resolve(url);
      return lookup(url.value, { type: 'alb', kid }, undefined, opts.reload === true);
    },
    peekJwks(url) {
      const checked = vetUrl(url);
      if (!checked.ok) return undefined;
      const entry = entries.get(checked.value.href);
      return entry === undefined ? undefined : view(entry);
    },
    peekAlbKey(baseUrl, kid) {
      const url = albKeyUrl(baseUrl, kid);
      if (!url.ok) return undefined;
      const entry = entries.get(url.value);
      return entry === undefined ? undefined : view(entry);
    },
    clear() {
      entries.clear();
      generation++;
    },
  };
}

// S3 and the regional endpoint answer 403/404 for a kid they do not know: say what that usually means.
function explainStatus(error: KeyError, status: number, kind: Kind): KeyError {
  if (kind.type !== 'alb' || (status !== 403 && status !== 404)) return error;
  return keyError(
    error.code,
    `${error.message}; this endpoint has no public key for kid ${kind.kid} (wrong region, or not an ALB token?)`,
  );
}

function elapsed(since: number | undefined, t: number, periodMs: number): boolean {
  return since === undefined || t - since >= periodMs || t < since;
}

function positive(value: number | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? Math.min(value, max) : fallback;
}

// An injected HttpGet might never settle; the store must not hang with it (security.md: never a hang).
function withGuard<T>(promise: Promise<T>, timeoutMs: number, url: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new KeyFetchError('timeout', `${displayText(url)}: no answer within ${timeoutMs} ms (timeout)`),
        ),
      timeoutMs + Math.min(1000, timeoutMs),
    );
    timer.unref();
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}
