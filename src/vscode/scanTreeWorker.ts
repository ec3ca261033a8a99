// Worker thread of "Scan Workspace for Tokens" (bundled as dist/scanTreeWorker.js): runs the core scan (C5's
// TokenTable, FileScan, scanChunks) over the files it is sent, off the extension host's main thread. One table
// for the whole scan, so a token's id is the same in every file and its text is sent once. No `vscode` here.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { createGunzip } from 'node:zlib';
import { FileScan, TokenTable, scanChunks } from '../core/scan/scanner.ts';
import type { TokenEntry } from '../core/scan/scanner.ts';
import type { RangeResult, RangeToken } from '../core/scan/ranges.ts';

export interface ScanFileTask {
  index: number;
  /** Absolute path to read. */
  path: string;
  /** Name shown and recorded in places. */
  file: string;
}

export interface ScanRequest {
  files: ScanFileTask[];
  /** Files larger than this on disk are skipped, unread. */
  maxFileBytes: number;
}

/** Per file: the core's RangeResult shape (index = the task's index), plus why it was not read. */
export type ScanFileResult = RangeResult & { skipped?: 'too-large' | 'not-a-file' };

export type WorkerMessage =
  { type: 'file'; result: ScanFileResult } | { type: 'done'; files: number; bytes: number };

const READ_CHUNK_BYTES = 1024 * 1024;

export async function scanFiles(request: ScanRequest, post: (message: WorkerMessage) => void): Promise<void> {
  const table = new TokenTable();
  const ids = new Map<TokenEntry, number>();
  let bytes = 0;
  for (const task of request.files) {
    const result = await scanOne(task, request.maxFileBytes, table, ids);
    bytes += result.bytes;
    post({ type: 'file', result: result.result });
  }
  post({ type: 'done', files: request.files.length, bytes });
}

async function scanOne(
  task: ScanFileTask,
  maxFileBytes: number,
  table: TokenTable,
  ids: Map<TokenEntry, number>,
): Promise<{ result: ScanFileResult; bytes: number }> {
  const empty: ScanFileResult = { index: task.index, newlines: 0, occurrences: 0, untracked: 0, tokens: [] };
  try {
    const info = await stat(task.path);
    if (!info.isFile()) return { result: { ...empty, skipped: 'not-a-file' }, bytes: 0 };
    if (info.size > maxFileBytes) return { result: { ...empty, skipped: 'too-large' }, bytes: 0 };
    const touched = new Map<TokenEntry, RangeToken>();
    const untrackedBefore = table.untracked;
    const scan = new FileScan(table, task.file, 0, (entry, place) => {
      const seen = touched.get(entry);
      if (seen !== undefined) {
        seen.count++;
        seen.lastLine = place.line;
        seen.lastOffset = place.offset;
        return;
      }
      let id = ids.get(entry);
      const first = id === undefined;
      if (id === undefined) {
        id = ids.size;
        ids.set(entry, id);
      }
      touched.set(entry, {
        id,
        // Latin1 text clones cheaply to the main thread; sent only the first time the token is seen.
        ...(first ? { text: entry.bytes.toString('latin1') } : {}),
        shape: entry.shape,
        standardAlphabet: entry.standardAlphabet,
        count: 1,
        firstLine: place.line,
        firstOffset: place.offset,
        lastLine: place.line,
        lastOffset: place.offset,
      });
    });
    const stream = createReadStream(task.path, { highWaterMark: READ_CHUNK_BYTES });
    // .gz files are scanned decompressed, streamed (never a whole file in memory), and the size cap counts the
    // decompressed bytes: a small gzip bomb in a cloned repository would otherwise be read for minutes.
    const gzip = task.path.endsWith('.gz');
    const cap = { reached: false };
    const source = gzip
      ? capped(stream.pipe(createGunzip()) as AsyncIterable<Buffer>, maxFileBytes, cap)
      : (stream as AsyncIterable<Buffer>);
    let read: number;
    try {
      read = await scanChunks(source, scan);
    } finally {
      stream.destroy();
    }
    const result: ScanFileResult = {
      ...empty,
      newlines: scan.newlines,
      occurrences: scan.occurrences,
      untracked: table.untracked - untrackedBefore,
      tokens: [...touched.values()],
    };
    // What was read still counts (its tokens' ids are in the shared table); the error says where it stopped.
    if (cap.reached)
      result.error = `over the size cap after decompression: scanned the first ${maxFileBytes} bytes`;
    return { result, bytes: read };
  } catch (error) {
    const failure = error as NodeJS.ErrnoException;
    return { result: { ...empty, error: failure.code ?? failure.message }, bytes: 0 };
  }
}

/** The chunks up to `maxBytes` in total; `cap.reached` says the rest was left unread. */
async function* capped(
  chunks: AsyncIterable<Buffer>,
  maxBytes: number,
  cap: { reached: boolean },
): AsyncGenerator<Buffer> {
  let total = 0;
  for await (const chunk of chunks) {
    const room = maxBytes - total;
    if (chunk.length > room) {
      if (room > 0) yield chunk.subarray(0, room);
      cap.reached = true;
      return;
    }
    total += chunk.length;
    yield chunk;
  }
}

const port = parentPort;
if (port) {
  port.once('message', (request: ScanRequest) => {
    void scanFiles(request, (message) => port.postMessage(message)).finally(() => port.close());
  });
}
