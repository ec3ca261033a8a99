// Finds the compact token under a position on one line of text. Only locates; the core decides what it is.

/** The hovered line is read through a window this wide on each side of the cursor (a token is at most 64 KiB). */
export const LINE_WINDOW = 70 * 1024;

// A compact JWS/JWE: the header segment of every JWT and ALB blob starts with `eyJ` (base64url of `{"`).
const TOKEN =
  /(?<![A-Za-z0-9_=.-])eyJ[A-Za-z0-9_-]*={0,2}(?:\.[A-Za-z0-9_-]*={0,2}){2,4}(?![A-Za-z0-9_.=-])/g;

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

/** The token covering `character` on `line`, or undefined. Looks only at a bounded window of the line. */
export function locateToken(line: string, character: number): LocatedToken | undefined {
  const windowStart = Math.max(0, character - LINE_WINDOW);
  const windowEnd = Math.min(line.length, character + LINE_WINDOW);
  const text = line.slice(windowStart, windowEnd);
  const at = character - windowStart;
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(text); match !== null; match = TOKEN.exec(text)) {
    const start = match.index;
    const end = start + match[0].length;
    if (at < start) break;
    if (at > end) continue;
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
