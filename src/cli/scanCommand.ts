// `authdbg scan`: every token in logs, HAR files and folders; one row per distinct token; live ones are leaks.
// Exit 0, or 1 when --fail-on names something found; 2 on usage errors.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildScanReport,
  rowMatches,
  scanReportJson,
  scanReportSarif,
  TokenVerifier,
} from '../core/scan/report.ts';
import type { FailOn, ScanReport, ScanReportOptions, ScanTokenRow } from '../core/scan/report.ts';
import { TokenTable } from '../core/scan/scanner.ts';
import { DEFAULT_MAX_FILE_BYTES, listScanInputs, scanInputs } from '../core/scan/sources.ts';
import type { ScanProgress } from '../core/scan/sources.ts';
import { escapeForTerminal } from '../core/textSafety.ts';
import { kindLabel } from '../core/kindLabels.ts';
import { numberOption, optionValue, parseArgs } from './args.ts';
import { VERIFY_OPTION_SPEC, verifyOptionsFromArgs } from './inspectCommand.ts';
import { fileErrorCodeText } from './fileRead.ts';
import { EXIT, UsageError, terminalSafeIo } from './io.ts';
import type { CliIo } from './io.ts';
import { readConfigOption } from './simulateCommand.ts';
import { keyUrlBudget } from '../core/keys/cacheOnly.ts';

/** Distinct key URLs one scan may fetch; tokens of further issuers are reported with their key check skipped. */
const MAX_SCAN_KEY_URLS = 20;
const SCAN_KEY_BUDGET_WHY = `this scan already fetched keys from ${MAX_SCAN_KEY_URLS} key URLs (the limit per scan; give --jwks for the issuer you mean)`;

const VERSION = '0.1.0';

const SPEC = {
  ...VERIFY_OPTION_SPEC,
  exclude: { value: true, repeat: true },
  'max-file-mb': { value: true },
  config: { value: true },
  format: { value: true },
  'fail-on': { value: true, repeat: true },
  workers: { value: true },
} as const;

export const SCAN_USAGE = `usage: authdbg scan [PATH|-]... [options]
  Finds every JWT, ALB x-amzn-oidc-data blob and JWE in files, folders (recursively, honouring .gitignore)
  and standard input ("-"): plain logs, JSON lines, HAR files and .gz files, all streamed. Each distinct
  token is verified once (same key options as inspect) and reported with its count and first/last
  file:line; live tokens (unexpired, and verified when keys are available) are leaks.
  --exclude PATTERN     .gitignore-style pattern to skip (repeatable)
  --max-file-mb N       skip files larger than N MiB (default ${DEFAULT_MAX_FILE_BYTES / 2 ** 20}); .gz counts decompressed bytes
  --config FILE         simulate each HAR request against this authdebug.yaml or template and compare
                        the recorded response status with the simulated one (disagreements first)
  --format table|json|sarif
  --json                same as --format json: {tokens, files, bytes}
  --fail-on live|invalid|expired
                        exit 1 when such a token is found (repeatable, or comma-separated)
  --workers N           worker threads for large files (default: one per core; 1 = none)
  Key and expectation options (--jwks, --jwks-file, --alb-key-url, --pem-file, --secret-file, --issuer,
  --audience, --client-id, --token-use, --scope, --alb-arn, --now, --clock-skew, --timeout-ms) are
  inspect's: see authdbg help inspect. Tokens are never printed: a short hash and header.payload.<redacted>.
exit status: 0 done (nothing --fail-on names), 1 --fail-on matched, 2 usage or input error`;

type Format = 'table' | 'json' | 'sarif';

/** Run `authdbg scan`. */
export async function runScan(argv: string[], given: CliIo): Promise<number> {
  const io = terminalSafeIo(given);
  const args = parseArgs(argv, SPEC);
  if (args.flags.has('help')) {
    io.stdout(`${SCAN_USAGE}\n`);
    return EXIT.ok;
  }
  const format = formatOf(optionValue(args, 'format'), args.flags.has('json'));
  const failOn = failOnOf(args.options.get('fail-on') ?? []);
  const maxFileMb = numberOption(args, 'max-file-mb', 1, 1024 * 1024);
  const maxFileBytes = maxFileMb === undefined ? DEFAULT_MAX_FILE_BYTES : Math.floor(maxFileMb * 2 ** 20);
  const workers = numberOption(args, 'workers', 1, 64);
  if (workers !== undefined && !Number.isInteger(workers))
    throw new UsageError('--workers must be an integer');
  const verify = await verifyOptionsFromArgs(args, io);
  const configFile = optionValue(args, 'config');
  const reportOptions: ScanReportOptions = { verify };
  if (configFile !== undefined) reportOptions.config = await readConfigOption(configFile, io);
  const jwks = optionValue(args, 'jwks');
  if (jwks !== undefined) reportOptions.keyUrls = { all: jwks };

  if (args.positionals.length === 0)
    throw new UsageError('scan takes PATH... (files or folders), or - for standard input');
  const paths = args.positionals;
  if (paths.filter((path) => path === '-').length > 1)
    throw new UsageError('standard input ("-") can be read once');
  const listed = await listScanInputs(paths, { exclude: args.options.get('exclude') ?? [], maxFileBytes });
  if (listed.missing.length > 0) {
    const first = listed.missing[0];
    throw new UsageError(`cannot read ${first?.path ?? ''}: ${fileErrorCodeText(first?.reason ?? '')}`);
  }
  for (const skipped of listed.skipped)
    io.stderr(`authdbg scan: skipped ${skipped.path}: ${fileErrorCodeText(skipped.reason)}\n`);

  const table = new TokenTable();
  // A hostile log may name thousands of pools: keys are fetched for the first MAX_SCAN_KEY_URLS only.
  const keys = keyUrlBudget(io.keys, MAX_SCAN_KEY_URLS, SCAN_KEY_BUDGET_WHY);
  const verifier = new TokenVerifier(verify, { keys }, format !== 'json');
  table.onNewEntry = (entry) => verifier.enqueue(entry);
  // The progress line's own control sequences (CR, erase line) go to the raw stderr; its text is escaped there.
  const progress = io.stderrIsTty ? progressWriter(given) : undefined;
  const workerScript = join(__dirname, 'scanWorker.js');
  const totals = await scanInputs(listed.inputs, {
    table,
    ...(workers === undefined ? {} : { workers }),
    ...(existsSync(workerScript) ? { workerScript } : {}),
    maxFileBytes,
    stdin: stdinSource(io),
    ...(progress ? { onProgress: progress.update } : {}),
  });
  progress?.done();
  for (const error of totals.errors) io.stderr(`authdbg scan: ${error.path}: ${error.reason}\n`);
  const report = await buildScanReport(table, totals, verifier, reportOptions, { keys });

  if (format === 'json') io.stdout(`${JSON.stringify(scanReportJson(report), null, 2)}\n`);
  else if (format === 'sarif') io.stdout(`${JSON.stringify(scanReportSarif(report, VERSION), null, 2)}\n`);
  else io.stdout(`${renderScanTable(report)}\n`);
  return failOn.some((what) => report.tokens.some((row) => rowMatches(row, what))) ? EXIT.rejected : EXIT.ok;
}

function formatOf(value: string | undefined, json: boolean): Format {
  if (value === undefined) return json ? 'json' : 'table';
  if (value !== 'table' && value !== 'json' && value !== 'sarif')
    throw new UsageError('--format must be table, json or sarif');
  if (json && value !== 'json') throw new UsageError('--json and --format conflict');
  return value;
}

function failOnOf(values: readonly string[]): FailOn[] {
  const out: FailOn[] = [];
  for (const item of values.flatMap((value) => value.split(','))) {
    const what = item.trim();
    if (what !== 'live' && what !== 'invalid' && what !== 'expired')
      throw new UsageError('--fail-on takes live, invalid or expired');
    if (!out.includes(what)) out.push(what);
  }
  return out;
}

function stdinSource(io: CliIo): () => AsyncIterable<Buffer> {
  if (io.stdinChunks) return io.stdinChunks;
  // An injected io without a stream: its (capped) text as one chunk.
  return async function* () {
    yield Buffer.from(await io.readStdin(), 'utf8');
  };
}

/**
 * A one-line progress display on a terminal's stderr, at most five updates a second, erased at the end. `io` is
 * the unescaped writer (terminalSafeIo would print CR and ESC as visible text): everything but the two control
 * sequences goes through escapeForTerminal here.
 */
function progressWriter(io: CliIo): { update: (progress: ScanProgress) => void; done: () => void } {
  let last = 0;
  let shown = false;
  return {
    update: (progress) => {
      const now = io.nowMs();
      if (now - last < 200) return;
      last = now;
      shown = true;
      const percent =
        progress.bytesKnown > 0
          ? ` ${Math.min(100, Math.floor((progress.bytesDone / progress.bytesKnown) * 100))}%`
          : '';
      io.stderr(
        `${ERASE_LINE}${escapeForTerminal(`scanning${percent} ${mib(progress.bytesDone)} ${progress.file.slice(-60)}`)}`,
      );
    },
    done: () => {
      if (shown) io.stderr(ERASE_LINE);
    },
  };
}

/** Carriage return, then erase the line (CSI 2 K). */
const ERASE_LINE = '\r\u001b[2K';

function mib(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(2)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

const VERDICT_LABEL: Record<ScanTokenRow['verdict'], string> = {
  valid: 'LIVE',
  unverified: 'LIVE?',
  encrypted: 'LIVE?',
  expired: 'expired',
  'not-yet-valid': 'not yet valid',
  forged: 'FORGED',
  invalid: 'invalid',
  malformed: 'malformed',
};

/** The table for people: a summary line, disagreements, then one block per distinct token. */
export function renderScanTable(report: ScanReport): string {
  const rows = report.tokens;
  const occurrences = rows.reduce((sum, row) => sum + row.count, 0) + report.untracked;
  const live = rows.filter((row) => row.live).length;
  const unchecked = rows.filter((row) => row.live && row.verdict !== 'valid').length;
  // LIVE? needs a word: unexpired, but nobody checked the signature (no keys given, or a JWE).
  const liveText =
    unchecked === 0 ? `${live} live` : `${live} live (${unchecked} LIVE?: unexpired, signature not checked)`;
  const lines = [
    `${rows.length} distinct token${rows.length === 1 ? '' : 's'} (${occurrences} occurrence${occurrences === 1 ? '' : 's'}) in ${report.files} file${report.files === 1 ? '' : 's'}, ${mib(report.bytes)}; ${liveText}`,
  ];
  if (report.untracked > 0)
    lines.push(`(${report.untracked} occurrences of tokens beyond the distinct-token cap are counted only)`);
  const disagreements = rows.flatMap((row) =>
    (row.requests ?? []).filter((r) => r.agrees === false).map((request) => ({ row, request })),
  );
  if (disagreements.length > 0) {
    lines.push('', `Recorded and simulated statuses disagree (${disagreements.length}):`);
    for (const { row, request } of disagreements.slice(0, 50)) {
      lines.push(
        `  ${request.method ?? '?'} ${escapeForTerminal(shorten(request.url ?? '?', 100))}  recorded ${request.status ?? '?'}, simulated ${request.simulatedStatus ?? '?'} (${request.decidedBy ?? '?'})  ${row.hash} at ${place(request)}`,
      );
    }
  }
  for (const row of rows) {
    const who = [
      row.sub === null ? undefined : `sub ${row.sub}`,
      row.client === null ? undefined : `client ${row.client}`,
      row.iss === null ? undefined : `iss ${row.iss}`,
    ].filter((part) => part !== undefined);
    lines.push(
      '',
      `${VERDICT_LABEL[row.verdict]}  ${kindLabel(row.kind)}${row.tokenUse === null || row.kind !== 'jwt' ? '' : ` (token_use ${escapeForTerminal(row.tokenUse)})`}  ${row.hash}  x${row.count}`,
      ...(who.length > 0 ? [`  ${escapeForTerminal(who.join('  '))}`] : []),
      `  first ${escapeForTerminal(place(row.first))}  last ${escapeForTerminal(place(row.last))}`,
      `  ${escapeForTerminal(row.sentence)}`,
    );
    if (row.requests !== undefined) {
      lines.push(`  in ${row.requestCount} HAR request${row.requestCount === 1 ? '' : 's'}:`);
      for (const request of row.requests.slice(0, 5)) {
        const simulated =
          request.simulatedStatus === undefined
            ? ''
            : `, simulated ${request.simulatedStatus}${request.agrees === false ? ' (DISAGREES)' : ''}`;
        lines.push(
          `    ${request.method ?? '?'} ${escapeForTerminal(shorten(request.url ?? '?', 100))}  recorded ${request.status ?? '?'}${simulated}${request.sent ? '' : ' (in the response)'}`,
        );
      }
    }
  }
  return lines.join('\n');
}

function place(at: { file: string; line: number }): string {
  return `${at.file}:${at.line}`;
}

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}
