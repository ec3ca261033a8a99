// Reading a file the user named, with a size cap enforced while reading (a FIFO or /dev/zero has no size).
import { open, readFile } from 'node:fs/promises';

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

/** The file as UTF-8 text; with `maxBytes`, never reads more than that many bytes plus one chunk. */
export async function readTextFile(path: string, maxBytes?: number): Promise<string> {
  if (maxBytes === undefined) return readFile(path, 'utf8');
  return (await readFileBytes(path, maxBytes)).toString('utf8');
}
