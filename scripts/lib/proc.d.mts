// Types for proc.mjs.
import type { ChildProcess } from 'node:child_process';
import type { IncomingHttpHeaders } from 'node:http';

export declare class LaunchError extends Error {}
export declare function freePort(host?: string): Promise<number>;
export declare function assertPortFree(port: number, host?: string, what?: string): Promise<void>;
export declare function httpGet(
  url: string,
  opts?: { timeoutMs?: number },
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>;
export declare function waitUntil(
  probe: () => Promise<boolean> | boolean,
  opts: { timeoutMs: number; intervalMs?: number; child?: ChildProcess; what: string; logFile?: string },
): Promise<void>;
export declare function tail(file: string, n?: number): string;
export declare function spawnGroup(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; logFile: string; onLine?: (line: string) => void },
): { child: ChildProcess; stop(graceMs?: number): Promise<void>; exited: Promise<unknown> };
