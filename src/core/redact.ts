// Tokens are secrets: logs and errors show at most header.payload.<redacted> or a short hash.
import { createHash } from 'node:crypto';

/** header.payload.<redacted> for a compact token; a short hash for anything else. */
export function redactToken(text: string): string {
  const parts = text.split('.');
  if (parts.length === 3 && text.length <= 64 * 1024) return `${parts[0]}.${parts[1]}.<redacted>`;
  return tokenHash(text);
}

/** A short, stable fingerprint safe to log. */
export function tokenHash(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex').slice(0, 12)}`;
}

const JWT_LIKE = /\b(eyJ[A-Za-z0-9_-]*={0,2})\.([A-Za-z0-9_-]+={0,2})\.([A-Za-z0-9_-]+={0,2})/g;

/** Redact every JWT-looking substring of a log line. */
export function redactText(line: string): string {
  return line.replace(
    JWT_LIKE,
    (_match, header: string, payload: string) => `${header}.${payload}.<redacted>`,
  );
}
