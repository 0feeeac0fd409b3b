import { ratesAt, type RatePoint } from './score-curves';
import type { SortedScores } from './sorted-scores';

/**
 * Small payloads for the admin view's plots: score histograms of both classes on shared bins
 * and the error rates on a fixed threshold grid (the slider's stops). A million impostor
 * scores become a few hundred numbers; the raw scores never leave the main process.
 */

/** Histogram bins: cosine from -0.25 to 1 in steps of 0.025 (scores outside go to the edges). */
export const HISTOGRAM = { min: -0.25, max: 1, bins: 50 } as const;

/** Slider stops: thresholds 0.00 .. 1.00 in steps of 0.01. */
export const GRID_STEP = 0.01;

export interface ScoreHistogram {
  min: number;
  max: number;
  /** Counts per bin, bin i covering [min + i*w, min + (i+1)*w). */
  genuine: number[];
  impostor: number[];
}

export type GridRates = RatePoint;

function histogram(scores: ArrayLike<number>): number[] {
  const counts = new Array<number>(HISTOGRAM.bins).fill(0);
  const width = (HISTOGRAM.max - HISTOGRAM.min) / HISTOGRAM.bins;
  for (let i = 0; i < scores.length; i++) {
    const bin = Math.floor((scores[i]! - HISTOGRAM.min) / width);
    const clamped = Math.min(HISTOGRAM.bins - 1, Math.max(0, bin));
    counts[clamped] = counts[clamped]! + 1;
  }
  return counts;
}

/** The grid of thresholds the view offers, rounded so 0.35 is 0.35 and not 0.35000000000000003. */
export function thresholdGrid(): number[] {
  const steps = Math.round(1 / GRID_STEP);
  return Array.from({ length: steps + 1 }, (_, i) => Math.round(i * GRID_STEP * 100) / 100);
}

export function summariseScores(
  genuine: SortedScores,
  impostor: SortedScores,
): { histogram: ScoreHistogram; grid: GridRates[] } {
  return {
    histogram: {
      min: HISTOGRAM.min,
      max: HISTOGRAM.max,
      genuine: histogram(genuine.values),
      impostor: histogram(impostor.values),
    },
    grid: thresholdGrid().map((t) => ratesAt(genuine, impostor, t)),
  };
}
