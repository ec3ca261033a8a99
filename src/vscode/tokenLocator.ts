// Finds the compact token under a position on one line of text. Only locates; the core decides what it is.
// Pure (no `vscode`): the hover and the commands hand it the line's text, and it reads only a window of it.

/** The hovered line is read through a window this wide on each side of the cursor (a token is at most 64 KiB). */
export const LINE_WINDOW = 70 * 1024;

// A compact JWS/JWE: the header segment of every JWT and ALB blob starts with `eyJ` (base64url of `{"`).
// `=` may precede a token (`TOKEN=eyJ…` in .env files, `?id_token=eyJ…`, `Authorization=eyJ…`); padding `=` only
// ever ends a segment, so it cannot hide the start of a bigger run.
const TOKEN = /(?<![A-Za-z0-9_.-])eyJ[A-Za-z0-9_-]*={0,2}(?:\.[A-Za-z0-9_-]*={0,2}){2,4}(?![A-Za-z0-9_.=-])/g;

// The HTTP header a token is the value of, when the text before it says so: `Authorization: Bearer`,
// `"Authorization": "Bearer `, curl `-H 'x-amzn-oidc-data: `, `Authorization=`.
const HEADER_BEFORE =
  /(authorization|x-amzn-oidc-data|x-amzn-oidc-accesstoken)["']?\s*[:=]\s*["']?\s*(?:(bearer)\s+)?$/i;

export interface LocatedToken {
  token: string;
  /** Offsets in the line (start inclusive, end exclusive). */
  start: number;
  end: number;
  /** Lower-case HTTP header name when the line shows one in front of the token. */
  header: string | undefined;
  /** "Bearer" when present. */
  scheme: string | undefined;
}

/** Characters TOKEN's look-behind treats as part of a run (a token cannot start right after one). */
function continuesBefore(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) || // 0-9
    (code >= 0x41 && code <= 0x5a) || // A-Z
    (code >= 0x61 && code <= 0x7a) || // a-z
    code === 0x5f || // _
    code === 0x2d || // -
    code === 0x2e // .
  );
}

/** Characters TOKEN's look-ahead treats as part of a run (a token cannot end right before one). */
function continuesAfter(code: number): boolean {
  return continuesBefore(code) || code === 0x3d; // =
}

/**
 * The token covering `character` on `line`, or undefined. Reads only `line.length`, one slice of at most
 * 2 * LINE_WINDOW characters around the cursor and the character on each side of it: never the whole line.
 */
export function locateToken(line: string, character: number): LocatedToken | undefined {
  const windowStart = Math.max(0, character - LINE_WINDOW);
  const windowEnd = Math.min(line.length, character + LINE_WINDOW);
  if (windowStart >= windowEnd) return undefined;
  const text = line.slice(windowStart, windowEnd);
  const at = character - windowStart;
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(text); match !== null; match = TOKEN.exec(text)) {
    const start = match.index;
    const end = start + match[0].length;
    if (at < start) break;
    if (at > end) continue;
    // A run the window cuts through is longer than any token (64 KiB): only part of it would be seen.
    if (start === 0 && windowStart > 0 && continuesBefore(line.charCodeAt(windowStart - 1))) return undefined;
    if (end === text.length && windowEnd < line.length && continuesAfter(line.charCodeAt(windowEnd)))
      return undefined;
    const segments = match[0].split('.').length;
    if (segments !== 3 && segments !== 5) return undefined;
    const before = HEADER_BEFORE.exec(text.slice(Math.max(0, start - 64), start));
    return {
      token: match[0],
      start: start + windowStart,
      end: end + windowStart,
      header: before?.[1]?.toLowerCase(),
      scheme: before?.[2] === undefined ? undefined : 'Bearer',
    };
  }
  return undefined;
}
