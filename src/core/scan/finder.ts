// The token finder: compact JWS (3 parts), JWE (5 parts) and ALB blobs (padded segments) in raw bytes, in any
// context (headers, JSON strings, URLs, cookies, prose). Linear in the input and built from no regex:
// - Buffer.indexOf finds the `eyJ` prefix every JOSE header starts with (`{"` in base64), natively;
// - a table-driven byte-class scan reads the segments; a start inside a longer base64url/dot run is not a start,
//   and a run that fails is skipped whole, so no byte is examined more than a constant number of times;
// - base64 noise is rejected by the header: it must decode to a JSON object with a string `alg` (and `enc` for
//   a JWE). Header verdicts are cached, since one issuer's tokens share a header.
// A `KnownTokens` index lets the caller (the scanner's dedupe table) recognise an already-seen token with one
// native compare instead of the byte-class scan: the common case in logs, where each token repeats many times.

/** Per-candidate cap: a longer run is never a candidate (real tokens are a few KiB; the verifier caps at 64 KiB). */
export const MAX_CANDIDATE_BYTES = 64 * 1024;

export type CandidateShape = 'jws' | 'jwe';

/** A candidate found in a buffer: offsets into that buffer. */
export interface ByteCandidate {
  start: number;
  end: number;
  shape: CandidateShape;
  /** Offset of the dot after the second segment: the dedupe key is read after it (signatureKey). */
  secondDot: number;
  /** The segments use the standard base64 alphabet ("+" or "/"), as some ALB blobs are reported to. */
  standardAlphabet: boolean;
  /** Recognised by KnownTokens.match (the caller's table has it already), not read afresh. */
  known: boolean;
}

/** Already-seen tokens: the end offset of a known token that starts at `start` (fully compared), else -1. */
export interface KnownTokens {
  /** How many tokens are known (the fast path is skipped while none are). */
  readonly size: number;
  match(bytes: Buffer, start: number, secondDot: number): number;
  /** The shape of the token the last successful match found. */
  readonly lastShape: CandidateShape;
}

/** Bytes after the second dot that index a token: the start of its signature (or JWE IV), which is random. */
export const KEY_BYTES = 6;

/**
 * The index key of a token whose second dot is at `secondDot`: its next KEY_BYTES bytes as one number (no
 * string is built). -1 when fewer than KEY_BYTES bytes follow inside `end` (a short or empty signature).
 */
export function signatureKey(bytes: Buffer, secondDot: number, end: number): number {
  const at = secondDot + 1;
  if (at + KEY_BYTES > end) return -1;
  return (
    (bytes[at] as number) +
    (bytes[at + 1] as number) * 0x100 +
    (bytes[at + 2] as number) * 0x10000 +
    (bytes[at + 3] as number) * 0x1000000 +
    (bytes[at + 4] as number) * 0x100000000 +
    (bytes[at + 5] as number) * 0x10000000000
  );
}

const URL_SAFE = 1;
const STANDARD_ONLY = 2;
const DOT = 0x2e;
const EQUALS = 0x3d;
const PREFIX = Buffer.from('eyJ', 'latin1');

/** Byte classes: 1 = base64url (A-Z a-z 0-9 - _), 2 = standard-only ("+" "/"). */
const CLASS = new Uint8Array(256);
for (let byte = 0; byte < 256; byte++) {
  const isUrlSafe =
    (byte >= 0x30 && byte <= 0x39) ||
    (byte >= 0x41 && byte <= 0x5a) ||
    (byte >= 0x61 && byte <= 0x7a) ||
    byte === 0x2d ||
    byte === 0x5f;
  if (isUrlSafe) CLASS[byte] = URL_SAFE;
  else if (byte === 0x2b || byte === 0x2f) CLASS[byte] = STANDARD_ONLY;
}

/** A start preceded by one of these is inside a longer run (a payload after its dot, a substring): not a start. */
function continuesRun(byte: number): boolean {
  return CLASS[byte] === URL_SAFE || byte === DOT;
}

/** Header verdicts by header text: one issuer's tokens share a header. Bounded: cleared when full. */
const headerVerdicts = new Map<string, HeaderVerdict>();
const HEADER_CACHE_LIMIT = 4096;
/**
 * Only short headers are cached (real JOSE headers are a few hundred bytes). V8 hashes a string longer than
 * 16,383 characters by its length alone, so long headers of one length would all collide in the map: each
 * lookup would compare against every cached one (quadratic on a file of distinct long "headers").
 */
const MAX_CACHED_HEADER_CHARS = 2048;
type HeaderVerdict = 'jws' | 'jwe' | 'noise';

function headerVerdict(bytes: Buffer, start: number, end: number): HeaderVerdict {
  const text = bytes.toString('latin1', start, end);
  if (text.length > MAX_CACHED_HEADER_CHARS) return judgeHeader(text);
  const cached = headerVerdicts.get(text);
  if (cached !== undefined) return cached;
  const verdict = judgeHeader(text);
  if (headerVerdicts.size >= HEADER_CACHE_LIMIT) headerVerdicts.clear();
  headerVerdicts.set(text, verdict);
  return verdict;
}

function judgeHeader(segment: string): HeaderVerdict {
  // Node's base64 decoder reads both alphabets; strictness is the decoder's job later, not the finder's.
  const json = Buffer.from(segment, 'base64').toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return 'noise';
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'noise';
  const header = value as Record<string, unknown>;
  if (typeof header['alg'] !== 'string') return 'noise';
  return typeof header['enc'] === 'string' ? 'jwe' : 'jws';
}

/** End of a segment starting at `from`: its class run, then up to two "=". */
function segmentEnd(bytes: Buffer, from: number, length: number, mask: number): number {
  let index = from;
  while (index < length && (CLASS[bytes[index] as number] as number) & mask) index++;
  let pad = 0;
  while (index < length && pad < 2 && bytes[index] === EQUALS) {
    index++;
    pad++;
  }
  return index;
}

function hasStandardOnly(bytes: Buffer, from: number, to: number): boolean {
  for (let index = from; index < to; index++)
    if (CLASS[bytes[index] as number] === STANDARD_ONLY) return true;
  return false;
}

type Ending = 'clean' | 'not' | 'more';

/** Does a token end cleanly at `end`? A sentence's full stop is fine; another segment or padding is not. */
function ending(bytes: Buffer, end: number, length: number, final: boolean): Ending {
  if (end >= length) return final ? 'clean' : 'more';
  const byte = bytes[end] as number;
  if (CLASS[byte] === URL_SAFE || byte === EQUALS) return 'not';
  if (byte !== DOT) return 'clean';
  if (end + 1 >= length) return final ? 'clean' : 'more';
  return CLASS[bytes[end + 1] as number] === URL_SAFE ? 'not' : 'clean';
}

/**
 * Report every candidate that starts in bytes[from, startLimit) and ends inside bytes. The candidate object
 * passed to `onCandidate` may be reused for the next call: copy what you keep. With `final` false more
 * bytes follow: the scan stops at the first candidate that might continue past the end and returns its start
 * (the caller keeps bytes from there, appends the next chunk and calls again). The byte before `from` (when
 * from > 0) is read to tell a start from the middle of a run, so carried text must keep one byte before it.
 * With `startLimit` below the end (a worker's byte range, read with a tail of MAX_CANDIDATE_BYTES + 64 bytes
 * past it), `final` must be true: a candidate cut off by the end of that tail is over the cap anyway.
 */
export function findCandidates(
  bytes: Buffer,
  from: number,
  final: boolean,
  onCandidate: (candidate: ByteCandidate) => void,
  known?: KnownTokens,
  startLimit: number = bytes.length,
): number {
  const length = bytes.length;
  let pos = from;
  // Known tokens are the common case: one candidate object serves them all (no allocation per occurrence).
  const hit: ByteCandidate = {
    start: 0,
    end: 0,
    shape: 'jws',
    secondDot: 0,
    standardAlphabet: false,
    known: true,
  };
  // The next dot at or after a position, remembered: each byte is searched by one native scan only, however
  // many starts share the same stretch without dots.
  let dotFrom = -1;
  let dotAt = -1;
  const nextDot = (at: number): number => {
    if (at >= dotFrom && dotFrom !== -1 && (dotAt === -1 || at <= dotAt)) return dotAt;
    dotFrom = at;
    dotAt = bytes.indexOf(DOT, at);
    return dotAt;
  };
  for (;;) {
    const start = bytes.indexOf(PREFIX, pos);
    if (start === -1 || start >= startLimit) {
      if (final) return length;
      // A prefix may straddle the end: keep its possible first bytes.
      return Math.max(pos, length - PREFIX.length);
    }
    if (start > 0 && continuesRun(bytes[start - 1] as number)) {
      pos = start + 1;
      continue;
    }
    // A candidate that may continue past the end waits for more bytes (return start), unless it is already
    // over the cap (skip to the end: the look-behind byte then rejects every start inside the run).
    const mayWait = length - start <= MAX_CANDIDATE_BYTES;
    if (known !== undefined && known.size > 0) {
      // Fast path for a token seen before: its two dots natively, one index lookup, one compare of the whole
      // token. The header and payload bytes are not examined one by one: the compare covers them.
      const firstDot = nextDot(start);
      const secondDot = firstDot === -1 ? -1 : nextDot(firstDot + 1);
      if (secondDot !== -1 && secondDot - start <= MAX_CANDIDATE_BYTES) {
        if (!final && secondDot + 1 + KEY_BYTES > length) {
          if (mayWait) return start;
          pos = length;
          continue;
        }
        const end = known.match(bytes, start, secondDot);
        if (end !== -1) {
          const ends = ending(bytes, end, length, final);
          if (ends === 'more') return start;
          if (ends === 'clean') {
            hit.start = start;
            hit.end = end;
            hit.shape = known.lastShape;
            hit.secondDot = secondDot;
            onCandidate(hit);
            pos = end;
            continue;
          }
        }
      }
    }
    // The header is short: read its run byte by byte (linear, and the run is skipped whole on failure).
    const headerRunEnd = segmentEnd(bytes, start, length, URL_SAFE | STANDARD_ONLY);
    if (headerRunEnd >= length) {
      if (final) return length;
      if (mayWait) return start;
      pos = length;
      continue;
    }
    if (bytes[headerRunEnd] !== DOT || headerRunEnd - start > MAX_CANDIDATE_BYTES) {
      pos = headerRunEnd;
      continue;
    }
    const firstDot = headerRunEnd;
    const outcome = readCandidate(bytes, start, firstDot, length, final);
    if (outcome === 'more') {
      if (mayWait) return start;
      pos = length;
      continue;
    }
    if (typeof outcome === 'number') {
      pos = Math.max(outcome, start + 1);
      continue;
    }
    onCandidate(outcome);
    pos = outcome.end;
  }
}

/** The full read of a candidate whose header ends at `firstDot`: a candidate, 'more', or where to resume. */
function readCandidate(
  bytes: Buffer,
  start: number,
  firstDot: number,
  length: number,
  final: boolean,
): ByteCandidate | 'more' | number {
  const verdict = headerVerdict(bytes, start, trimPadding(bytes, start, firstDot));
  if (verdict === 'noise') return firstDot + 1;
  const headerStandard = hasStandardOnly(bytes, start, firstDot);
  const secondDot = segmentEnd(bytes, firstDot + 1, length, URL_SAFE | STANDARD_ONLY);
  if (secondDot >= length) return final ? length : 'more';
  if (bytes[secondDot] !== DOT) return secondDot;
  // A JWE with direct encryption has an empty second segment (no encrypted key); a JWS payload is never empty.
  if (secondDot === firstDot + 1 && verdict === 'jws') return secondDot;
  const standardAlphabet = headerStandard || hasStandardOnly(bytes, firstDot + 1, secondDot);
  const lastMask = standardAlphabet ? URL_SAFE | STANDARD_ONLY : URL_SAFE;
  let end = segmentEnd(bytes, secondDot + 1, length, verdict === 'jwe' ? URL_SAFE | STANDARD_ONLY : lastMask);
  if (verdict === 'jwe') {
    // header . key . iv . ciphertext . tag
    for (let segment = 0; segment < 2; segment++) {
      if (end >= length) return final ? length : 'more';
      if (bytes[end] !== DOT) return end;
      end = segmentEnd(bytes, end + 1, length, lastMask);
    }
  }
  if (end - start > MAX_CANDIDATE_BYTES) return end;
  const ends = ending(bytes, end, length, final);
  if (ends === 'more') return 'more';
  if (ends === 'not') return end;
  return { start, end, shape: verdict, secondDot, standardAlphabet, known: false };
}

function trimPadding(bytes: Buffer, start: number, end: number): number {
  let index = end;
  while (index > start && bytes[index - 1] === EQUALS) index--;
  return index;
}

/** A token found in text: UTF-16 offsets into the text. */
export interface TextToken {
  start: number;
  end: number;
  token: string;
  shape: CandidateShape;
}

/**
 * Every token in a text (an editor document, a pasted log): the byte finder over a one-byte-per-code-unit copy,
 * so offsets are the text's own. Code units above 0x7f become spaces first: they can never be token bytes.
 */
export function findTokensInText(text: string, maxCandidates = 10_000): TextToken[] {
  const bytes = Buffer.from(text, 'latin1');
  for (let index = 0; index < text.length; index++) if (text.charCodeAt(index) > 0x7f) bytes[index] = 0x20;
  const found: TextToken[] = [];
  findCandidates(bytes, 0, true, (candidate) => {
    if (found.length >= maxCandidates) return;
    found.push({
      start: candidate.start,
      end: candidate.end,
      token: text.slice(candidate.start, candidate.end),
      shape: candidate.shape,
    });
  });
  return found;
}
