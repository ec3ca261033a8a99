// Shared statistics for the benchmarks: medians, percentiles and the interleaved-rounds runner whose ratios are
// taken within each round (contenders alternated, order rotated), so machine noise hits every contender alike.
import { performance } from 'node:perf_hooks';

function sorted(values: number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

export function median(values: number[]): number {
  const s = sorted(values);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
}

/** Nearest-rank percentile. */
export function percentile(values: number[], p: number): number {
  const s = sorted(values);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
}

/** Median over rounds of `values[r] / floor[r]`: a ratio that cancels what a round's noise did to both. */
export function medianRatio(values: number[], floor: number[]): number {
  return median(values.map((v, r) => v / (floor[r] as number)));
}

export interface Contender {
  name: string;
  /** One operation; `i` picks the input so consecutive calls do not see the same token. */
  run: (i: number) => unknown;
  /** Awaited per call (only for contenders whose API is asynchronous). */
  async: boolean;
  /** Not part of the ratio contest (e.g. a reference point). */
  note?: string;
}

export interface ContenderResult {
  name: string;
  note: string | undefined;
  /** µs per operation of each round. */
  perRound: number[];
  medianUs: number;
  p95Us: number;
  /** Median of this contender / floor within the same round. */
  ratio: number;
}

// Every result is folded into this counter so no operation can be optimised away as dead code.
let sink = 0;
export function consume(value: unknown): void {
  if (value) sink++;
}
/** Whether anything reached the sink (printed at the end of a run as a sanity check). */
export function sinkFilled(): boolean {
  return sink > 0;
}

/** Rounds of batches, contenders alternated within each round (start rotated, direction flipped). The first
 * contender is the floor every ratio is taken against. */
export async function interleave(
  contenders: Contender[],
  options: { rounds: number; batch: number; warmup: number },
): Promise<ContenderResult[]> {
  for (const c of contenders) {
    for (let i = 0; i < options.warmup; i++) consume(c.async ? await c.run(i) : c.run(i));
  }
  const perRound = contenders.map(() => [] as number[]);
  const n = contenders.length;
  for (let round = 0; round < options.rounds; round++) {
    const order = contenders.map((_, k) => (round + k) % n);
    if (round % 2 === 1) order.reverse();
    for (const index of order) {
      const c = contenders[index] as Contender;
      const base = round * options.batch;
      const t0 = performance.now();
      if (c.async) for (let i = 0; i < options.batch; i++) consume(await c.run(base + i));
      else for (let i = 0; i < options.batch; i++) consume(c.run(base + i));
      (perRound[index] as number[]).push(((performance.now() - t0) * 1000) / options.batch);
    }
  }
  const floor = perRound[0] as number[];
  return contenders.map((c, index) => {
    const values = perRound[index] as number[];
    return {
      name: c.name,
      note: c.note,
      perRound: values,
      medianUs: median(values),
      p95Us: percentile(values, 95),
      ratio: medianRatio(values, floor),
    };
  });
}
