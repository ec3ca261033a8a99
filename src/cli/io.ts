// What a CLI command may touch: injected so commands are testable in-process.
import type { KeyProvider } from '../core/keys/types.ts';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whole standard input as text (capped by the caller). */
  readStdin(): Promise<string>;
  readFile(path: string): Promise<string>;
  /** Current time in epoch milliseconds. */
  nowMs(): number;
  /** Key provider shared by the whole run (network behind it). */
  keys: KeyProvider;
  /** Whether stdout is a terminal (colour and marks). */
  isTty: boolean;
}

/** Bad usage or unusable input: exit status 2 with one clear line, no stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Exit statuses of every command. */
export const EXIT = { ok: 0, rejected: 1, usage: 2 } as const;
