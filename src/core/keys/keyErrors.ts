// Key errors as values: one constructor, one exception type for the HttpGet boundary, one converter.
import type { KeyError, KeyResult } from './types.ts';
import { escapeForTerminal } from '../textSafety.ts';

/** Builds a KeyError so every layer spells them the same way. */
export function keyError(code: KeyError['code'], message: string): KeyError {
  return { code, message };
}

/** Shorthand for a failed KeyResult. */
export function fail<T>(code: KeyError['code'], message: string): KeyResult<T> {
  return { ok: false, error: keyError(code, message) };
}

/** Shorthand for a successful KeyResult. */
export function ok<T>(value: T): KeyResult<T> {
  return { ok: true, value };
}

/** What an HttpGet rejects with (the HttpGet contract returns a Promise, so failures must be rejections). */
export class KeyFetchError extends Error {
  override name = 'KeyFetchError';
  constructor(
    readonly code: KeyError['code'],
    message: string,
    /** The system/TLS code behind a network failure (ENOTFOUND, ECONNRESET...), if any. */
    readonly causeCode?: string,
  ) {
    super(message);
  }

  toKeyError(): KeyError {
    return keyError(this.code, this.message);
  }
}

/** Turns anything an injected HttpGet may throw into a KeyError, so nothing escapes the key layer. */
export function toKeyError(err: unknown, url?: string): KeyError {
  if (err instanceof KeyFetchError) return err.toKeyError();
  const detail = err instanceof Error ? err.message : String(err);
  const prefix = url === undefined ? '' : `${displayText(url)}: `;
  return keyError('network', `${prefix}key fetch failed (${displayText(detail)})`);
}

/** Untrusted text (URLs, Location headers, library messages) made safe and short for a one-line message. */
export function displayText(text: string, max = 200): string {
  const clean = escapeForTerminal(text);
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
