// Runs `authdbg gateway` from the built CLI as a user would: waits for "listening on", reads the printed URLs,
// collects the request log, and stops it with a real SIGINT.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CLI } from './cli.ts';

export interface GatewayProcess {
  url: string;
  /** The loopback ALB key endpoint's base URL, when printed. */
  albKeyUrl: string | undefined;
  /** Every stdout line so far (the request log). */
  lines: string[];
  stderr(): string;
  /** Wait until the log has `count` request lines after the start-up lines. */
  waitForLines(count: number, timeoutMs?: number): Promise<string[]>;
  /** SIGINT, then the exit status (SIGKILL after 10 s). */
  stop(): Promise<{ status: number | null; signal: NodeJS.Signals | null }>;
  child: ChildProcessWithoutNullStreams;
}

/** Start the gateway with `args` (add --port 0); rejects with its output if it does not listen within 20 s. */
export function startGatewayCli(args: string[]): Promise<GatewayProcess> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  const child = spawn(process.execPath, [CLI, 'gateway', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  let startLines = 0;
  const waiters = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    partial += chunk;
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    for (const wake of waiters) wake();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ status: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (status, signal) => resolve({ status, signal })),
  );
  const until = (ready: () => boolean, timeoutMs: number, what: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (!ready()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `${what} not seen within ${timeoutMs} ms\nstdout:\n${lines.join('\n')}\nstderr:\n${stderr}`,
          ),
        );
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      void exited.then(() => {
        if (waiters.has(check)) {
          cleanup();
          reject(
            new Error(`the gateway exited before ${what}\nstdout:\n${lines.join('\n')}\nstderr:\n${stderr}`),
          );
        }
      });
      check();
    });
  const listening = (): string | undefined => {
    for (const line of lines) {
      const text = /^listening on (\S+)$/.exec(line)?.[1];
      if (text !== undefined) return text;
      try {
        const parsed = JSON.parse(line) as { listening?: unknown };
        if (typeof parsed.listening === 'string') return parsed.listening;
      } catch {
        // not a JSON line
      }
    }
    return undefined;
  };
  return until(() => listening() !== undefined, 20_000, '"listening on"').then(() => {
    const albLine = lines.find((l) => l.startsWith('alb key endpoint '));
    let albKeyUrl = albLine?.slice('alb key endpoint '.length);
    if (albKeyUrl === undefined) {
      try {
        const parsed = JSON.parse(lines[0] ?? '') as { albKeyUrl?: unknown };
        if (typeof parsed.albKeyUrl === 'string') albKeyUrl = parsed.albKeyUrl;
      } catch {
        // text mode without ALB authorizers
      }
    }
    startLines = lines.length;
    return {
      url: listening() ?? '',
      albKeyUrl,
      lines,
      child,
      stderr: () => stderr,
      waitForLines: async (count, timeoutMs = 10_000) => {
        await until(() => lines.length - startLines >= count, timeoutMs, `${count} request lines`);
        return lines.slice(startLines, startLines + count);
      },
      stop: async () => {
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        const result = await exited;
        clearTimeout(timer);
        return result;
      },
    };
  });
}
