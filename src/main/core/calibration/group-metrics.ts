import { clopperPearson } from './binomial-interval';
import { CONFIDENCE } from './threshold-calibration';

/** One scored pair with the demographic groups it belongs to (both images in the group). */
export interface GroupedPair {
  score: number;
  same: boolean;
  groups: readonly string[];
}

export interface GroupMetrics {
  genuine: number;
  impostor: number;
  /** FMR at the operating threshold; null without impostor pairs in the group. */
  fmr: number | null;
  fmrCi: [number, number] | null;
  /** FNMR at the operating threshold; null without genuine pairs in the group. */
  fnmr: number | null;
  /**
   * Rate divided by the best (lowest) group's rate. 1 for the best group; null when the rate
   * is missing, or when the best rate is 0 and this one is not (the ratio is unbounded).
   */
  fmrRatioToBest: number | null;
  fnmrRatioToBest: number | null;
}

export interface GroupReport {
  threshold: number;
  byGroup: Record<string, GroupMetrics>;
}

function ratio(rate: number | null, best: number | null): number | null {
  if (rate === null || best === null) return null;
  if (best === 0) return rate === 0 ? 1 : null;
  return rate / best;
}

/** Per-group FMR and FNMR at one threshold, with their ratio to the best group (bias report). */
export function groupMetrics(pairs: readonly GroupedPair[], threshold: number): GroupReport {
  const tally = new Map<string, { g: number; gMiss: number; i: number; iMatch: number }>();
  for (const p of pairs) {
    for (const name of new Set(p.groups)) {
      const t = tally.get(name) ?? { g: 0, gMiss: 0, i: 0, iMatch: 0 };
      const accepted = p.score >= threshold;
      if (p.same) {
        t.g++;
        if (!accepted) t.gMiss++;
      } else {
        t.i++;
        if (accepted) t.iMatch++;
      }
      tally.set(name, t);
    }
  }
  const rows = [...tally.entries()].sort(([a], [b]) => a.localeCompare(b));
  const fmrs = rows.flatMap(([, t]) => (t.i ? [t.iMatch / t.i] : []));
  const fnmrs = rows.flatMap(([, t]) => (t.g ? [t.gMiss / t.g] : []));
  const bestFmr = fmrs.length ? Math.min(...fmrs) : null;
  const bestFnmr = fnmrs.length ? Math.min(...fnmrs) : null;
  const byGroup: Record<string, GroupMetrics> = {};
  for (const [name, t] of rows) {
    const fmr = t.i ? t.iMatch / t.i : null;
    const fnmr = t.g ? t.gMiss / t.g : null;
    byGroup[name] = {
      genuine: t.g,
      impostor: t.i,
      fmr,
      fmrCi: t.i ? clopperPearson(t.iMatch, t.i, CONFIDENCE) : null,
      fnmr,
      fmrRatioToBest: ratio(fmr, bestFmr),
      fnmrRatioToBest: ratio(fnmr, bestFnmr),
    };
  }
  return { threshold, byGroup };
}
