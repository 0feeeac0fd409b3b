import type { TargetView } from '../../../shared/calibration-contract';
import { StationError } from '../../../shared/errors';
import { clopperPearson } from './binomial-interval';
import {
  aucOf,
  curvePoints,
  detPoints,
  eerOf,
  type DetPoint,
  type RatePoint,
} from './score-curves';
import { nextUp, SortedScores } from './sorted-scores';

/** The false-match rates every calibration reports, besides the one the user asks for. */
export const STANDARD_TARGET_FMRS = [1e-3, 1e-4, 1e-5, 1e-6] as const;

/** The confidence of every interval reported (two-sided). */
export const CONFIDENCE = 0.95;

/** One target's threshold or its rule-of-three refusal (shape shared with the admin view). */
export type TargetThreshold = TargetView;

export interface CalibrationReport {
  genuine: number;
  impostor: number;
  auc: number;
  eer: number;
  eerThreshold: number;
  roc: RatePoint[];
  det: DetPoint[];
  targets: TargetThreshold[];
}

/** Impostor pairs needed before `target` can be claimed: with none matching in n, FMR < 3/n at 95 %. */
export function impostorsNeeded(target: number): number {
  return Math.ceil(3 / target);
}

/**
 * The threshold for one target FMR. With n impostors at most floor(target * n) may score at or
 * above it, so the threshold sits just above the (floor(target * n) + 1)-th highest impostor
 * score: the lowest such threshold, which keeps the most genuine pairs.
 */
export function thresholdForTarget(
  genuine: SortedScores,
  impostor: SortedScores,
  target: number,
): TargetThreshold {
  if (!(target > 0 && target < 1)) {
    throw new StationError('BAD_REQUEST', `A target FMR must be between 0 and 1, got ${target}.`);
  }
  const n = impostor.length;
  const needed = impostorsNeeded(target);
  if (n < needed) {
    return {
      targetFmr: target,
      supported: false,
      reason:
        `${n} impostor pairs cannot show an FMR of ${target}: at least ${needed} are needed ` +
        `(rule of three: with no false match in n pairs, the 95 % bound on FMR is about 3/n).`,
      threshold: null,
      fmr: null,
      fnmr: null,
      ci: null,
      falseMatches: null,
    };
  }
  const allowed = Math.floor(target * n);
  // allowed < n because target < 1; ties at that score are all rejected with it.
  const threshold = nextUp(impostor.kthHighest(allowed));
  const falseMatches = impostor.countAtOrAbove(threshold);
  return {
    targetFmr: target,
    supported: true,
    threshold,
    fmr: falseMatches / n,
    fnmr: genuine.countBelow(threshold) / genuine.length,
    ci: clopperPearson(falseMatches, n, CONFIDENCE),
    falseMatches,
  };
}

/** The standard targets plus the user's, without duplicates, strictest last. */
export function targetList(extra?: number): number[] {
  const all = new Set<number>(STANDARD_TARGET_FMRS);
  if (extra !== undefined) all.add(extra);
  return [...all].sort((a, b) => b - a);
}

/**
 * Calibrates from raw scores: sorts each class once (O(n log n)); everything after is merges
 * and binary searches, so 10k genuine + 1M impostor scores take well under a second or two.
 * Throws BAD_REQUEST when either class is empty.
 */
export function calibrate(
  genuineScores: ArrayLike<number>,
  impostorScores: ArrayLike<number>,
  opts: { targets?: readonly number[]; maxCurvePoints?: number } = {},
): CalibrationReport {
  return calibrateSorted(
    SortedScores.from(genuineScores, 'genuine'),
    SortedScores.from(impostorScores, 'impostor'),
    opts,
  );
}

/** calibrate() for classes already sorted (the admin view keeps them to judge a threshold). */
export function calibrateSorted(
  genuine: SortedScores,
  impostor: SortedScores,
  opts: { targets?: readonly number[]; maxCurvePoints?: number } = {},
): CalibrationReport {
  const { eer, threshold } = eerOf(genuine, impostor);
  const roc = curvePoints(genuine, impostor, opts.maxCurvePoints);
  return {
    genuine: genuine.length,
    impostor: impostor.length,
    auc: aucOf(genuine, impostor),
    eer,
    eerThreshold: threshold,
    roc,
    det: detPoints(roc),
    targets: (opts.targets ?? targetList()).map((t) => thresholdForTarget(genuine, impostor, t)),
  };
}
