// The CliIo the in-process CLI tests hand a command: output captured, files from disk, clock and keys injected.
import { readFile } from 'node:fs/promises';
import type { CliIo } from '../../src/cli/io.ts';
import type { KeyProvider } from '../../src/core/keys/types.ts';

export type CapturedIo = CliIo & { out: string[]; err: string[] };

export function capturedIo(options: { keys: KeyProvider; nowMs: number; stdin?: string }): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    readStdin: () => Promise.resolve(options.stdin ?? ''),
    readFileBytes: (p) => readFile(p),
    nowMs: () => options.nowMs,
    keys: options.keys,
  };
}
