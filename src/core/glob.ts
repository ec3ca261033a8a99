// Wildcard matching for patterns that come from workspace files (ALB path patterns, IAM Action/Resource), without
// building a RegExp from them: a backtracking regex takes minutes on a pattern with a dozen `*`.
//
// Algorithm. A pattern P0*P1*...*Pr (runs of `*` collapsed) matches a text T exactly when P0 is a prefix of T, Pr a
// suffix, and P1..P(r-1) occur in order without overlap in what lies between. Placing each middle piece at its
// leftmost occurrence is optimal (any later placement leaves less room for the rest), so one left-to-right pass
// decides the match: no backtracking. Each piece is searched from where the previous one ended, so every text
// character is scanned by one piece only:
// - pieces without `?`: Knuth-Morris-Pratt, O(piece + scanned text);
// - pieces with `?`: bit-parallel Shift-And, O(scanned text x ceil(piece / 32)), memory O(piece).
// Total: O(m + n) when every `?` piece is at most 32 characters (every realistic pattern), and at most
// O(m + n x ceil(m / 32)) otherwise, with m capped at GLOB_PATTERN_LIMIT. `work` counts the steps so tests can
// check the bound rather than a clock.

/** Longest pattern evaluated, in characters (ALB allows 128; IAM ARNs are at most 2048). */
export const GLOB_PATTERN_LIMIT = 4096;

export interface GlobOptions {
  /** Fold case (IAM `Action` names are case-insensitive); ALB paths and IAM resources are case-sensitive. */
  caseInsensitive?: boolean;
}

export type GlobResult =
  { ok: true; matched: boolean; work: number } | { ok: false; matched: false; work: number; message: string };

const STAR = -1;
const ANY_ONE = -2;

function foldChar(code: number): number {
  if (code >= 0x41 && code <= 0x5a) return code + 0x20;
  if (code < 0x80) return code;
  // Only length-preserving folds, so one character stays one character.
  const lower = String.fromCodePoint(code).toLowerCase();
  const folded = lower.codePointAt(0) ?? code;
  return String.fromCodePoint(folded) === lower ? folded : code;
}

/** Code points of `text`, folded when asked; one pass. */
function codePoints(text: string, fold: boolean): number[] {
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    out.push(fold ? foldChar(code) : code);
  }
  return out;
}

/** Pattern tokens: code points, ANY_ONE for `?`, STAR for a run of `*`. */
function tokenize(pattern: string, fold: boolean): number[] {
  const out: number[] = [];
  for (const code of codePoints(pattern, fold)) {
    if (code === 0x2a) {
      if (out[out.length - 1] !== STAR) out.push(STAR);
    } else out.push(code === 0x3f ? ANY_ONE : code);
  }
  return out;
}

class Counter {
  work = 0;
}

/** Does `piece` match `text` at `start` (pieces have no STAR)? O(piece). */
function matchesAt(
  piece: readonly number[],
  text: readonly number[],
  start: number,
  count: Counter,
): boolean {
  count.work += piece.length;
  for (let i = 0; i < piece.length; i++) {
    const p = piece[i];
    if (p !== ANY_ONE && p !== text[start + i]) return false;
  }
  return true;
}

/** Leftmost occurrence of a literal piece in text[from, to): KMP. Returns the index after it, or -1. */
function findLiteral(
  piece: readonly number[],
  text: readonly number[],
  from: number,
  to: number,
  count: Counter,
): number {
  const failure = new Int32Array(piece.length);
  for (let i = 1, k = 0; i < piece.length; i++) {
    while (k > 0 && piece[i] !== piece[k]) {
      k = failure[k - 1] ?? 0;
      count.work++;
    }
    if (piece[i] === piece[k]) k++;
    failure[i] = k;
    count.work++;
  }
  for (let i = from, k = 0; i < to; i++) {
    // Each mismatch step shortens k, which grew by at most one per character: amortised O(1) per character.
    while (k > 0 && text[i] !== piece[k]) {
      k = failure[k - 1] ?? 0;
      count.work++;
    }
    if (text[i] === piece[k]) k++;
    count.work++;
    if (k === piece.length) return i + 1;
  }
  return -1;
}

/** Leftmost occurrence of a piece containing `?` in text[from, to): multi-word Shift-And. Index after it, or -1. */
function findWithWildcards(
  piece: readonly number[],
  text: readonly number[],
  from: number,
  to: number,
  count: Counter,
): number {
  const words = Math.ceil(piece.length / 32);
  // Per 32-position word, the masks of the characters that occur there: O(piece) memory in total.
  const anyMask = new Uint32Array(words);
  const charMasks: Map<number, number>[] = Array.from({ length: words }, () => new Map<number, number>());
  piece.forEach((p, i) => {
    const word = i >>> 5;
    const bit = 1 << (i & 31);
    if (p === ANY_ONE) anyMask[word] = (anyMask[word] ?? 0) | bit;
    else {
      const masks = charMasks[word];
      masks?.set(p, (masks.get(p) ?? 0) | bit);
    }
  });
  count.work += piece.length;
  const state = new Uint32Array(words);
  const lastWord = words - 1;
  const lastBit = 1 << ((piece.length - 1) & 31);
  for (let i = from; i < to; i++) {
    const c = text[i] ?? 0;
    let carry = 1; // a match may start at every position
    for (let w = 0; w < words; w++) {
      const old = state[w] ?? 0;
      const shifted = ((old << 1) | carry) >>> 0;
      carry = old >>> 31;
      state[w] = (shifted & ((anyMask[w] ?? 0) | (charMasks[w]?.get(c) ?? 0))) >>> 0;
    }
    count.work += words;
    if (((state[lastWord] ?? 0) & lastBit) !== 0) return i + 1;
  }
  return -1;
}

/** Match a whole text against a wildcard pattern: `*` any run of characters (including none), `?` exactly one. */
export function globMatch(pattern: string, text: string, options: GlobOptions = {}): GlobResult {
  const count = new Counter();
  if (pattern.length > GLOB_PATTERN_LIMIT) {
    return {
      ok: false,
      matched: false,
      work: 0,
      message: `pattern of ${pattern.length} characters is longer than the ${GLOB_PATTERN_LIMIT} evaluated`,
    };
  }
  const fold = options.caseInsensitive === true;
  const tokens = tokenize(pattern, fold);
  const chars = codePoints(text, fold);
  count.work += tokens.length + chars.length;
  const pieces: number[][] = [[]];
  for (const t of tokens) {
    if (t === STAR) pieces.push([]);
    else pieces[pieces.length - 1]?.push(t);
  }
  const first = pieces[0] ?? [];
  if (pieces.length === 1) {
    const matched = first.length === chars.length && matchesAt(first, chars, 0, count);
    return { ok: true, matched, work: count.work };
  }
  const last = pieces[pieces.length - 1] ?? [];
  const end = chars.length - last.length;
  if (first.length > end || !matchesAt(first, chars, 0, count) || !matchesAt(last, chars, end, count))
    return { ok: true, matched: false, work: count.work };
  let position = first.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i] ?? [];
    const found = piece.includes(ANY_ONE)
      ? findWithWildcards(piece, chars, position, end, count)
      : findLiteral(piece, chars, position, end, count);
    if (found < 0) return { ok: true, matched: false, work: count.work };
    position = found;
  }
  return { ok: true, matched: true, work: count.work };
}

/** Convenience: true when the pattern is evaluated and matches. */
export function matchesGlob(pattern: string, text: string, options: GlobOptions = {}): boolean {
  return globMatch(pattern, text, options).matched;
}
