// `npm run bench`: the figures of issue 6, measured in one run on this machine. Each benchmark is a file in
// bench/benchmarks/; ratios are taken within each round (contenders interleaved, order rotated, bench/stats.ts),
// then the median over rounds is reported.
// Usage: node --import tsx bench/run.ts [--json] [--quick] [--list] [--only ID[,ID...]]
//   ID: a benchmark (verify-rs256, verify-es256, decode, hover, bulk, activation), a group (verify = both
//   verifies) or a result id (e.g. decode-ratio, vsix-kb: runs the benchmark that produces it).
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BenchContext, Benchmark } from './benchmark.ts';
import { activation } from './benchmarks/activation.ts';
import { bulk } from './benchmarks/bulk.ts';
import { decode } from './benchmarks/decode.ts';
import { hover } from './benchmarks/hover.ts';
import { scan } from './benchmarks/scan.ts';
import { verifyEs256 } from './benchmarks/verifyEs256.ts';
import { verifyRs256 } from './benchmarks/verifyRs256.ts';
import { createFixtures } from './fixtures.ts';
import type { Fixtures } from './fixtures.ts';
import { Report, fmt, machine } from './report.ts';
import { sinkFilled } from './stats.ts';

/** In run order: the results table lists rows in this order. */
const BENCHMARKS: readonly Benchmark[] = [verifyRs256, verifyEs256, decode, hover, bulk, activation, scan];

/** Progress goes to stderr so `--json` keeps stdout clean. */
const progress = (text: string): void => {
  process.stderr.write(`bench: ${text}\n`);
};

interface Options {
  json: boolean;
  quick: boolean;
  list: boolean;
  selected: readonly Benchmark[];
}

function parseArgs(args: string[]): Options | string {
  const only: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg.startsWith('--only=')) only.push(...arg.slice('--only='.length).split(','));
    else if (arg === '--only') {
      const value = args[++i];
      if (value === undefined || value.startsWith('--')) return '--only needs a list of ids';
      only.push(...value.split(','));
    } else if (!['--json', '--quick', '--list'].includes(arg)) return `unknown option ${arg}`;
  }
  const wanted = only.map((id) => id.trim()).filter((id) => id !== '');
  const unknown = wanted.filter(
    (id) => !BENCHMARKS.some((b) => b.id === id || b.group === id || b.resultIds.includes(id)),
  );
  if (unknown.length > 0) return `unknown benchmark id ${unknown.join(', ')} (see --list)`;
  return {
    json: args.includes('--json'),
    quick: args.includes('--quick'),
    list: args.includes('--list'),
    selected:
      only.length === 0
        ? BENCHMARKS
        : BENCHMARKS.filter((b) =>
            wanted.some((id) => b.id === id || b.group === id || b.resultIds.includes(id)),
          ),
  };
}

function listing(): string {
  return [
    '| id | group | results |',
    '| --- | --- | --- |',
    ...BENCHMARKS.map((b) => `| ${b.id} | ${b.group} | ${b.resultIds.join(', ')} |`),
  ].join('\n');
}

function markdown(info: Record<string, unknown>, report: Report, seconds: number): string {
  const out = [
    '## Machine',
    '',
    `${String(info['cpu'])}, ${String(info['cores'])} cores, ${String(info['platform'])}; Node ${String(info['node'])}, ` +
      `OpenSSL ${String(info['openssl'])}, V8 ${String(info['v8'])}; load average at start ${(info['loadAverage'] as number[]).join(' ')}`,
    '',
    '## Results',
    '',
    '| id | value | unit | target | met | note |',
    '| --- | ---: | --- | --- | --- | --- |',
    ...report.results.map(
      (r) =>
        `| ${r.id} | ${r.value === null ? 'not measured' : r.value} | ${r.unit} | ${r.target === null ? '-' : `<= ${r.target}`} | ${r.met === null ? '-' : r.met ? 'yes' : '**NO**'} | ${r.note ?? ''} |`,
    ),
    '',
    ...report.details.flatMap((d) => [d, '']),
    ...(report.problems.length > 0
      ? ['### Problems seen by this run', '', ...report.problems.map((p) => `- ${p}`), '']
      : []),
    `Run took ${fmt(seconds, 1)} s; load average at the end ${loadavg()
      .map((v) => fmt(v, 2))
      .join(' ')} (sink ${sinkFilled() ? 'ok' : 'empty'}).`,
  ];
  return `${out.join('\n')}\n`;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (typeof options === 'string') {
    process.stderr.write(`bench: ${options}\n\n${listing()}\n`);
    process.exitCode = 2;
    return;
  }
  if (options.list) {
    process.stdout.write(`${listing()}\n`);
    return;
  }
  const started = performance.now();
  const info = machine();
  const dir = mkdtempSync(join(tmpdir(), 'authdbg-bench-'));
  const report = new Report();
  let shared: Promise<Fixtures> | undefined;
  const context: BenchContext = {
    quick: options.quick,
    report,
    dir,
    fixtures: () => (shared ??= createFixtures()),
    progress,
  };
  try {
    for (const benchmark of options.selected) {
      progress(benchmark.id);
      await benchmark.run(context);
    }
  } finally {
    if (shared) await (await shared).server.close();
    if (process.env['BENCH_KEEP']) progress(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ machine: info, results: report.results }, null, 2)}\n`);
    return;
  }
  process.stdout.write(markdown(info, report, seconds));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
