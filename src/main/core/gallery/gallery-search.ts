import type { CandidateMatch } from './gallery-integrity';
import type { VectorIndex } from './vector-index';

/** How many neighbours to fetch per query: enough to find the runner-up person. */
export const SEARCH_K = 32;
/** Deepest search for a full cohort: past this, missing cohort places take the reference. */
const MAX_SEARCH_K = 2048;

/**
 * Best similarity per person among the index's nearest templates, best first. The search goes
 * four times deeper each round until `minPeople` people are found (a few people with many
 * templates each can fill `k` neighbours), the whole index was seen, or MAX_SEARCH_K.
 * Erased labels (no person) are skipped.
 */
export function bestPerPerson(
  index: VectorIndex,
  labelToPerson: readonly (string | undefined)[],
  labelToTemplate: readonly number[],
  want: { query: Float32Array; k: number; minPeople: number },
): CandidateMatch[] {
  for (let depth = Math.max(1, want.k); ; depth *= 4) {
    const found = nearestPeople(index, labelToPerson, labelToTemplate, want.query, depth);
    if (found.length >= want.minPeople || depth >= index.live || depth >= MAX_SEARCH_K)
      return found;
  }
}

function nearestPeople(
  index: VectorIndex,
  labelToPerson: readonly (string | undefined)[],
  labelToTemplate: readonly number[],
  query: Float32Array,
  k: number,
): CandidateMatch[] {
  const { labels, scores } = index.search(query, k);
  const best = new Map<string, CandidateMatch>();
  labels.forEach((label, i) => {
    const personId = labelToPerson[label];
    const score = scores[i];
    const templateId = labelToTemplate[label];
    if (personId === undefined || score === undefined || templateId === undefined) return;
    const seen = best.get(personId);
    if (!seen || seen.similarity < score)
      best.set(personId, { personId, similarity: score, templateId });
  });
  return [...best.values()].sort((a, b) => b.similarity - a.similarity);
}
