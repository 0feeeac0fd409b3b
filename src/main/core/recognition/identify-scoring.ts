import { z } from 'zod';

/**
 * How a 1:N search becomes the one number the identify threshold is compared with.
 *
 * - `best`: the candidate's best template similarity (cosine).
 * - `cohort`: that similarity minus the mean of the probe's `cohortSize` best other enrolled
 *   people, plus `reference` (that mean's typical value): a face the model crowds together with
 *   others needs more to pass. The door's own search provides the cohort, so nothing is stored.
 *
 * Cohort is the default because it cuts the spread of false-match rates between demographic
 * groups when the gallery holds them (docs/BENCHMARKS.md, "Bias report"). It is one-sided, so a
 * face unlike everyone enrolled gains nothing. The margin rule compares raw similarities: the
 * cohort is the same for the best person and the runner-up.
 */
export const identifyScoringSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('best') }).strict(),
  z
    .object({
      kind: z.literal('cohort'),
      cohortSize: z.number().int().min(1).max(100),
      reference: z.number().finite().min(-1).max(1),
    })
    .strict(),
]);

export type IdentifyScoring = z.infer<typeof identifyScoringSchema>;

export const BEST_SCORING: IdentifyScoring = { kind: 'best' };

/** Stable text form for audit rows and messages, e.g. 'cohort(10, ref 0.21)'. */
export function describeScoring(s: IdentifyScoring): string {
  return s.kind === 'best' ? 'best' : `cohort(${s.cohortSize}, ref ${s.reference})`;
}

/**
 * The identify score of `similarities[candidate]`, where `similarities` holds one best
 * similarity per gallery person, best first (Gallery.search order). `exclude` lists other
 * positions kept out of the cohort (the person being re-enrolled, who is no impostor).
 * A gallery with fewer than `cohortSize` other people fills the missing places with the
 * reference, so a small gallery scores like `best` instead of jumping at some size.
 */
export function identifyScore(
  similarities: ArrayLike<number>,
  candidate: number,
  scoring: IdentifyScoring,
  exclude: readonly number[] = [],
): number {
  const own = similarities[candidate] ?? -1;
  if (scoring.kind === 'best') return own;
  let sum = 0;
  let taken = 0;
  for (let i = 0; i < similarities.length && taken < scoring.cohortSize; i++) {
    if (i === candidate || exclude.includes(i)) continue;
    sum += similarities[i]!;
    taken++;
  }
  sum += (scoring.cohortSize - taken) * scoring.reference;
  // One-sided: a crowded cohort lowers the score, a sparse one never raises it. A face unlike
  // everyone enrolled (a child at a door of adults) must not gain from that.
  return own - Math.max(0, sum / scoring.cohortSize - scoring.reference);
}

/** Gallery people a search must return for `identifyScore` to see the full cohort. */
export function peopleNeeded(scoring: IdentifyScoring): number {
  // +1 for the candidate, +1 for a person excluded from the cohort (duplicate check).
  return scoring.kind === 'best' ? 2 : scoring.cohortSize + 2;
}
