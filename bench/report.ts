// What a run collects: the results table (id, value, target), the detail sections and the problems seen, plus
// the formatting helpers every benchmark shares.
import { cpus, freemem, loadavg, platform, release, totalmem } from 'node:os';
import type { ContenderResult } from './stats.ts';

export interface Result {
  id: string;
  value: number | null;
  unit: string;
  /** Upper bound: the result meets it when value <= target (and any extra condition holds). Null for a
   * reference row, which measures a peer and has no target of its own. */
  target: number | null;
  met: boolean | null;
  note?: string;
}

export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

export function fmt(value: number, digits = 1): string {
  return value.toFixed(digits);
}

export class Report {
  readonly results: Result[] = [];
  /** Markdown sections, one per benchmark, in run order. */
  readonly details: string[] = [];
  readonly problems: string[] = [];

  /** `alsoRequired`: a second condition of the target (e.g. "ahead of aws-jwt-verify in the same run"). */
  result(
    id: string,
    value: number | null,
    unit: string,
    target: number,
    note?: string,
    alsoRequired = true,
  ): void {
    const entry: Result = {
      id,
      value: value === null ? null : round3(value),
      unit,
      target,
      met: value === null ? null : value <= target && alsoRequired,
    };
    if (note !== undefined) entry.note = note;
    this.results.push(entry);
  }

  /** A peer's figure measured in the same run, for comparison: no target, `met` null. */
  reference(id: string, value: number, unit: string, note?: string): void {
    const entry: Result = { id, value: round3(value), unit, target: null, met: null };
    if (note !== undefined) entry.note = note;
    this.results.push(entry);
  }

  detail(markdown: string): void {
    this.details.push(markdown);
  }

  problem(text: string): void {
    this.problems.push(text);
  }

  contenderTable(title: string, rows: ContenderResult[], extra = ''): void {
    const lines = [
      `### ${title}`,
      '',
      '| contender | median µs/op | p95 µs/op (rounds) | ratio to floor |',
      '| --- | ---: | ---: | ---: |',
      ...rows.map(
        (r) =>
          `| ${r.name}${r.note ? ` (${r.note})` : ''} | ${fmt(r.medianUs)} | ${fmt(r.p95Us)} | ${fmt(r.ratio, 2)}x |`,
      ),
    ];
    if (extra) lines.push('', extra);
    this.details.push(lines.join('\n'));
  }
}

export function machine(): Record<string, unknown> {
  const cpuList = cpus();
  return {
    cpu: cpuList[0]?.model ?? 'unknown',
    cores: cpuList.length,
    node: process.version,
    openssl: process.versions.openssl,
    v8: process.versions.v8,
    platform: `${platform()} ${release()}`,
    memoryGiB: round3(totalmem() / 2 ** 30),
    freeMemoryGiB: round3(freemem() / 2 ** 30),
    loadAverage: loadavg().map(round3),
  };
}
