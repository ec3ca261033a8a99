// Where an ALB publishes the key for an x-amzn-oidc-data blob, derived only from values we validated.
import { trimTrailingSlashes } from '../textScan.ts';
import { displayText, fail, ok } from './keyErrors.ts';
import { checkKeyUrl } from './keyUrls.ts';
import type { KeyResult } from './types.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** ALB kids are UUIDs; anything else is refused before it reaches a URL (security.md #19). */
export function isUuidKid(kid: unknown): kid is string {
  return typeof kid === 'string' && UUID.test(kid);
}

/** `{baseUrl}/{kid}` once the kid is a UUID and the base URL passes the fetching rules. */
export function albKeyUrl(baseUrl: string, kid: unknown): KeyResult<string> {
  // Pure, and asked twice per ALB verification with the same pair (peek, then fetch): one slot remembers it.
  if (lastUrl !== undefined && lastUrl.baseUrl === baseUrl && lastUrl.kid === kid) return lastUrl.result;
  const result = computeAlbKeyUrl(baseUrl, kid);
  if (typeof kid === 'string') lastUrl = { baseUrl, kid, result };
  return result;
}

let lastUrl: { baseUrl: string; kid: string; result: KeyResult<string> } | undefined;

function computeAlbKeyUrl(baseUrl: string, kid: unknown): KeyResult<string> {
  if (!isUuidKid(kid)) {
    const shown = typeof kid === 'string' ? `"${displayText(kid, 80)}"` : typeof kid;
    return fail('invalid-kid', `ALB kid ${shown} is not a UUID; refusing to request a key for it`);
  }
  const base = vetAlbBase(baseUrl);
  return base.ok ? ok(`${base.value}/${kid}`) : base;
}

// Vetting a base URL is pure and runs on every ALB verification: remember the answer per string.
const vettedBases = new Map<string, KeyResult<string>>();

function vetAlbBase(baseUrl: string): KeyResult<string> {
  let result = vettedBases.get(baseUrl);
  if (result !== undefined) return result;
  const checked = checkKeyUrl(baseUrl);
  if (!checked.ok) result = checked;
  else if (checked.value.search !== '' || checked.value.hash !== '') {
    result = fail(
      'invalid-url',
      `${displayText(baseUrl)}: an ALB key base URL cannot have a query or fragment`,
    );
  } else result = ok(`${checked.value.origin}${trimTrailingSlashes(checked.value.pathname)}`);
  if (vettedBases.size >= 200) vettedBases.clear();
  vettedBases.set(baseUrl, result);
  return result;
}
