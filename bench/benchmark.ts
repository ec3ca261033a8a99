// The contract between the runner (bench/run.ts) and each benchmark in bench/benchmarks/.
import { resolve } from 'node:path';
import type { Fixtures } from './fixtures.ts';
import type { Report } from './report.ts';

/** The bench/ folder (stand-in and activation child live here) and the repository root. */
export const BENCH_DIR = __dirname;
export const ROOT = resolve(__dirname, '..');

export interface BenchContext {
  /** `--quick`: fewer rounds, for trying changes. */
  quick: boolean;
  report: Report;
  /** Scratch directory for generated files, removed after the run unless BENCH_KEEP is set. */
  dir: string;
  /** Keys, tokens and a loopback key server, created on first request and shared by every benchmark. */
  fixtures: () => Promise<Fixtures>;
  progress: (text: string) => void;
}

export interface Benchmark {
  /** What `--only` selects, e.g. `verify-rs256`. */
  id: string;
  /** The older `--only` name that selected this benchmark along with its siblings (`verify` = both verifies). */
  group: string;
  /** The ids this benchmark adds to the results table (also accepted by `--only`). */
  resultIds: readonly string[];
  run: (context: BenchContext) => Promise<void>;
}
