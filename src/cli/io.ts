// What a CLI command may touch: injected so commands are testable in-process.
import type { KeyProvider } from '../core/keys/types.ts';
import type { JsonPost } from '../core/signIn/cognitoHttp.ts';
import { escapeTerminalOutput } from '../core/textSafety.ts';

export interface CliIo {
  /** Every write goes through terminalSafeIo's escaping: commands never write raw text. */
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whole standard input as text (capped by the caller). */
  readStdin(): Promise<string>;
  /** A file's bytes; rejects with code EFBIG (see fileRead.ts) instead of reading more than `maxBytes`. */
  readFileBytes(path: string, maxBytes: number): Promise<Uint8Array>;
  /** Write a file the user named (`--out`), readable by its owner only; absent where commands may not write. */
  writeTextFile?(path: string, text: string): Promise<void>;
  /** A JSON POST for the Cognito API (`authdbg token`); absent where commands may not sign in. */
  jsonPost?: JsonPost;
  /** Standard error is a terminal (`authdbg scan` shows progress there only then). */
  stderrIsTty?: boolean;
  /** Standard input as a stream of chunks, uncapped (`authdbg scan -`); absent: readStdin's capped text. */
  stdinChunks?: () => AsyncIterable<Buffer>;
  /** Current time in epoch milliseconds. */
  nowMs(): number;
  /** Key provider shared by the whole run (network behind it). */
  keys: KeyProvider;
}

/** Bad usage or unusable input: exit status 2 with one clear line, no stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Exit statuses of every command. */
export const EXIT = { ok: 0, rejected: 1, usage: 2 } as const;

const terminalSafe = new WeakSet<CliIo>();

/**
 * The one gate between the CLI and the terminal: every write to stdout and stderr is escaped (control,
 * invisible and bidirectional characters become `\uXXXX`; lines and tabs are kept). Each command wraps the io
 * it is given, so none can bypass it; wrapping twice is a no-op. JSON stays valid: the escapes are JSON escapes.
 */
export function terminalSafeIo(io: CliIo): CliIo {
  if (terminalSafe.has(io)) return io;
  const safe: CliIo = {
    ...io,
    stdout: (text) => io.stdout(escapeTerminalOutput(text)),
    stderr: (text) => io.stderr(escapeTerminalOutput(text)),
  };
  terminalSafe.add(safe);
  return safe;
}
