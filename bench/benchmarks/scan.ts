// Scan: `authdbg scan --json` (the built CLI, a fresh process per run, as a user or CI runs it) over a generated
// 1 GiB log with 1,000,000 token occurrences of 10,000 distinct tokens, against `rg -c` with a JWT pattern over
// the same file in the same round (ripgrep is the anchor for finding text on this machine: Debian's `ripgrep`).
// Keys are warm: they come from --jwks-file (a fresh process has no cache to warm; a file is the warm path, no
// fetch). Our time includes everything the command does: reading, finding, dedupe, verifying the 10,000
// distinct tokens, the JSON report. stderr is not a terminal (no progress) and SARIF is not asked for.
// Peak memory is the child's own getrusage maxRSS (all its threads), reported at exit by a preloaded data: URL.
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  createWriteStream,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { accessClaims, idClaims, signToken } from '../../test/support/tokens.ts';
import type { Benchmark } from '../benchmark.ts';
import { ROOT } from '../benchmark.ts';
import { fmt } from '../report.ts';
import { median } from '../stats.ts';

/**
 * Preloaded into our child (an ESM data: URL, so no file): at exit it writes the process's peak resident set
 * size (getrusage maxRSS, every thread included) to the file named by AUTHDBG_BENCH_RSS_FILE.
 */
const RSS_REPORTER = `data:text/javascript,${encodeURIComponent(
  "import { writeFileSync } from 'node:fs'; const target = process.env.AUTHDBG_BENCH_RSS_FILE; " +
    "if (target) process.on('exit', () => writeFileSync(target, JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS })));",
)}`;

/** The pattern ripgrep counts: header.payload.signature with the JOSE-header prefix. */
const RG_PATTERN = 'eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*';

interface Generated {
  path: string;
  bytes: number;
  lines: number;
  distinct: number;
  live: number;
}

/** Write the log: one token occurrence per line, padded so the file is `targetBytes` long. */
async function generateLog(
  path: string,
  tokens: readonly string[],
  lines: number,
  targetBytes: number,
): Promise<number> {
  const prefix = (i: number): string =>
    `2025-01-01T00:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000Z INFO req=${String(i).padStart(7, '0')} GET /orders/${i % 997} authorization="Bearer `;
  const suffix = '" status=200 ua="Mozilla/5.0"';
  const sample = prefix(0).length + suffix.length + 1;
  const averageToken = tokens.reduce((sum, token) => sum + token.length, 0) / tokens.length;
  const padding = Math.max(0, Math.floor(targetBytes / lines - sample - averageToken));
  const pad = ` x=${'.'.repeat(Math.max(0, padding - 3))}`;
  const out = createWriteStream(path);
  let buffer = '';
  let written = 0;
  for (let i = 0; i < lines; i++) {
    const line = `${prefix(i)}${tokens[i % tokens.length] as string}${suffix}${padding > 3 ? pad : ''}\n`;
    buffer += line;
    written += line.length;
    if (buffer.length >= 4 * 1024 * 1024) {
      if (!out.write(buffer)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      buffer = '';
    }
  }
  await new Promise<void>((resolve, reject) => out.end(buffer, () => resolve()).on('error', reject));
  return written;
}

interface Timed {
  ms: number;
  status: number | null;
}

function timedRun(
  command: string,
  args: string[],
  stdoutPath: string,
  env?: NodeJS.ProcessEnv,
): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const fd = openSync(stdoutPath, 'w');
    const started = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', fd, 'pipe'], env: env ?? process.env });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk.slice(0, 2000)));
    child.on('error', reject);
    child.on('close', (status) => {
      const ms = performance.now() - started;
      closeSync(fd);
      if (status !== 0 && status !== 1) reject(new Error(`${command} exited ${status}: ${stderr}`));
      else resolve({ ms, status });
    });
  });
}

export const scan: Benchmark = {
  id: 'scan',
  group: 'scan',
  resultIds: ['scan-throughput-ratio', 'scan-peak-rss-mb'],
  run: async ({ quick, report, dir, fixtures, progress }) => {
    const rg = spawnSync('rg', ['--version'], { encoding: 'utf8' });
    if (rg.status !== 0) {
      const why = 'skipped: ripgrep (rg) is not installed (Debian: apt-get install -y ripgrep)';
      progress(`scan ${why}`);
      report.problem(`scan: ${why}`);
      report.result('scan-throughput-ratio', null, 'x ripgrep', 4, why);
      report.result('scan-peak-rss-mb', null, 'MB', 200, why);
      return;
    }
    const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`scan: build failed:\n${build.stderr}`);
    const cli = join(ROOT, 'dist', 'cli.js');

    const f = await fixtures();
    // --quick: a tenth of everything (100 MiB, 100,000 occurrences, 1,000 distinct).
    const scale = quick ? 10 : 1;
    const distinct = 10_000 / scale;
    const lines = 1_000_000 / scale;
    const targetBytes = 2 ** 30 / scale;
    progress(`scan: signing ${distinct} distinct tokens`);
    const tokens: string[] = [];
    let live = 0;
    for (let i = 0; i < distinct; i++) {
      // A third expired, the rest live, one in fifty forged (its signature belongs to another token).
      const expired = i % 3 === 0;
      const times = { iat: f.now - 7200, auth_time: f.now - 7200, exp: expired ? f.now - 60 : f.now + 3600 };
      const claims =
        i % 2 === 0 ? idClaims({ ...times, jti: `scan-${i}` }) : accessClaims({ ...times, jti: `scan-${i}` });
      let token = signToken({ kid: f.rsa.kid, alg: 'RS256' }, claims, f.rsa.privateKey);
      if (i % 50 === 7 && tokens.length > 0) {
        const other = tokens[0] as string;
        token = `${token.slice(0, token.lastIndexOf('.'))}${other.slice(other.lastIndexOf('.'))}`;
      } else if (!expired) live++;
      tokens.push(token);
    }
    const path = join(dir, 'scan-bench.log');
    progress(`scan: writing ${fmt(targetBytes / 2 ** 20, 0)} MiB log`);
    const bytes = await generateLog(path, tokens, lines, targetBytes);
    const generated: Generated = { path, bytes: statSync(path).size, lines, distinct, live };
    if (generated.bytes !== bytes) throw new Error('scan: generated file size mismatch');
    const jwksFile = join(dir, 'scan-jwks.json');
    writeFileSync(jwksFile, JSON.stringify({ keys: [f.rsa.jwk] }));
    const rssFile = join(dir, 'scan-rss.json');
    const oursArgs = [
      '--import',
      RSS_REPORTER,
      cli,
      'scan',
      path,
      '--jwks-file',
      jwksFile,
      '--now',
      String(f.now),
      '--json',
    ];
    const env = { ...process.env, AUTHDBG_BENCH_RSS_FILE: rssFile };
    const oursOut = join(dir, 'scan-ours.json');
    const rgOut = join(dir, 'scan-rg.txt');

    try {
      // Warm the page cache (both read the same file) and check both answers once, outside the timing.
      await timedRun('rg', ['-c', RG_PATTERN, path], rgOut);
      const rgCount = Number(readFileSync(rgOut, 'utf8').trim());
      await timedRun(process.execPath, oursArgs, oursOut, env);
      const ours = JSON.parse(readFileSync(oursOut, 'utf8')) as {
        tokens: { count: number; live: boolean }[];
        bytes: number;
      };
      const occurrences = ours.tokens.reduce((sum, row) => sum + row.count, 0);
      const liveRows = ours.tokens.filter((row) => row.live).length;
      if (
        rgCount !== lines ||
        occurrences !== lines ||
        ours.tokens.length !== distinct ||
        liveRows !== live ||
        ours.bytes !== generated.bytes
      )
        throw new Error(
          `scan: wrong answer (rg ${rgCount} lines, ours ${occurrences} occurrences of ${ours.tokens.length} tokens, ${liveRows} live; expected ${lines}, ${distinct}, ${live})`,
        );

      const rounds = quick ? 2 : 3;
      const oursMs: number[] = [];
      const rgMs: number[] = [];
      const rss: number[] = [];
      for (let r = 0; r < rounds; r++) {
        for (const which of r % 2 === 0 ? ['rg', 'ours'] : ['ours', 'rg']) {
          if (which === 'rg') rgMs.push((await timedRun('rg', ['-c', RG_PATTERN, path], rgOut)).ms);
          else {
            oursMs.push((await timedRun(process.execPath, oursArgs, oursOut, env)).ms);
            rss.push((JSON.parse(readFileSync(rssFile, 'utf8')) as { maxRssKb: number }).maxRssKb / 1024);
          }
        }
      }
      const ratios = oursMs.map((ms, i) => ms / (rgMs[i] as number));
      const ratio = median(ratios);
      const peak = Math.max(...rss);
      const mib = generated.bytes / 2 ** 20;
      report.detail(
        [
          `### Scan: ${fmt(mib, 0)} MiB log, ${lines.toLocaleString('en-US')} token occurrences, ${distinct.toLocaleString('en-US')} distinct (keys warm)`,
          '',
          '| contender | median s | MiB/s | peak RSS MB |',
          '| --- | ---: | ---: | ---: |',
          `| rg -c '${RG_PATTERN}' | ${fmt(median(rgMs) / 1000, 3)} | ${fmt(mib / (median(rgMs) / 1000), 0)} | - |`,
          `| authdbg scan --json (dist/cli.js, worker threads on every core) | ${fmt(median(oursMs) / 1000, 3)} | ${fmt(mib / (median(oursMs) / 1000), 0)} | ${fmt(peak, 0)} |`,
          '',
          `${rounds} rounds, order alternated; ratio = median of per-round ratios (${ratios.map((x) => fmt(x, 2)).join(', ')}). ` +
            'Ours is a fresh process (startup, worker threads, verification of every distinct token, JSON output included); ' +
            'the page cache was warmed by one untimed run of each.',
        ].join('\n'),
      );
      report.result(
        'scan-throughput-ratio',
        ratio,
        'x ripgrep',
        4,
        `ours ${fmt(median(oursMs) / 1000, 2)} s, rg ${fmt(median(rgMs) / 1000, 2)} s over ${fmt(mib, 0)} MiB`,
      );
      report.result(
        'scan-peak-rss-mb',
        peak,
        'MB',
        200,
        `child maxRSS (all threads) over ${fmt(mib, 0)} MiB`,
      );
    } finally {
      rmSync(path, { force: true });
      rmSync(oursOut, { force: true });
    }
  },
};
