// Background key fetches for hovers: a hover reads cached keys only and never waits, but when it finds the keys
// missing it asks for them here, so the next hover shows the real verdict. Pure (no vscode import): the caller
// passes the key access (trust decides it, through keyAccess), so unit tests cover every case.
import type { KeyProvider, KeyResult, KeySet } from '../core/keys/types.ts';
import type { KeyAccess } from './keyAccess.ts';

/** A key set a hover asked the cache for and did not find: what a background fetch would get. */
export type MissedKey =
  { type: 'jwks'; url: string; kid: string | undefined } | { type: 'alb'; baseUrl: string; kid: string };

/**
 * What happened to a hover's request for missing keys:
 * started / in-flight: the next hover shows the real verdict; failed-recently: the last attempt (within the retry
 * pause) failed, so nothing is fetched again yet; not-allowed: Restricted Mode fetches nothing.
 */
export type PrefetchStatus = 'started' | 'in-flight' | 'failed-recently' | 'not-allowed';

/** After a failed background fetch, hovers wait this long before trying the same key URL again. */
export const PREFETCH_RETRY_MS = 60_000;

/** The URL a missed key set is fetched from: the dedup key. */
export function missedKeyUrl(key: MissedKey): string {
  return key.type === 'jwks' ? key.url : `${key.baseUrl.replace(/\/+$/, '')}/${key.kid}`;
}

/** A view of `provider` that notes every key set the cache did not hold (reason `not-cached`). */
export function recordingMisses(provider: KeyProvider, missed: MissedKey[]): KeyProvider {
  const note = (result: KeyResult<KeySet>, key: MissedKey): KeyResult<KeySet> => {
    if (!result.ok && result.error.code === 'not-cached') missed.push(key);
    return result;
  };
  return {
    jwks: async (url, options) =>
      note(await provider.jwks(url, options), { type: 'jwks', url, kid: options?.kid }),
    albKey: async (baseUrl, kid, options) =>
      note(await provider.albKey(baseUrl, kid, options), { type: 'alb', baseUrl, kid }),
    peekJwks: (url) => provider.peekJwks(url),
    peekAlbKey: (baseUrl, kid) => provider.peekAlbKey(baseUrl, kid),
    clear: () => provider.clear(),
  };
}

/** Fetches missed keys in the background, one request at a time per key URL, never where access forbids it. */
export class KeyPrefetcher {
  /** Background fetches under way, by key URL. */
  private readonly inFlight = new Map<string, Promise<void>>();
  /** When a background fetch of a key URL last failed (epoch ms), so hovers do not retry it on every move. */
  private readonly failedAt = new Map<string, number>();

  constructor(
    /** The provider for an access mode (the key store itself when the access allows the network). */
    private readonly keys: (access: KeyAccess) => KeyProvider,
    private readonly now: () => number = () => Date.now(),
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  /**
   * Start fetching `missed` (the caller never awaits it). `access` is keyAccess('verify', trusted): in Restricted
   * Mode it forbids the network and nothing is fetched. The store caches what arrives for the next hover.
   */
  prefetch(missed: readonly MissedKey[], access: KeyAccess): PrefetchStatus {
    if (!access.network) return 'not-allowed';
    const store = this.keys(access);
    let status: PrefetchStatus | undefined;
    const rank: Record<PrefetchStatus, number> = {
      started: 0,
      'in-flight': 1,
      'failed-recently': 2,
      'not-allowed': 3,
    };
    const note = (next: PrefetchStatus): void => {
      if (status === undefined || rank[next] < rank[status]) status = next;
    };
    for (const key of missed) {
      const url = missedKeyUrl(key);
      if (this.inFlight.has(url)) {
        note('in-flight');
        continue;
      }
      const failed = this.failedAt.get(url);
      if (failed !== undefined && this.now() - failed < PREFETCH_RETRY_MS) {
        note('failed-recently');
        continue;
      }
      const fetching =
        key.type === 'jwks'
          ? store.jwks(key.url, key.kid === undefined ? {} : { kid: key.kid })
          : store.albKey(key.baseUrl, key.kid);
      const done = fetching
        .then(
          (result) => result.ok,
          () => false,
        )
        .then((ok) => {
          if (ok) this.failedAt.delete(url);
          else this.failedAt.set(url, this.now());
          this.log(`Background key fetch for a hover: ${url} ${ok ? 'cached' : 'failed'}`);
        })
        .finally(() => this.inFlight.delete(url));
      this.inFlight.set(url, done);
      note('started');
    }
    return status ?? 'started';
  }

  /** Forget failed attempts ("Reload keys"): the next hover tries again at once. */
  forgetFailures(): void {
    this.failedAt.clear();
  }

  /** Settles when every fetch started so far has finished (tests; nothing in the extension waits on it). */
  async settled(): Promise<void> {
    await Promise.all([...this.inFlight.values()]);
  }
}
