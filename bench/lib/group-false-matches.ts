/**
 * Per-group false matches as the door makes them: a stranger's face (the probe) against an
 * enrolled face of the same demographic group, scored with the station's identify scoring
 * (identify-scoring.ts) against a gallery that stands in for the site's enrolled people (the
 * cohort). Every unordered within-group pair of the UTKFace subset is one impostor attempt
 * (probe: the file that sorts first), so each group has ~1,800-3,200 pairs instead of the
 * 100 of impostor_pairs_within_group.csv; per-group FMR, intervals and ratios come from the
 * station's own groupMetrics.
 */
import {
  identifyScore,
  type IdentifyScoring,
} from '../../src/main/core/recognition/identify-scoring';
import {
  groupMetrics,
  type GroupReport,
  type GroupedPair,
} from '../../src/main/core/calibration/group-metrics';

export interface GroupedFace {
  file: string;
  group: string;
  vector: Float32Array;
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * The probe's similarities to the cohort, best first. `cohort` null: the other faces of
 * `faces` themselves (a balanced population); else that separate set.
 */
function cohortSimilarities(
  probe: number,
  faces: readonly GroupedFace[],
  cohort: readonly Float32Array[] | null,
): { sims: number[]; ids: number[] } {
  const source = cohort ?? faces.map((f) => f.vector);
  const pairs = source
    .map((v, i) => [cohort === null && i === probe ? -Infinity : dot(faces[probe]!.vector, v), i])
    .filter(([s]) => s !== -Infinity)
    .sort((a, b) => b[0]! - a[0]!)
    .slice(0, 64);
  return { sims: pairs.map(([s]) => s!), ids: pairs.map(([, i]) => i!) };
}

/** Scored within-group impostor pairs under `scoring`. */
export function scoredGroupPairs(
  faces: readonly GroupedFace[],
  scoring: IdentifyScoring,
  cohort: readonly Float32Array[] | null,
): GroupedPair[] {
  const order = [...faces.keys()].sort((a, b) => faces[a]!.file.localeCompare(faces[b]!.file));
  const rank = new Map(order.map((f, r) => [f, r]));
  const tops = faces.map((_, i) => cohortSimilarities(i, faces, cohort));
  const out: GroupedPair[] = [];
  for (let a = 0; a < faces.length; a++) {
    for (let b = 0; b < faces.length; b++) {
      if (a === b || faces[a]!.group !== faces[b]!.group || rank.get(a)! > rank.get(b)!) continue;
      const s = dot(faces[a]!.vector, faces[b]!.vector);
      // The enrolled face is the candidate; the probe's cohort is the gallery without it.
      const top = tops[a]!;
      const others = top.sims.filter((_, k) => cohort !== null || top.ids[k] !== b);
      const score = identifyScore([s, ...others], 0, scoring);
      out.push({ score, same: false, groups: [faces[a]!.group] });
    }
  }
  return out;
}

/** Per-group FMR at `threshold`. */
export function groupFalseMatches(pairs: readonly GroupedPair[], threshold: number): GroupReport {
  return groupMetrics(pairs, threshold);
}

/** The threshold at which the pooled FMR of `pairs` is at most `fmr` (for equal-rate comparisons). */
export function thresholdForPooledFmr(pairs: readonly GroupedPair[], fmr: number): number {
  const scores = pairs.map((p) => p.score).sort((a, b) => b - a);
  const allowed = Math.floor(fmr * scores.length);
  return (scores[allowed] ?? -1) + 1e-9;
}
