import { nextUp, type SortedScores } from './sorted-scores';
import { probit } from './binomial-interval';
import type {
  DetPointView as DetPoint,
  RatePointView as RatePoint,
} from '../../../shared/calibration-contract';

// The shapes live in the shared contract: the admin view receives exactly these.
export type { DetPoint, RatePoint };

export function ratesAt(genuine: SortedScores, impostor: SortedScores, t: number): RatePoint {
  return {
    threshold: t,
    fmr: impostor.countAtOrAbove(t) / impostor.length,
    fnmr: genuine.countBelow(t) / genuine.length,
  };
}

/**
 * Area under the ROC curve: the probability that a random genuine pair outscores a random
 * impostor pair, ties counting half (Mann-Whitney U). One merge over both sorted arrays.
 */
export function aucOf(genuine: SortedScores, impostor: SortedScores): number {
  const g = genuine.values;
  const im = impostor.values;
  let below = 0; // impostors < current genuine score
  let equal = 0; // impostors == current genuine score
  let u = 0;
  for (let i = 0; i < g.length; i++) {
    const s = g[i]!;
    if (i === 0 || s !== g[i - 1]) {
      below += equal;
      while (below < im.length && im[below]! < s) below++;
      equal = 0;
      while (below + equal < im.length && im[below + equal]! === s) equal++;
    }
    u += below + equal / 2;
  }
  return u / (g.length * im.length);
}

/**
 * Equal error rate, swept over every distinct score ascending: at the first threshold where
 * FNMR >= FMR the rates are linearly interpolated with the previous threshold. A last point
 * just above the highest score (FMR 0, FNMR 1) guarantees a crossing.
 */
export function eerOf(
  genuine: SortedScores,
  impostor: SortedScores,
): { eer: number; threshold: number } {
  const g = genuine.values;
  const im = impostor.values;
  let gi = 0; // genuine < t
  let ii = 0; // impostors < t
  let prev: RatePoint | undefined;
  const top = nextUp(Math.max(genuine.max, impostor.max));
  for (;;) {
    const t = Math.min(g[gi] ?? top, im[ii] ?? top);
    const p: RatePoint = { threshold: t, fmr: 1 - ii / im.length, fnmr: gi / g.length };
    if (p.fnmr >= p.fmr) {
      if (!prev) return { eer: (p.fmr + p.fnmr) / 2, threshold: t };
      const d0 = prev.fmr - prev.fnmr;
      const d1 = p.fnmr - p.fmr;
      const w = d0 / (d0 + d1 || 1);
      return {
        eer: prev.fmr + w * (p.fmr - prev.fmr),
        threshold: prev.threshold + w * (t - prev.threshold),
      };
    }
    prev = p;
    while (gi < g.length && g[gi]! <= t) gi++;
    while (ii < im.length && im[ii]! <= t) ii++;
    if (t === top) return { eer: (p.fmr + p.fnmr) / 2, threshold: t };
  }
}

/**
 * ROC points at every distinct score when there are at most `maxPoints` of them; otherwise at
 * thresholds whose FMR and FNMR are log-spaced from 1/n to 1, so both tails of a DET plot stay
 * resolved without shipping a million points. Sorted by ascending threshold.
 */
export function curvePoints(
  genuine: SortedScores,
  impostor: SortedScores,
  maxPoints = 400,
): RatePoint[] {
  const candidates: number[] = [];
  if (genuine.length + impostor.length <= maxPoints) {
    candidates.push(...genuine.values, ...impostor.values);
  } else {
    const per = Math.max(2, Math.floor(maxPoints / 2));
    for (let i = 0; i < per; i++) {
      const frac = i / (per - 1);
      // Threshold at an impostor score: FMR = k / n with k log-spaced in [1, n].
      const ki = Math.round(impostor.length ** frac);
      candidates.push(impostor.kthHighest(ki - 1));
      // Threshold just above a genuine score: FNMR = k / n with k log-spaced in [1, n].
      const kg = Math.round(genuine.length ** frac);
      candidates.push(nextUp(genuine.values[kg - 1]!));
    }
  }
  candidates.push(nextUp(Math.max(genuine.max, impostor.max)));
  const distinct = Float64Array.from(new Set(candidates)).sort();
  return Array.from(distinct, (t) => ratesAt(genuine, impostor, t));
}

/** DET points: the ROC points whose rates are strictly inside (0, 1), with normal deviates. */
export function detPoints(roc: readonly RatePoint[]): DetPoint[] {
  return roc
    .filter((p) => p.fmr > 0 && p.fmr < 1 && p.fnmr > 0 && p.fnmr < 1)
    .map((p) => ({ ...p, fmrDeviate: probit(p.fmr), fnmrDeviate: probit(p.fnmr) }));
}
