// A large plain file is scanned as byte ranges, by worker threads (both cores) or in-process, with one protocol:
// each range reports the distinct tokens it touched (bytes only the first time its scanner sees one) and its
// newline count; the main side merges ranges in file order, so lines and first/last places come out exact.
// A token that starts in a range belongs to it: the range is read with the byte before it (is this a start?) and
// a tail of MAX_CANDIDATE_BYTES + 64 bytes after it (to finish a token that crosses the boundary).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { MAX_CANDIDATE_BYTES } from './finder.ts';
import type { CandidateShape } from './finder.ts';
import { CHUNK_BYTES, FileScan, TokenTable } from './scanner.ts';
import type { Place, TokenEntry } from './scanner.ts';

/** One range to scan. */
export interface RangeTask {
  index: number;
  path: string;
  file: string;
  start: number;
  end: number;
  size: number;
}

/**
 * A token a range touched: `id` is stable per scanner. The merger learns a new id's bytes from `text` (latin1)
 * when the scanner sends it, or else reads `length` bytes of the file at `firstOffset` (RangeScanner's way: no
 * token text crosses threads, so neither side holds a copy of every token as a string).
 */
export interface RangeToken {
  id: number;
  text?: string;
  length?: number;
  shape: CandidateShape;
  standardAlphabet: boolean;
  count: number;
  firstLine: number;
  firstOffset: number;
  lastLine: number;
  lastOffset: number;
}

export interface RangeResult {
  index: number;
  /** Newlines in [start, end): the next range's lines start after them. */
  newlines: number;
  occurrences: number;
  untracked: number;
  tokens: RangeToken[];
  error?: string;
}

const TAIL_BYTES = MAX_CANDIDATE_BYTES + 64;

interface RangeStats {
  id: number;
  count: number;
  firstLine: number;
  firstOffset: number;
  lastLine: number;
  lastOffset: number;
}

/** Scans ranges with one persistent table (warm fast path across ranges); one per worker thread. */
export class RangeScanner {
  readonly #table = new TokenTable();
  readonly #ids = new Map<TokenEntry, number>();
  readonly #buffer: Buffer;
  readonly #fds = new Map<string, number>();

  constructor(readonly chunkBytes: number = CHUNK_BYTES) {
    this.#buffer = Buffer.allocUnsafe(chunkBytes + MAX_CANDIDATE_BYTES + TAIL_BYTES + 16);
  }

  scan(task: RangeTask): RangeResult {
    try {
      return this.#scan(task);
    } catch (error) {
      const failure = error as NodeJS.ErrnoException;
      return {
        index: task.index,
        newlines: 0,
        occurrences: 0,
        untracked: 0,
        tokens: [],
        error: failure.code ?? failure.message,
      };
    }
  }

  close(): void {
    for (const fd of this.#fds.values()) closeSync(fd);
    this.#fds.clear();
  }

  #fd(path: string): number {
    let fd = this.#fds.get(path);
    if (fd === undefined) {
      fd = openSync(path, 'r');
      this.#fds.set(path, fd);
    }
    return fd;
  }

  #scan(task: RangeTask): RangeResult {
    const fd = this.#fd(task.path);
    const touched = new Map<TokenEntry, RangeStats>();
    const untrackedBefore = this.#table.untracked;
    const scan = new FileScan(this.#table, task.file, task.start, (entry, place) => {
      const stats = touched.get(entry);
      if (stats === undefined) {
        touched.set(entry, {
          id: this.#idOf(entry),
          count: 1,
          firstLine: place.line,
          firstOffset: place.offset,
          lastLine: place.line,
          lastOffset: place.offset,
        });
      } else {
        stats.count++;
        stats.lastLine = place.line;
        stats.lastOffset = place.offset;
      }
    });
    const buffer = this.#buffer;
    let carry = 0;
    let base = task.start;
    if (task.start > 0) {
      carry = readFully(fd, buffer, 0, 1, task.start - 1);
      base = task.start - carry;
    }
    let position = task.start;
    for (;;) {
      const want = Math.min(this.chunkBytes, task.end - position);
      const got = want > 0 ? readFully(fd, buffer, carry, want, position) : 0;
      position += got;
      const length = carry + got;
      const from = base === 0 ? 0 : 1;
      if (position < task.end && got > 0) {
        const keepFrom = scan.scanChunk(buffer.subarray(0, length), base, from, false);
        buffer.copy(buffer, 0, keepFrom, length);
        carry = length - keepFrom;
        base += keepFrom;
        continue;
      }
      const tailWant = Math.max(0, Math.min(TAIL_BYTES, task.size - position));
      const tail = tailWant > 0 ? readFully(fd, buffer, length, tailWant, position) : 0;
      scan.scanChunk(buffer.subarray(0, length + tail), base, from, true, length);
      break;
    }
    const tokens: RangeToken[] = [];
    for (const [entry, stats] of touched) {
      const token: RangeToken = {
        id: stats.id,
        length: entry.bytes.length,
        shape: entry.shape,
        standardAlphabet: entry.standardAlphabet,
        count: stats.count,
        firstLine: stats.firstLine,
        firstOffset: stats.firstOffset,
        lastLine: stats.lastLine,
        lastOffset: stats.lastOffset,
      };
      tokens.push(token);
    }
    return {
      index: task.index,
      newlines: scan.newlines,
      occurrences: scan.occurrences,
      untracked: this.#table.untracked - untrackedBefore,
      tokens,
    };
  }

  #idOf(entry: TokenEntry): number {
    let id = this.#ids.get(entry);
    if (id === undefined) {
      id = this.#ids.size;
      this.#ids.set(entry, id);
    }
    return id;
  }
}

export function readFully(
  fd: number,
  buffer: Buffer,
  offset: number,
  length: number,
  position: number,
): number {
  let total = 0;
  while (total < length) {
    const got = readSync(fd, buffer, offset + total, length - total, position + total);
    if (got === 0) break;
    total += got;
  }
  return total;
}

/** Split a file into ranges: at least one per worker, at most `maxRangeBytes` each. */
export function planRanges(
  path: string,
  file: string,
  size: number,
  workers: number,
  maxRangeBytes = 256 * 2 ** 20,
  firstIndex = 0,
): RangeTask[] {
  const count = Math.max(workers, Math.ceil(size / maxRangeBytes), 1);
  const step = Math.ceil(size / count);
  const tasks: RangeTask[] = [];
  for (let index = firstIndex, start = 0; start < size || index === firstIndex; index++, start += step) {
    tasks.push({ index, path, file, start, end: Math.min(size, start + step), size });
    if (size === 0) break;
  }
  return tasks;
}

/** Per scanner (worker), its token ids -> the main table's entries; shared by the mergers of one scan. */
export type ScannerIds = Map<number, Map<number, TokenEntry | undefined>>;

/**
 * Merges range results into the main table in file order, whatever order they arrive in (range indexes are
 * global across the files of one scan, each file's from `firstIndex`).
 */
export class RangeMerger {
  readonly #pending = new Map<number, { result: RangeResult; scanner: number }>();
  readonly #byScanner: ScannerIds;
  #next: number;
  #newlinesBefore = 0;
  #scratch = Buffer.allocUnsafe(4096);
  occurrences = 0;
  errors: string[] = [];

  constructor(
    readonly table: TokenTable,
    readonly file: string,
    firstIndex = 0,
    shared: ScannerIds = new Map(),
    /** Reads `length` bytes of the file at `position` into `into` (returns the count), for tokens sent by length. */
    readonly readAt?: (into: Buffer, length: number, position: number) => number,
  ) {
    this.#next = firstIndex;
    this.#byScanner = shared;
  }

  /** Newlines of every range merged so far. */
  get newlines(): number {
    return this.#newlinesBefore;
  }

  add(result: RangeResult, scanner: number): void {
    this.#pending.set(result.index, { result, scanner });
    for (let ready = this.#pending.get(this.#next); ready; ready = this.#pending.get(this.#next)) {
      this.#pending.delete(this.#next);
      this.#merge(ready.result, ready.scanner);
      this.#next++;
    }
  }

  /** A new token's bytes: sent as text, or read from the file at its first place in the range. */
  #bytesOf(token: RangeToken): Buffer | undefined {
    const length = token.text?.length ?? token.length;
    if (length === undefined || length <= 0) return undefined;
    if (this.#scratch.length < length) this.#scratch = Buffer.allocUnsafe(length * 2);
    if (token.text !== undefined)
      return this.#scratch.subarray(0, this.#scratch.write(token.text, 0, 'latin1'));
    if (!this.readAt) return undefined;
    const got = this.readAt(this.#scratch, length, token.firstOffset);
    return got === length ? this.#scratch.subarray(0, length) : undefined;
  }

  #merge(result: RangeResult, scanner: number): void {
    if (result.error !== undefined) this.errors.push(result.error);
    let ids = this.#byScanner.get(scanner);
    if (ids === undefined) {
      ids = new Map();
      this.#byScanner.set(scanner, ids);
    }
    const lineBase = this.#newlinesBefore;
    for (const token of result.tokens) {
      let entry = ids.get(token.id);
      const bytes = entry === undefined && !ids.has(token.id) ? this.#bytesOf(token) : undefined;
      if (bytes !== undefined) {
        const place: Place = { file: this.file, line: token.firstLine + lineBase, offset: token.firstOffset };
        entry = this.table.entryFor(
          bytes,
          {
            start: 0,
            end: bytes.length,
            shape: token.shape,
            secondDot: secondDotOf(bytes),
            standardAlphabet: token.standardAlphabet,
            known: false,
          },
          place,
        );
        ids.set(token.id, entry);
      }
      if (entry === undefined) {
        this.table.untracked += token.count;
        continue;
      }
      const first: Place = { file: this.file, line: token.firstLine + lineBase, offset: token.firstOffset };
      if (entry.count === 0) entry.first = first;
      entry.count += token.count;
      entry.last = { file: this.file, line: token.lastLine + lineBase, offset: token.lastOffset };
    }
    this.table.untracked += result.untracked;
    this.occurrences += result.occurrences;
    this.#newlinesBefore += result.newlines;
  }
}

function secondDotOf(bytes: Buffer): number {
  return bytes.indexOf(0x2e, bytes.indexOf(0x2e) + 1);
}

/** Size of an open file (for planning). */
export function fileSize(path: string): number {
  const fd = openSync(path, 'r');
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}
