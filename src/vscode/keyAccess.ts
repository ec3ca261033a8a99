// How a verification may reach keys, decided in one place for every surface (hover, Inspector, simulator).
// Pure (no vscode import): the caller passes the workspace trust, so unit tests cover every combination.
import { CACHE_ONLY_WHY, cacheOnlyKeys } from '../core/keys/cacheOnly.ts';
import type { KeyProvider } from '../core/keys/types.ts';

/** Fetch keys, or read the cache only and say why (the wording every surface shows for `not-cached`). */
export type KeyAccess = { network: true } | { network: false; why: string };

/** What asks for keys: a hover never fetches; the Inspector and the simulator fetch unless untrusted. */
export type KeyPurpose = 'hover' | 'verify';

export function keyAccess(purpose: KeyPurpose, workspaceTrusted: boolean): KeyAccess {
  if (!workspaceTrusted) return { network: false, why: CACHE_ONLY_WHY.restricted };
  return purpose === 'hover' ? { network: false, why: CACHE_ONLY_WHY.hover } : { network: true };
}

/** The provider for `access`: the store itself, or the core's one cache-only view of it. */
export function keyProviderFor(store: KeyProvider, access: KeyAccess): KeyProvider {
  return access.network ? store : cacheOnlyKeys(store, access.why);
}
