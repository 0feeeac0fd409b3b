import type { PersonRef } from '../../../shared/domain';
import type { PersonMatch } from '../gallery/gallery.service';

export interface DuplicateMatch extends PersonRef {
  similarity: number;
}

/**
 * The enrolled person, other than `self`, whom this face matches at or above the 1:N
 * identification threshold: the threshold at which the door would let the face in as that
 * person. Such a face must not become a second identity (same person under a second name, or
 * a wrong name) without an explicit decision. Undefined when there is no such person.
 */
export function findDuplicate(
  matches: readonly PersonMatch[],
  self: string | null,
  identifyThreshold: number,
  nameOf: (personId: string) => string | undefined,
): DuplicateMatch | undefined {
  // Best first (Gallery.search), so the first other person is the strongest rival.
  const other = matches.find((m) => m.personId !== self);
  if (!other || other.similarity < identifyThreshold) return undefined;
  const name = nameOf(other.personId);
  if (name === undefined) return undefined;
  return { id: other.personId, name, similarity: other.similarity };
}
