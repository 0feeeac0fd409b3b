/**
 * Verification metrics over genuine (same person) and impostor (different people) similarity
 * scores. Used by tests, benchmarks and threshold calibration; a score >= threshold is "same".
 */

export interface ScoredPair {
  score: number;
  same: boolean;
  /** Cross-validation fold (LFW: 1..10). */
  fold?: number;
}

export function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}

export function std(xs: readonly number[]): number {
  const m = mean(xs);
  return Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
}

/** Probability that a random genuine pair outscores a random impostor pair (ties count half). */
export function rocAuc(genuine: readonly number[], impostor: readonly number[]): number {
  const all = [...genuine.map((s) => ({ s, g: 1 })), ...impostor.map((s) => ({ s, g: 0 }))].sort(
    (a, b) => a.s - b.s,
  );
  let rankSumGenuine = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j < all.length && all[j]!.s === all[i]!.s) j++;
    const avgRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (all[k]!.g) rankSumGenuine += avgRank;
    i = j;
  }
  const ng = genuine.length;
  return (rankSumGenuine - (ng * (ng + 1)) / 2) / (ng * impostor.length);
}

/** The threshold (one of the scores) maximising accuracy on `pairs`. */
export function bestAccuracyThreshold(pairs: readonly ScoredPair[]): {
  threshold: number;
  accuracy: number;
} {
  // Sweep thresholds upwards: at each distinct score, everything below it is called "different".
  const sorted = [...pairs].sort((a, b) => a.score - b.score);
  let correct = sorted.filter((p) => p.same).length; // threshold below every score
  let best = {
    threshold: (sorted[0]?.score ?? 0) - 1e-9,
    accuracy: correct / Math.max(1, sorted.length),
  };
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j < sorted.length && sorted[j]!.score === sorted[i]!.score) {
      correct += sorted[j]!.same ? -1 : 1;
      j++;
    }
    const next = sorted[j]?.score;
    const accuracy = correct / sorted.length;
    if (accuracy > best.accuracy) {
      best = {
        threshold: next === undefined ? sorted[i]!.score + 1e-9 : (sorted[i]!.score + next) / 2,
        accuracy,
      };
    }
    i = j;
  }
  return best;
}

export function accuracyAt(pairs: readonly ScoredPair[], threshold: number): number {
  return pairs.filter((p) => p.score >= threshold === p.same).length / pairs.length;
}

/**
 * LFW protocol: for each fold, pick the threshold on the other folds and measure accuracy on
 * the held-out one.
 */
export function crossValidatedAccuracy(pairs: readonly ScoredPair[]): {
  mean: number;
  std: number;
  folds: number[];
  thresholds: number[];
} {
  const folds = [...new Set(pairs.map((p) => p.fold ?? 0))].sort((a, b) => a - b);
  const accs: number[] = [];
  const thresholds: number[] = [];
  for (const f of folds) {
    const { threshold } = bestAccuracyThreshold(pairs.filter((p) => (p.fold ?? 0) !== f));
    thresholds.push(threshold);
    accs.push(
      accuracyAt(
        pairs.filter((p) => (p.fold ?? 0) === f),
        threshold,
      ),
    );
  }
  return { mean: mean(accs), std: std(accs), folds: accs, thresholds };
}

/** Equal error rate: where the false-accept and false-reject rates cross (interpolated). */
export function equalErrorRate(
  genuine: readonly number[],
  impostor: readonly number[],
): { eer: number; threshold: number } {
  const thresholds = [...new Set([...genuine, ...impostor])].sort((a, b) => a - b);
  let prev: { far: number; frr: number; t: number } | undefined;
  for (const t of thresholds) {
    const far = impostor.filter((s) => s >= t).length / impostor.length;
    const frr = genuine.filter((s) => s < t).length / genuine.length;
    if (frr >= far) {
      if (!prev) return { eer: (far + frr) / 2, threshold: t };
      // Linear interpolation between the last point with FRR < FAR and this one.
      const d0 = prev.far - prev.frr;
      const d1 = frr - far;
      const w = d0 / (d0 + d1 || 1);
      return { eer: prev.far + w * (far - prev.far), threshold: prev.t + w * (t - prev.t) };
    }
    prev = { far, frr, t };
  }
  return { eer: 0.5, threshold: thresholds.at(-1) ?? 0 };
}

/**
 * True-accept rate at the strictest threshold whose false-accept rate is <= `far`
 * (with n impostors, at most floor(far * n) of them may score at or above it).
 */
export function tarAtFar(
  genuine: readonly number[],
  impostor: readonly number[],
  far: number,
): { tar: number; threshold: number } {
  const desc = [...impostor].sort((a, b) => b - a);
  const allowed = Math.floor(far * desc.length);
  // Just above the (allowed+1)-th highest impostor score.
  const threshold = (desc[allowed] ?? -Infinity) + 1e-9;
  return { tar: genuine.filter((s) => s >= threshold).length / genuine.length, threshold };
}
