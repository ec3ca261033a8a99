// Which URLs keys may be fetched from (security.md "Fetching keys"): https, or http on loopback only.
import { displayText, fail, ok } from './keyErrors.ts';
import type { KeyResult } from './types.ts';

/** Loopback hosts may use plain http (local emulators); the WHATWG URL parser has already normalised IPs. */
export function isLoopbackHostname(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** True for http(s) URLs whose host is localhost, 127.0.0.0/8 or [::1]. */
export function isLoopbackUrl(url: string | URL): boolean {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return false;
  }
  return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && isLoopbackHostname(parsed.hostname);
}

/** Parses and vets a key URL before any request: 'invalid-url' or 'insecure-url' with a plain reason. */
export function checkKeyUrl(url: string): KeyResult<URL> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return fail('invalid-url', `"${displayText(url)}" is not a valid URL`);
  }
  const shown = displayText(url);
  if (parsed.username !== '' || parsed.password !== '') {
    return fail('invalid-url', `${shown}: credentials in a key URL are not allowed`);
  }
  if (parsed.protocol === 'https:') return ok(parsed);
  if (parsed.protocol === 'http:') {
    if (isLoopbackHostname(parsed.hostname)) return ok(parsed);
    return fail(
      'insecure-url',
      `${shown}: plain http is refused for keys (only localhost, 127.0.0.0/8 and [::1] may use http); use https://`,
    );
  }
  return fail(
    'invalid-url',
    `${shown}: only https URLs are fetched (got ${displayText(parsed.protocol, 20)})`,
  );
}
