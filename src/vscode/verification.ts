// Turns settings, secrets and trust into VerifyOptions and calls the core. The only place that verifies.
import { decodeReport, inspectInput, inspectToken, parseInput } from '../core/inspect.ts';
import type { InspectOutcome } from '../core/inspect.ts';
import type { FoundToken, TokenReport, VerifyOptions } from '../core/types.ts';
import type { KeyProvider } from '../core/keys/types.ts';
import type { HmacSecrets } from './secrets.ts';
import { readSettings } from './settings.ts';
import type { Settings } from './settings.ts';
import { networkAllowed } from './trust.ts';

/** How one verification may use the network. */
export interface VerifyMode {
  /** Fetch keys (false: cached keys only, as hovers and Restricted Mode require). */
  network: boolean;
  /** Bypass the key cache's age and cooldown ("Reload keys"). */
  reload: boolean;
}

/** Epoch seconds now. The core never reads the clock; the extension passes it in. */
export function nowSeconds(): number {
  return Date.now() / 1000;
}

/** Verifies with the user's expectations from settings and secrets; the core does all the checking. */
export class Verifier {
  constructor(
    /** The key provider; `network: false` gives one that only reads the cache. */
    private readonly keys: (network: boolean) => KeyProvider,
    private readonly secrets: HmacSecrets,
  ) {}

  /** Whether a verification would be allowed to fetch keys now. */
  networkAllowed(): boolean {
    return networkAllowed();
  }

  /** Inspect whatever the user pasted (a token, a header, a header block). */
  async inspect(text: string, mode: VerifyMode): Promise<InspectOutcome> {
    const parsed = parseInput(text);
    if (!parsed.ok) return parsed;
    const settings = readSettings();
    const base = this.baseOptions(settings, mode);
    const deps = { keys: this.keys(base.allowNetwork === true) };
    const perToken = await Promise.all(
      parsed.tokens.map((found) => this.optionsFor(found.token, base, settings)),
    );
    if (perToken.every((options) => options === base)) return inspectInput(text, base, deps);
    if (parsed.tokens.length === 1) return inspectInput(text, perToken[0] ?? base, deps);
    // A header block whose tokens need different key sources: inspect each header on its own, keeping the
    // x-amzn-oidc-identity line next to the data blob so the core still cross-checks it.
    const items: Extract<InspectOutcome, { ok: true }>['items'] = [];
    for (const [index, found] of parsed.tokens.entries()) {
      const outcome = await inspectInput(headerText(found, parsed.identity), perToken[index] ?? base, deps);
      if (!outcome.ok) return outcome;
      items.push(...outcome.items);
    }
    return { ok: true, headerBlock: true, items, valid: items.every((item) => item.report.valid) };
  }

  /** Hover: verify against cached keys only, reusing the hover's own decode. Never waits on the network. */
  async hoverReport(token: string, decoded?: TokenReport): Promise<TokenReport> {
    const settings = readSettings();
    const base = this.baseOptions(settings, { network: false, reload: false });
    const options = await this.optionsFor(token, base, settings, decoded);
    return inspectToken(token, options, { keys: this.keys(false) });
  }

  private baseOptions(settings: Settings, mode: VerifyMode): VerifyOptions {
    const options: VerifyOptions = {
      now: nowSeconds(),
      clockSkewSeconds: settings.clockSkewSeconds,
      allowNetwork: mode.network && networkAllowed(),
      reloadKeys: mode.reload,
    };
    if (settings.expectedClientIds.length > 0) options.audience = settings.expectedClientIds;
    if (settings.albArn !== undefined) options.albArn = settings.albArn;
    if (settings.albKeyUrl !== undefined) options.keySource = { type: 'alb', baseUrl: settings.albKeyUrl };
    return options;
  }

  /** Options specific to one token (a JWKS URL or HMAC secret for its issuer), or `base` itself when none. */
  private async optionsFor(
    token: string,
    base: VerifyOptions,
    settings: Settings,
    decoded?: Pick<TokenReport, 'kind' | 'header' | 'payload'>,
  ): Promise<VerifyOptions> {
    const report = decoded ?? decodeReport(token, base.now);
    const iss = report.payload?.['iss'];
    const alg = report.header?.['alg'];
    if (report.kind === 'alb-data') {
      const client = report.header?.['client'];
      const ids = settings.expectedClientIds;
      if (ids.length === 0) return base;
      return { ...base, clientId: typeof client === 'string' && ids.includes(client) ? client : ids[0] };
    }
    if (typeof iss !== 'string') return base;
    if (typeof alg === 'string' && /^HS/i.test(alg)) {
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

function headerText(found: FoundToken, identity: string | undefined): string {
  const value = found.scheme === undefined ? found.token : `${found.scheme} ${found.token}`;
  const line = found.header === undefined ? value : `${found.header}: ${value}`;
  return found.header === 'x-amzn-oidc-data' && identity !== undefined
    ? `${line}\nx-amzn-oidc-identity: ${identity}`
    : line;
}
