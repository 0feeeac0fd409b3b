import { StationError } from '../../../shared/errors';

/**
 * One class of similarity scores (genuine or impostor), sorted ascending once into a
 * Float64Array so every rate at a threshold is a binary search: calibration on a million
 * impostor pairs must never rescan the scores per threshold.
 * Convention everywhere: a score >= threshold is a match.
 */
export class SortedScores {
  private constructor(readonly values: Float64Array) {}

  /** Throws BAD_REQUEST for an empty class or a non-finite score: no rate exists then. */
  static from(scores: ArrayLike<number>, label: string): SortedScores {
    if (scores.length === 0) {
      throw new StationError('BAD_REQUEST', `No ${label} scores: at least one is needed.`);
    }
    const values = Float64Array.from(scores);
    for (const s of values) {
      if (!Number.isFinite(s)) {
        throw new StationError('BAD_REQUEST', `A ${label} score is not a finite number (${s}).`);
      }
    }
    values.sort();
    return new SortedScores(values);
  }

  get length(): number {
    return this.values.length;
  }

  get min(): number {
    return this.values[0]!;
  }

  get max(): number {
    return this.values[this.values.length - 1]!;
  }

  /** Number of scores strictly below `t` (rejected when `t` is the threshold). */
  countBelow(t: number): number {
    let lo = 0;
    let hi = this.values.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.values[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Number of scores >= `t` (accepted when `t` is the threshold). */
  countAtOrAbove(t: number): number {
    return this.values.length - this.countBelow(t);
  }

  /** The k-th highest score, k = 0 being the maximum. */
  kthHighest(k: number): number {
    return this.values[this.values.length - 1 - k]!;
  }
}

const scratch = new DataView(new ArrayBuffer(8));

/**
 * The smallest double strictly greater than `x`. A threshold just above an impostor score
 * rejects that impostor while accepting every genuine score above it, whatever its spacing
 * (a fixed epsilon like 1e-9 can land on, or skip over, real scores).
 */
export function nextUp(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x === 0) return Number.MIN_VALUE;
  scratch.setFloat64(0, x);
  const bits = scratch.getBigInt64(0);
  scratch.setBigInt64(0, x > 0 ? bits + 1n : bits - 1n);
  return scratch.getFloat64(0);
}
