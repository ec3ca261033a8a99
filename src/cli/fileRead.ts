// Reading a file the user named, with a size cap enforced while reading (a FIFO or /dev/zero has no size).
import { open } from 'node:fs/promises';
import {
  MAX_CONFIG_FILE_BYTES,
  MAX_KEY_FILE_BYTES,
  configFileTooLarge,
  keyFileTooLarge,
} from '../core/fileLimits.ts';
import { UsageError } from './io.ts';
import type { CliIo } from './io.ts';

/** Thrown (as a NodeJS error with code EFBIG) when a file is over the cap; `size` when it is known. */
export interface FileTooLarge extends NodeJS.ErrnoException {
  code: 'EFBIG';
  size?: number;
}

export function isFileTooLarge(error: unknown): error is FileTooLarge {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === 'EFBIG';
}

function tooLarge(size?: number): FileTooLarge {
  const error = new Error('file too large') as FileTooLarge;
  error.code = 'EFBIG';
  if (size !== undefined) error.size = size;
  return error;
}

/** The file's bytes; never reads more than `maxBytes` plus one chunk (rejects with EFBIG beyond the cap). */
export async function readFileBytes(path: string, maxBytes: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const info = await handle.stat();
    if (info.isFile() && info.size > maxBytes) throw tooLarge(info.size);
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of handle.createReadStream({ autoClose: false, highWaterMark: 64 * 1024 })) {
      const buffer = chunk as Buffer;
      total += buffer.length;
      if (total > maxBytes) throw tooLarge(info.isFile() ? total : undefined);
      chunks.push(buffer);
    }
    return Buffer.concat(chunks);
  } finally {
    await handle.close();
  }
}

const FILE_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'is a folder, not a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
};

/** An error code in words, with the code for searching: "no such file (ENOENT)"; other text unchanged. */
export function fileErrorCodeText(code: string): string {
  return Object.hasOwn(FILE_ERRORS, code) ? `${FILE_ERRORS[code] ?? code} (${code})` : code;
}

/** A file system failure in words (see `fileErrorCodeText`). */
export function fileErrorText(error: unknown): string {
  const failure = error as NodeJS.ErrnoException;
  if (typeof failure.code === 'string') return fileErrorCodeText(failure.code);
  return error instanceof Error ? error.message : String(error);
}

/** Which cap a file option has: `--config` (templates and authdebug.yaml) or a key or secret file. */
export type FileCap = 'config' | 'key';

const CAP_BYTES: Record<FileCap, number> = { config: MAX_CONFIG_FILE_BYTES, key: MAX_KEY_FILE_BYTES };

/**
 * The one way a command reads a file option: through `io`, under the option's cap, every failure one usage
 * line naming the option and the file. The size is checked again after reading: an injected io may ignore the cap.
 */
export async function readCapped(io: CliIo, path: string, cap: FileCap, option: string): Promise<Uint8Array> {
  const maxBytes = CAP_BYTES[cap];
  const tooLarge = (bytes: number, atLeast: boolean): string =>
    (cap === 'config'
      ? configFileTooLarge(path, bytes, atLeast)
      : keyFileTooLarge(option, path, bytes, atLeast)) ?? `${option} ${path} is too large`;
  let bytes: Uint8Array;
  try {
    bytes = await io.readFileBytes(path, maxBytes);
  } catch (error) {
    if (isFileTooLarge(error)) {
      throw new UsageError(tooLarge(error.size ?? maxBytes + 1, error.size === undefined));
    }
    throw new UsageError(`${option} ${path}: ${fileErrorText(error)}`);
  }
  if (bytes.length > maxBytes) throw new UsageError(tooLarge(bytes.length, false));
  return bytes;
}

/** `readCapped` as UTF-8 text (a byte order mark is kept, as the parsers expect to see it). */
export async function readCappedText(io: CliIo, path: string, cap: FileCap, option: string): Promise<string> {
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(await readCapped(io, path, cap, option));
}
