// The extension's one key store: the core's cache and fetch rules, with the user's timeout and loopback setting.
import { createHttpGet } from '../core/keys/httpGet.ts';
import { KeyFetchError } from '../core/keys/keyErrors.ts';
import { createKeyStore } from '../core/keys/keyStore.ts';
import type { HttpGet, KeyProvider } from '../core/keys/types.ts';
import { keyProviderFor } from './keyAccess.ts';
import type { KeyAccess } from './keyAccess.ts';
import type { Log } from './log.ts';
import { readSettings } from './settings.ts';

/** Owns the key cache for the session; every fetch is logged (URLs only, never tokens). */
export class KeyService {
  private store: KeyProvider;
  private readonly guarded: HttpGet;
  constructor(log: Log, httpGet: HttpGet = createHttpGet()) {
    this.guarded = async (url, options) => {
      const settings = readSettings();
      if (!settings.allowHttpOnLoopback && url.toLowerCase().startsWith('http:')) {
        throw new KeyFetchError(
          'insecure-url',
          `${url}: plain http is turned off by the authDebugger.allowHttpOnLoopback setting`,
        );
      }
      const started = Date.now();
      try {
        const response = await httpGet(url, { ...options, timeoutMs: settings.fetchTimeoutMs });
        log.info(
          `GET ${url} -> ${response.status} (${response.body.byteLength} bytes, ${Date.now() - started} ms)`,
        );
        return response;
      } catch (error) {
        log.warn(
          `GET ${url} failed after ${Date.now() - started} ms: ${error instanceof Error ? error.message : String(error)}`,
        );
        throw error;
      }
    };
    this.store = this.createStore();
  }

  /** The current key provider (replaced when the fetch timeout setting changes). */
  get provider(): KeyProvider {
    return this.store;
  }

  /** Start over with the current fetch settings (the store's own deadline follows the timeout). */
  rebuild(): void {
    this.store = this.createStore();
  }

  private createStore(): KeyProvider {
    return createKeyStore({
      httpGet: this.guarded,
      now: () => Date.now(),
      timeoutMs: readSettings().fetchTimeoutMs,
    });
  }

  /** The provider to verify with: the real store, or the core's cache-only view of it (hover, Restricted Mode). */
  providerFor(access: KeyAccess): KeyProvider {
    return keyProviderFor(this.store, access);
  }

  /** Forget every cached key set ("Reload keys"). */
  clear(): void {
    this.store.clear();
  }
}
