// PLACEHOLDER written by the lead so the CLI builds; the simulator engineer replaces this file whole.
import { UsageError } from './io.ts';
import type { CliIo } from './io.ts';

export function runRoutes(_argv: string[], _io: CliIo): Promise<number> {
  return Promise.reject(new UsageError('routes is not available yet'));
}
