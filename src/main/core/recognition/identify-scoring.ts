import { z } from 'zod';

/**
 * How a 1:N search becomes the one number the identify threshold is compared with.
 *
 * - `best`: the candidate's best template similarity (cosine), as the station always did.
 * - `cohort`: the same similarity minus how well the probe matches the gallery's other people
 *   (the mean of its `cohortSize` best other persons), plus `reference`, the typical value of
 *   that mean for this embedding space. A probe that resembles many enrolled people (a face
 *   the model crowds together with others) needs a higher raw similarity to pass; one that
 *   stands apart needs less. The enrolled gallery is the impostor cohort, so nothing is
 *   stored and the search the door already runs provides it.
 *
 * Measured in docs/BENCHMARKS.md ("Open-set scoring", bias report): on CelebA it is level with
 * the best similarity at FPIR <= 1 %; on UTKFace, when the gallery holds faces of a group, it
 * cuts the spread of false-match rates between groups from 17x to 2.1x at the same overall
 * rate, which is why it is the default. One-sided (below): a face unlike everyone enrolled gains
 * nothing, so a gallery lacking a group is judged almost as by the best similarity. The margin rule keeps comparing raw similarities: the cohort is the same for the
 * best person and the runner-up, so normalising both would not change their difference.
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
