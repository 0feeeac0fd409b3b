/**
 * Verification metrics over genuine (same person) and impostor (different people) similarity
 * scores. Used by tests, benchmarks and threshold calibration; a score >= threshold is "same".
 * The sorted-array implementations live in core/calibration; these are array-friendly wrappers.
 */
import { aucOf, eerOf } from '../calibration/score-curves';
import { SortedScores } from '../calibration/sorted-scores';

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
  return aucOf(SortedScores.from(genuine, 'genuine'), SortedScores.from(impostor, 'impostor'));
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
  return eerOf(SortedScores.from(genuine, 'genuine'), SortedScores.from(impostor, 'impostor'));
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
