import type { PersonRef } from '../../../shared/domain';
import type { PersonMatch } from '../gallery/gallery.service';
import { BEST_SCORING, identifyScore, type IdentifyScoring } from '../recognition/identify-scoring';

export interface DuplicateMatch extends PersonRef {
  similarity: number;
}

/**
 * The enrolled person other than `self` whom this face matches at or above the identification
 * threshold, scored as the door scores: such a face must not become a second identity without an
 * explicit decision. Undefined when none.
 */
export function findDuplicate(
  matches: readonly PersonMatch[],
  self: string | null,
  identifyThreshold: number,
  nameOf: (personId: string) => string | undefined,
  scoring: IdentifyScoring = BEST_SCORING,
): DuplicateMatch | undefined {
  // Best first (Gallery.search), so the first other person is the strongest rival.
  const at = matches.findIndex((m) => m.personId !== self);
  const other = matches[at];
  if (!other) return undefined;
  const selfAt = matches.findIndex((m) => m.personId === self);
  const sims = matches.map((m) => m.similarity);
  const score = identifyScore(sims, at, scoring, selfAt < 0 ? [] : [selfAt]);
  if (score < identifyThreshold) return undefined;
  const name = nameOf(other.personId);
  if (name === undefined) return undefined;
  return { id: other.personId, name, similarity: other.similarity };
}
