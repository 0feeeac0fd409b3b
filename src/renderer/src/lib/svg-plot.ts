/**
 * Scales and ticks for the small inline-SVG plots of the calibration view (no chart library:
 * nothing is fetched, and a few hundred points need no more than this).
 */

export type AxisKind = 'linear' | 'log';

export interface Axis {
  kind: AxisKind;
  min: number;
  max: number;
  label: string;
}

/** One series: a polyline (curves) or bars from x to x + width (histograms). */
export interface PlotSeries {
  name: string;
  color: string;
  points: readonly (readonly [number, number])[];
  /** Bars of this width along x (data units); absent = a line. */
  barWidth?: number;
}

export interface Tick {
  value: number;
  label: string;
}

/** Maps a value on `axis` to 0..1 (clamped; log axes clamp zero to their minimum). */
export function unit(axis: Axis, v: number): number {
  let f: number;
  if (axis.kind === 'log') {
    const lo = Math.log10(axis.min);
    const hi = Math.log10(axis.max);
    f = (Math.log10(Math.max(v, axis.min)) - lo) / (hi - lo);
  } else {
    f = (v - axis.min) / (axis.max - axis.min);
  }
  return Math.min(1, Math.max(0, f));
}

/** Decades on a log axis (1e-6, 1e-5 ...), five steps on a linear one. */
export function ticks(axis: Axis): Tick[] {
  if (axis.kind === 'log') {
    const out: Tick[] = [];
    for (let e = Math.ceil(Math.log10(axis.min)); e <= Math.floor(Math.log10(axis.max)); e++) {
      out.push({ value: 10 ** e, label: e === 0 ? '1' : `1e${e}` });
    }
    return out;
  }
  return Array.from({ length: 6 }, (_, i) => {
    const value = axis.min + ((axis.max - axis.min) * i) / 5;
    return { value, label: String(Math.round(value * 100) / 100) };
  });
}

/** Shares in percent with sensible precision: 0.000123 -> "0.0123 %". */
export function percent(x: number | null): string {
  if (x === null) return '–';
  if (x === 0) return '0 %';
  return `${(100 * x).toPrecision(3)} %`;
}
