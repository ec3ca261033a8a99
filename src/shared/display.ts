// Display helpers shared by the hover (host) and the webviews: pure, no vscode, no DOM.
import type { TokenKind } from '../core/types.ts';

const KIND_LABELS: Record<TokenKind, string> = {
  'cognito-id': 'Cognito ID token',
  'cognito-access': 'Cognito access token',
  'alb-data': 'ALB x-amzn-oidc-data',
  jwt: 'JWT',
  jwe: 'Encrypted token (JWE)',
  invalid: 'Not a valid token',
};

/** A person's name for a token kind. */
export function kindLabel(kind: TokenKind): string {
  return KIND_LABELS[kind] ?? 'Unknown';
}

// Bidi overrides/isolates, zero-width and other invisible or control characters: shown as ⟨U+XXXX⟩.
const INVISIBLE =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufeff\ufff9-\ufffb]/gu;

/** Text with invisible and direction-changing characters made visible, so a claim cannot disguise itself. */
export function visibleText(text: string): string {
  return text.replace(
    INVISIBLE,
    (ch) => `⟨U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}⟩`,
  );
}

/** Whether the text holds characters that visibleText escapes. */
export function hasInvisible(text: string): boolean {
  INVISIBLE.lastIndex = 0;
  const found = INVISIBLE.test(text);
  INVISIBLE.lastIndex = 0;
  return found;
}

/** "in 4 minutes 10 seconds" / "3 hours ago", precise enough for a countdown. */
export function relativeTime(deltaSeconds: number): string {
  if (!Number.isFinite(deltaSeconds)) return 'never';
  const future = deltaSeconds > 0;
  let rest = Math.abs(Math.round(deltaSeconds));
  if (rest === 0) return 'now';
  const units: Array<[string, number]> = [
    ['day', 86400],
    ['hour', 3600],
    ['minute', 60],
    ['second', 1],
  ];
  const parts: string[] = [];
  for (const [name, size] of units) {
    const count = Math.floor(rest / size);
    if (count > 0) {
      parts.push(`${count} ${name}${count === 1 ? '' : 's'}`);
      rest -= count * size;
    }
    if (parts.length === 2) break;
  }
  const text = parts.join(' ');
  return future ? `in ${text}` : `${text} ago`;
}

/** A claim value on one line: strings as they are, everything else as compact JSON. */
export function claimText(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return '[unprintable]';
  }
}
