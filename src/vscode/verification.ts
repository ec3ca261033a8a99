// Turns settings, secrets and trust into VerifyOptions and calls the core. The only place that verifies.
import { decodeInput, inspectDecoded, inspectDecodedInput } from '../core/verify/inspect.ts';
import type { DecodeResult, DecodedInput, InspectOutcome } from '../core/verify/inspect.ts';
import { HMAC_ALGORITHMS } from '../core/signature.ts';
import type { DecodedToken, TokenReport, VerifyOptions } from '../core/types.ts';
import type { KeyProvider } from '../core/keys/types.ts';
import { keyAccess } from './keyAccess.ts';
import type { KeyAccess } from './keyAccess.ts';
import { KeyPrefetcher, recordingMisses } from './keyPrefetch.ts';
import type { MissedKey, PrefetchStatus } from './keyPrefetch.ts';
import type { HmacSecrets } from './secrets.ts';
import { readSettings } from './settings.ts';
import type { Settings } from './settings.ts';
import { networkAllowed } from './trust.ts';

/** How one verification may use the network. */
export interface VerifyMode {
  /** Fetch keys (false: cached keys only, as hovers require; Restricted Mode forces it). */
  network: boolean;
  /** Bypass the key cache's age and cooldown ("Reload keys"). */
  reload: boolean;
}

/** What a hover's cache-only verification found, and which keys it missed. */
export interface HoverVerification {
  report: TokenReport;
  missedKeys: MissedKey[];
}

/** Epoch seconds now. The core never reads the clock; the extension passes it in. */
export function nowSeconds(): number {
  return Date.now() / 1000;
}

/** Verifies with the user's expectations from settings and secrets; the core does all the checking. */
export class Verifier {
  constructor(
    /** The key provider for an access mode: the store, or its cache-only view (the one no-network mechanism). */
    private readonly keys: (access: KeyAccess) => KeyProvider,
    private readonly secrets: HmacSecrets,
  ) {}

  /** Where background fetches are logged (the hover passes the extension's log). */
  private prefetchLog: (message: string) => void = () => undefined;
  /** Hovers' background key fetches (one at a time per key URL). */
  private readonly prefetcher = new KeyPrefetcher(
    (access) => this.keys(access),
    () => Date.now(),
    (message) => this.prefetchLog(message),
  );

  /** Whether a verification would be allowed to fetch keys now. */
  networkAllowed(): boolean {
    return networkAllowed();
  }

  /** Inspect whatever the user pasted (a token, a header, a header block). */
  inspect(text: string, mode: VerifyMode): Promise<InspectOutcome> {
    return this.inspectDecoded(decodeInput(text), mode);
  }

  /** Inspect input already parsed and decoded: each token is verified from its one decode. */
  async inspectDecoded(input: DecodedInput, mode: VerifyMode): Promise<InspectOutcome> {
    if (!input.ok) return input;
    const settings = readSettings();
    const base = this.baseOptions(settings, mode);
    const keys = this.keys(keyAccess(mode.network ? 'verify' : 'hover', networkAllowed()));
    // Per token: a header block's tokens may need different key sources (a JWKS URL or secret per issuer).
    return inspectDecodedInput(input, (item) => this.optionsFor(item.decoded.token, base, settings), {
      keys,
    });
  }

  /** Hover: verify the hover's own decode against cached keys only. Never waits on the network. */
  async hoverReport(decoded: DecodeResult): Promise<HoverVerification> {
    const settings = readSettings();
    const base = this.baseOptions(settings, { network: false, reload: false });
    const options = await this.optionsFor(decoded.token, base, settings);
    const missedKeys: MissedKey[] = [];
    const keys = recordingMisses(this.keys(keyAccess('hover', networkAllowed())), missedKeys);
    const report = await inspectDecoded(decoded, options, { keys });
    return { report, missedKeys };
  }

  /**
   * Fetch the keys a hover missed, in the background (the caller never awaits it), once per key URL at a time,
   * and only where a verification may fetch (keyAccess: never in Restricted Mode).
   */
  prefetchKeys(missed: readonly MissedKey[], log?: (message: string) => void): PrefetchStatus {
    if (log) this.prefetchLog = log;
    return this.prefetcher.prefetch(missed, keyAccess('verify', networkAllowed()));
  }

  /** "Reload keys": hovers may try keys whose background fetch just failed again at once. */
  forgetPrefetchFailures(): void {
    this.prefetcher.forgetFailures();
  }

  /** Settles when every background key fetch started so far has finished (tests only). */
  prefetchesSettled(): Promise<void> {
    return this.prefetcher.settled();
  }

  // No allowNetwork here: whether keys are fetched is decided once, by the provider keyAccess picks.
  private baseOptions(settings: Settings, mode: VerifyMode): VerifyOptions {
    const options: VerifyOptions = {
      now: nowSeconds(),
      clockSkewSeconds: settings.clockSkewSeconds,
      reloadKeys: mode.reload,
    };
    if (settings.expectedClientIds.length > 0) options.audience = settings.expectedClientIds;
    if (settings.albArn !== undefined) options.albArn = settings.albArn;
    if (settings.albKeyUrl !== undefined) options.keySource = { type: 'alb', baseUrl: settings.albKeyUrl };
    return options;
  }

  /** Options specific to one token (a JWKS URL or HMAC secret for its issuer), or `base` itself when none. */
  private async optionsFor(
    token: Pick<DecodedToken, 'kind' | 'header' | 'payload'>,
    base: VerifyOptions,
    settings: Settings,
  ): Promise<VerifyOptions> {
    const iss = token.payload?.['iss'];
    const alg = token.header?.['alg'];
    if (token.kind === 'alb-data') {
      const client = token.header?.['client'];
      const ids = settings.expectedClientIds;
      if (ids.length === 0) return base;
      return { ...base, clientId: typeof client === 'string' && ids.includes(client) ? client : ids[0] };
    }
    if (typeof iss !== 'string') return base;
    if (typeof alg === 'string' && HMAC_ALGORITHMS.includes(alg)) {
      const secret = await this.secrets.get(iss);
      if (secret)
        return { ...base, keySource: { type: 'secret', secret, label: `the HMAC secret saved for ${iss}` } };
    }
    const url = Object.hasOwn(settings.jwksUrls, iss) ? settings.jwksUrls[iss] : undefined;
    if (url !== undefined) return { ...base, issuer: iss, keySource: { type: 'jwks-url', url } };
    // The ALB key URL setting is for ALB blobs only; a JWT keeps the core's own key derivation.
    if (base.keySource?.type === 'alb') return { ...base, keySource: undefined };
    return base;
  }
}
