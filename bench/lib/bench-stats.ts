/** Small timing helpers shared by the benchmarks (nearest-rank percentiles, markdown rows). */
import { loadavg } from 'node:os';

export interface Summary {
  n: number;
  mean: number;
  min: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of an ascending array (p in 0..1). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil(p * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] ?? NaN;
}

export function summarize(values: readonly number[]): Summary {
  const v = [...values].sort((a, b) => a - b);
  const mean = v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
  return {
    n: v.length,
    mean,
    min: v[0] ?? NaN,
    p50: percentile(v, 0.5),
    p95: percentile(v, 0.95),
    p99: percentile(v, 0.99),
    max: v[v.length - 1] ?? NaN,
  };
}

/** Milliseconds with a precision that suits the magnitude (0.012 ms, 1.23 ms, 123 ms). */
export function ms(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  if (x < 0.1) return x.toFixed(3);
  if (x < 100) return x.toFixed(2);
  return x.toFixed(0);
}

/** Wall time of a synchronous call, in ms, and its result. */
export function timed<T>(fn: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = fn();
  return { ms: performance.now() - t0, value };
}

/** Median of a few repeated measurements (ms): steadier than one run on a shared 2-core box. */
export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

/** The 1-minute load average: the machine is often shared, so figures are stated with it. */
export function load1(): number {
  return loadavg()[0] ?? NaN;
}

/** The 1-, 5- and 15-minute load averages, as the benches print them ("1.06 1.32 2.50"). */
export function loadAverages(): string {
  return loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
}
