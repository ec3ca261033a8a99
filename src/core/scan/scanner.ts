// Streamed scanning: chunks of bytes in, distinct tokens out. Tokens are deduplicated by their bytes before any
// decode (one table entry per distinct token: count, first and last place); a token split across two chunks is
// found because the tail from the last unfinished candidate is carried into the next chunk.
import { findCandidates, signatureKey } from './finder.ts';
import type { ByteCandidate, CandidateShape, KnownTokens } from './finder.ts';

/** Distinct tokens kept per scan: beyond this, occurrences are counted but not tracked (memory stays bounded). */
export const MAX_DISTINCT_TOKENS = 50_000;

/** A place in a file: 1-based line, byte offset from the start of the (decompressed) file. */
export interface Place {
  file: string;
  line: number;
  offset: number;
}

/** One distinct token and where it was seen. `bytes` is the token exactly as written. */
export interface TokenEntry {
  bytes: Buffer;
  shape: CandidateShape;
  standardAlphabet: boolean;
  count: number;
  first: Place;
  last: Place;
}

/**
 * The dedupe table: token bytes -> entry. Indexed by the first bytes after the second dot (random signature
 * or IV bytes, read as one number); tokens with a shorter tail by the offset of their second dot instead.
 */
export class TokenTable implements KnownTokens {
  readonly #bySignature = new Map<number, TokenEntry[]>();
  readonly #byLength = new Map<number, TokenEntry[]>();
  readonly entries: TokenEntry[] = [];
  /** Occurrences of tokens beyond MAX_DISTINCT_TOKENS: counted, not tracked. */
  untracked = 0;
  lastShape: CandidateShape = 'jws';
  lastEntry: TokenEntry | undefined;
  /** Told of each new distinct token as it is found (the report verifies it while the scan goes on). */
  onNewEntry: ((entry: TokenEntry) => void) | undefined;

  constructor(readonly maxDistinct: number = MAX_DISTINCT_TOKENS) {}

  get size(): number {
    return this.entries.length;
  }

  match(bytes: Buffer, start: number, secondDot: number): number {
    const key = signatureKey(bytes, secondDot, bytes.length);
    const found = key === -1 ? -1 : this.#matchIn(this.#bySignature.get(key), bytes, start);
    if (found !== -1 || this.#byLength.size === 0) return found;
    return this.#matchIn(this.#byLength.get(secondDot - start), bytes, start);
  }

  #matchIn(list: TokenEntry[] | undefined, bytes: Buffer, start: number): number {
    if (list === undefined) return -1;
    for (const entry of list) {
      const end = start + entry.bytes.length;
      if (end <= bytes.length && bytes.compare(entry.bytes, 0, entry.bytes.length, start, end) === 0) {
        this.lastEntry = entry;
        this.lastShape = entry.shape;
        return end;
      }
    }
    return -1;
  }

  /** The entry for a freshly read candidate (found by bytes, or added), or undefined when the table is full. */
  entryFor(bytes: Buffer, candidate: ByteCandidate, place: Place): TokenEntry | undefined {
    const key = signatureKey(bytes, candidate.secondDot, candidate.end);
    const index = key === -1 ? this.#byLength : this.#bySignature;
    const indexKey = key === -1 ? candidate.secondDot - candidate.start : key;
    const length = candidate.end - candidate.start;
    const list = index.get(indexKey);
    for (const entry of list ?? []) {
      if (
        entry.bytes.length === length &&
        bytes.compare(entry.bytes, 0, length, candidate.start, candidate.end) === 0
      )
        return entry;
    }
    if (this.entries.length >= this.maxDistinct) return undefined;
    const entry: TokenEntry = {
      bytes: Buffer.from(bytes.subarray(candidate.start, candidate.end)),
      shape: candidate.shape,
      standardAlphabet: candidate.standardAlphabet,
      count: 0,
      first: { ...place },
      last: { ...place },
    };
    if (list === undefined) index.set(indexKey, [entry]);
    else list.push(entry);
    this.entries.push(entry);
    this.onNewEntry?.(entry);
    return entry;
  }
}

/** Told of each occurrence (HAR files attach requests to them). `place` is reused between calls: copy what you keep. */
export type OccurrenceListener = (entry: TokenEntry, place: Readonly<Place>) => void;

const NEWLINE = 0x0a;

/**
 * The state of one file's scan: absolute offsets, the line count, and the table. `scanChunk` is called with
 * each buffer (carried bytes first) and returns the index from which the caller must keep bytes.
 */
export class FileScan {
  /** Absolute offset of the current buffer's first byte. */
  #base: number;
  /** Newlines are counted up to this absolute offset... */
  #countedTo: number;
  /** ...and this many were seen before it. */
  #newlines = 0;
  occurrences = 0;
  /** Reused for every occurrence (listeners copy what they keep): no allocation per occurrence. */
  readonly #place: Place;

  constructor(
    readonly table: TokenTable,
    readonly file: string,
    startOffset = 0,
    readonly onOccurrence?: OccurrenceListener,
  ) {
    this.#base = startOffset;
    this.#countedTo = startOffset;
    this.#place = { file, line: 1, offset: startOffset };
  }

  /** Newlines counted so far (the line of the last place is this + 1). */
  get newlines(): number {
    return this.#newlines;
  }

  /**
   * Scan `bytes` (whose byte 0 is at absolute offset `base`), candidates from index `from`. Returns the index of
   * the first byte to keep for the next call (one before the resume point, the look-behind byte).
   */
  scanChunk(bytes: Buffer, base: number, from: number, final: boolean, startLimit = bytes.length): number {
    this.#base = base;
    const resumeAt = findCandidates(
      bytes,
      from,
      final,
      (candidate) => this.#found(bytes, candidate),
      this.table,
      startLimit,
    );
    const keepFrom = final ? bytes.length : Math.max(0, resumeAt - 1);
    this.countTo(base + Math.min(keepFrom, startLimit), bytes);
    return keepFrom;
  }

  /** Count newlines up to absolute offset `to` (which must lie in the current buffer). */
  countTo(to: number, bytes: Buffer): void {
    let index = this.#countedTo - this.#base;
    const end = to - this.#base;
    if (index >= end) return;
    let count = 0;
    for (;;) {
      index = bytes.indexOf(NEWLINE, index);
      if (index === -1 || index >= end) break;
      count++;
      index++;
    }
    this.#newlines += count;
    this.#countedTo = to;
  }

  #found(bytes: Buffer, candidate: ByteCandidate): void {
    this.occurrences++;
    const offset = this.#base + candidate.start;
    this.countTo(offset, bytes);
    const place = this.#place;
    place.line = this.#newlines + 1;
    place.offset = offset;
    const entry = candidate.known ? this.table.lastEntry : this.table.entryFor(bytes, candidate, place);
    if (entry === undefined) {
      this.table.untracked++;
      return;
    }
    if (entry.count === 0) entry.first = { ...place };
    entry.count++;
    // The entry owns its `last` object (entryFor and the range merger create it): updated in place.
    const last = entry.last;
    last.file = this.file;
    last.line = place.line;
    last.offset = offset;
    this.onOccurrence?.(entry, place);
  }
}

/** Chunk size for reads: large enough that per-chunk work is noise, small enough for a bounded memory. */
export const CHUNK_BYTES = 1024 * 1024;

/**
 * Scan a stream of chunks (a decompressed .gz, standard input): the carried tail is copied in front of each
 * chunk. Memory: one chunk plus at most MAX_CANDIDATE_BYTES of carry.
 */
export async function scanChunks(chunks: AsyncIterable<Buffer>, scan: FileScan): Promise<number> {
  let carry: Buffer | undefined;
  let base = 0;
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.length;
    const bytes = carry && carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    // bytes[0] is the look-behind byte once past the start of the file.
    const keepFrom = scan.scanChunk(bytes, base, base === 0 ? 0 : 1, false);
    carry = bytes.subarray(keepFrom);
    base += keepFrom;
  }
  const last = carry ?? Buffer.alloc(0);
  scan.scanChunk(last, base, base === 0 ? 0 : 1, true);
  return total;
}
