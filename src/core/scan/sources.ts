// What a scan reads: files, folders (recursive, .gitignore-style excludes, a size cap per file) and standard
// input; plain text, JSON lines, HAR and .gz (decompressed as a stream). Nothing is read whole: plain files go
// through byte ranges (worker threads for large ones), streams through a chunk carry.
import { closeSync, createReadStream, openSync } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createGunzip } from 'node:zlib';
import { HarEntryTracker, entryAt, looksLikeHar } from './har.ts';
import type { HarEntry } from './har.ts';
import { isIgnored, parseIgnore } from './ignore.ts';
import type { IgnoreRule } from './ignore.ts';
import { RangeMerger, RangeScanner, planRanges, readFully } from './ranges.ts';
import type { RangeResult, RangeTask, ScannerIds } from './ranges.ts';
import { FileScan, scanChunks } from './scanner.ts';
import type { Place, TokenEntry, TokenTable } from './scanner.ts';

/** Default cap per file (bytes read, or bytes after decompression for .gz). */
export const DEFAULT_MAX_FILE_BYTES = 4 * 2 ** 30;
/** Files listed per scan. */
export const MAX_SCAN_FILES = 1_000_000;
/** Plain files at least this large are split across worker threads. */
export const PARALLEL_THRESHOLD_BYTES = 32 * 2 ** 20;
/** HAR occurrences kept with their request (per scan); more are counted, not attached. */
export const MAX_HAR_OCCURRENCES = 200_000;
const MAX_IGNORE_FILE_BYTES = 256 * 1024;
const STREAM_CHUNK_BYTES = 1024 * 1024;
const YOUNG_GENERATION_MB = 2;
const TS_BOOTSTRAP =
  "require('tsx/cjs/api').register(); require(require('node:worker_threads').workerData.script);";

export interface ScanInput {
  /** '-' for standard input. */
  path: string;
  /** How the file is named in the report (the path as given, or below a given folder). */
  label: string;
  size: number | undefined;
}

export interface SkippedInput {
  path: string;
  reason: string;
}

export interface ListOptions {
  /** `.gitignore`-syntax patterns, relative to each folder given. */
  exclude?: readonly string[];
  maxFileBytes?: number;
}

export interface InputList {
  inputs: ScanInput[];
  skipped: SkippedInput[];
  /** Paths given that do not exist or cannot be read. */
  missing: SkippedInput[];
}

/** Expand the paths given into files to scan, in a stable order. */
export async function listScanInputs(
  paths: readonly string[],
  options: ListOptions = {},
): Promise<InputList> {
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const list: InputList = { inputs: [], skipped: [], missing: [] };
  for (const path of paths) {
    if (path === '-') {
      list.inputs.push({ path, label: '<stdin>', size: undefined });
      continue;
    }
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      list.missing.push({ path, reason: (error as NodeJS.ErrnoException).code ?? 'unreadable' });
      continue;
    }
    if (info.isDirectory()) await walk(path, options.exclude ?? [], maxFileBytes, list);
    else if (info.size > maxFileBytes)
      list.skipped.push({ path, reason: `over the size cap (${info.size} bytes)` });
    else list.inputs.push({ path, label: path, size: info.size });
  }
  return list;
}

async function walk(
  root: string,
  exclude: readonly string[],
  maxFileBytes: number,
  list: InputList,
): Promise<void> {
  const rootRules = parseIgnore(exclude.join('\n'), '');
  const pending: { relative: string; rules: IgnoreRule[] }[] = [{ relative: '', rules: rootRules }];
  while (pending.length > 0) {
    const { relative, rules: inherited } = pending.pop() as { relative: string; rules: IgnoreRule[] };
    const folder = relative === '' ? root : join(root, relative);
    let entries;
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      list.skipped.push({ path: folder, reason: (error as NodeJS.ErrnoException).code ?? 'unreadable' });
      continue;
    }
    let rules = inherited;
    if (entries.some((entry) => entry.name === '.gitignore' && entry.isFile())) {
      try {
        const handle = await open(join(folder, '.gitignore'), 'r');
        try {
          const buffer = Buffer.alloc(MAX_IGNORE_FILE_BYTES);
          const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
          rules = [...inherited, ...parseIgnore(buffer.toString('utf8', 0, bytesRead), relative)];
        } finally {
          await handle.close();
        }
      } catch {
        // An unreadable .gitignore excludes nothing.
      }
    }
    const names = entries.map((entry) => entry.name).sort();
    const byName = new Map(entries.map((entry) => [entry.name, entry]));
    const folders: string[] = [];
    for (const name of names) {
      const entry = byName.get(name);
      if (!entry || entry.isSymbolicLink()) continue;
      const path = relative === '' ? name : `${relative}/${name}`;
      if (entry.isDirectory()) {
        if (name === '.git' || isIgnored(rules, path, true)) continue;
        folders.push(path);
      } else if (entry.isFile()) {
        if (isIgnored(rules, path, false)) continue;
        if (list.inputs.length >= MAX_SCAN_FILES) {
          list.skipped.push({ path: join(root, path), reason: `more than ${MAX_SCAN_FILES} files` });
          return;
        }
        const full = join(root, path);
        const size = (await stat(full).catch(() => undefined))?.size;
        if (size === undefined) list.skipped.push({ path: full, reason: 'unreadable' });
        else if (size > maxFileBytes)
          list.skipped.push({ path: full, reason: `over the size cap (${size} bytes)` });
        else list.inputs.push({ path: full, label: full, size });
      }
    }
    // Depth first, in name order.
    for (const path of folders.reverse()) pending.push({ relative: path, rules });
  }
}

/** A token seen in a HAR entry: the request it belongs to. */
export interface HarOccurrence {
  entry: TokenEntry;
  place: Place;
  har: HarEntry;
  /** Inside the entry's `request` object (sent), rather than its response or elsewhere. */
  inRequest: boolean;
}

export interface ScanProgress {
  bytesDone: number;
  /** Sum of the sizes known up front (standard input and decompressed sizes are not). */
  bytesKnown: number;
  file: string;
}

export interface ScanRunOptions {
  table: TokenTable;
  /** Worker threads for large plain files: default availableParallelism(); 1 scans in-process. */
  workers?: number;
  /** The bundled worker entry (dist/scanWorker.js); without it, ranges are scanned in-process. */
  workerScript?: string;
  maxFileBytes?: number;
  parallelThresholdBytes?: number;
  /** Standard input, when '-' is among the inputs. */
  stdin?: () => AsyncIterable<Buffer>;
  onProgress?: (progress: ScanProgress) => void;
}

export interface ScanTotals {
  files: number;
  bytes: number;
  occurrences: number;
  har: HarOccurrence[];
  harDropped: number;
  errors: SkippedInput[];
}

const IN_PROCESS = -1;

/** Scan every input into `options.table`. */
export async function scanInputs(inputs: readonly ScanInput[], options: ScanRunOptions): Promise<ScanTotals> {
  const run = new ScanRun(options, inputs);
  try {
    for (const input of inputs) await run.scan(input);
  } finally {
    await run.close();
  }
  return run.totals;
}

class ScanRun {
  readonly totals: ScanTotals = { files: 0, bytes: 0, occurrences: 0, har: [], harDropped: 0, errors: [] };
  readonly #ids: ScannerIds = new Map();
  #inProcessScanner: RangeScanner | undefined;
  #pool: WorkerPool | undefined;
  #nextRange = 0;
  readonly #known: number;
  readonly #workers: number;
  readonly #maxFileBytes: number;

  constructor(
    readonly options: ScanRunOptions,
    inputs: readonly ScanInput[],
  ) {
    this.#known = inputs.reduce((sum, input) => sum + (input.size ?? 0), 0);
    // Each worker holds its own dedupe table (~35 MB with 10,000 distinct tokens): at most four by default.
    this.#workers = Math.max(1, options.workers ?? Math.min(4, availableParallelism()));
    this.#maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  }

  async scan(input: ScanInput): Promise<void> {
    try {
      if (input.path === '-') {
        if (!this.options.stdin) throw new Error('standard input is not available');
        await this.#stream(this.options.stdin(), input.label);
      } else await this.#file(input);
      this.totals.files++;
    } catch (error) {
      const failure = error as NodeJS.ErrnoException;
      this.totals.errors.push({ path: input.label, reason: failure.code ?? failure.message });
    }
  }

  async close(): Promise<void> {
    this.#inProcessScanner?.close();
    await this.#pool?.close();
  }

  #progress(file: string): void {
    this.options.onProgress?.({ bytesDone: this.totals.bytes, bytesKnown: this.#known, file });
  }

  async #file(input: ScanInput): Promise<void> {
    const handle = await open(input.path, 'r');
    let head: Buffer;
    let size: number;
    try {
      size = (await handle.stat()).size;
      const buffer = Buffer.alloc(4096);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      head = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
    if (size > this.#maxFileBytes) throw Object.assign(new Error('over the size cap'), { code: 'EFBIG' });
    const gzip = head[0] === 0x1f && head[1] === 0x8b;
    if (gzip) {
      const stream = createReadStream(input.path, { highWaterMark: STREAM_CHUNK_BYTES }).pipe(
        createGunzip({ chunkSize: STREAM_CHUNK_BYTES }),
      );
      await this.#stream(stream, input.label);
      return;
    }
    if (looksLikeHar(basename(input.path), head)) {
      await this.#stream(createReadStream(input.path, { highWaterMark: STREAM_CHUNK_BYTES }), input.label);
      return;
    }
    const threshold = this.options.parallelThresholdBytes ?? PARALLEL_THRESHOLD_BYTES;
    const parallel = this.#workers > 1 && this.options.workerScript !== undefined && size >= threshold;
    const tasks = planRanges(
      input.path,
      input.label,
      size,
      parallel ? this.#workers : 1,
      undefined,
      this.#nextRange,
    );
    this.#nextRange += tasks.length;
    // A token new to the main table is read back from the file at its first place (no text crosses threads).
    const fd = openSync(input.path, 'r');
    const readAt = (into: Buffer, length: number, position: number): number =>
      readFully(fd, into, 0, length, position);
    const merger = new RangeMerger(this.options.table, input.label, tasks[0]?.index ?? 0, this.#ids, readAt);
    try {
      await this.#ranges(input, tasks, merger, parallel);
    } finally {
      closeSync(fd);
    }
    if (merger.errors.length > 0) throw new Error(merger.errors[0]);
    this.totals.occurrences += merger.occurrences;
  }

  async #ranges(input: ScanInput, tasks: RangeTask[], merger: RangeMerger, parallel: boolean): Promise<void> {
    if (parallel) {
      this.#pool ??= new WorkerPool(this.options.workerScript as string, this.#workers);
      await this.#pool.run(tasks, (result, worker) => {
        merger.add(result, worker);
        this.totals.bytes += rangeBytes(tasks, result);
        this.#progress(input.label);
      });
    } else {
      for (const task of tasks) {
        merger.add((this.#inProcessScanner ??= new RangeScanner()).scan(task), IN_PROCESS);
        this.totals.bytes += task.end - task.start;
        this.#progress(input.label);
      }
    }
  }

  /** A stream (decompressed .gz, stdin, HAR): HAR structure is recognised from the first bytes. */
  async #stream(chunks: AsyncIterable<Buffer>, label: string): Promise<void> {
    let tracker: HarEntryTracker | undefined;
    let first = true;
    const found: { entry: TokenEntry; place: Place }[] = [];
    const scan = new FileScan(this.options.table, label, 0, (entry, place) => {
      if (tracker && found.length + this.totals.har.length < MAX_HAR_OCCURRENCES)
        found.push({ entry, place: { ...place } });
    });
    const maxBytes = this.#maxFileBytes;
    let bytes = 0;
    const totals = this.totals;
    const progress = (): void => this.#progress(label);
    async function* tapped(): AsyncGenerator<Buffer> {
      for await (const chunk of chunks) {
        bytes += chunk.length;
        if (bytes > maxBytes)
          throw Object.assign(new Error('over the size cap after decompression'), { code: 'EFBIG' });
        if (first) {
          first = false;
          if (looksLikeHar(label, chunk)) tracker = new HarEntryTracker();
        }
        tracker?.feed(chunk);
        totals.bytes += chunk.length;
        progress();
        yield chunk;
      }
    }
    await scanChunks(tapped(), scan);
    this.totals.occurrences += scan.occurrences;
    if (!tracker) return;
    this.totals.harDropped += tracker.dropped;
    for (const { entry, place } of found) {
      const har = entryAt(tracker.entries, place.offset);
      if (!har) continue;
      const inRequest =
        har.requestStart >= 0 && place.offset >= har.requestStart && place.offset < har.requestEnd;
      this.totals.har.push({ entry, place, har, inRequest });
    }
  }
}

function rangeBytes(tasks: readonly RangeTask[], result: RangeResult): number {
  const task = tasks.find((t) => t.index === result.index);
  return task ? task.end - task.start : 0;
}

/** Worker threads that each scan one range at a time; the next range goes to whichever finishes first. */
class WorkerPool {
  readonly #workers: Worker[] = [];

  constructor(script: string, count: number) {
    // A scanning worker allocates almost nothing per occurrence: a small young generation keeps its memory
    // small (V8's default lets each thread's new space grow to tens of MB).
    const resourceLimits = { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB };
    for (let i = 0; i < count; i++) {
      // The TypeScript entry (tests run the sources through tsx) starts through tsx's require hook.
      const worker = script.endsWith('.ts')
        ? new Worker(TS_BOOTSTRAP, { eval: true, workerData: { script }, resourceLimits })
        : new Worker(script, { resourceLimits });
      this.#workers.push(worker);
    }
  }

  run(tasks: readonly RangeTask[], onResult: (result: RangeResult, worker: number) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      let next = 0;
      let done = 0;
      let failed = false;
      const cleanups: (() => void)[] = [];
      const finish = (error?: Error): void => {
        for (const cleanup of cleanups) cleanup();
        if (error) reject(error);
        else resolve();
      };
      this.#workers.forEach((worker, index) => {
        const onMessage = (result: RangeResult): void => {
          if (failed) return;
          onResult(result, index);
          done++;
          if (done === tasks.length) finish();
          else if (next < tasks.length) worker.postMessage(tasks[next++]);
        };
        const onError = (error: Error): void => {
          failed = true;
          finish(error);
        };
        worker.on('message', onMessage);
        worker.on('error', onError);
        cleanups.push(() => {
          worker.off('message', onMessage);
          worker.off('error', onError);
        });
      });
      if (tasks.length === 0) {
        finish();
        return;
      }
      for (const worker of this.#workers) if (next < tasks.length) worker.postMessage(tasks[next++]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(
      this.#workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            worker.once('exit', () => resolve());
            worker.postMessage(null);
          }),
      ),
    );
  }
}
