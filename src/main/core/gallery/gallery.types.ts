import type { ModelCount, TamperedTemplate } from '../ports/template-store';
import type { VectorIndexFactory, VectorIndexStats } from './vector-index';

export interface PersonMatch {
  personId: string;
  similarity: number;
}

export interface GalleryOpenReport {
  templates: number;
  /** Why the index was rebuilt from the database, or null when the saved file was reused. */
  rebuiltBecause: string | null;
  /**
   * Templates of other embedding models, left out of the index: their vectors live in another
   * space, and comparing across models gives meaningless similarities. Re-enrol those people
   * with the current model (or erase them); empty when every template fits.
   */
  excludedOtherModels: ModelCount[];
  /**
   * Templates that failed their integrity check (blob modified, moved, or its person changed
   * in the file): while any is known, recognition answers TEMPLATE_TAMPERED for everyone.
   */
  tampered: TamperedTemplate[];
}

/**
 * Which index to build for a gallery of `templates` vectors: the size policy
 * (index-policy.ts chooseIndexKind) or an admin's explicit choice. `current` is the factory
 * kind string of the index in use or saved (null if none), for the policy's step-down margin.
 * Asked at every load, rebuild and enrolment; a change of answer is a rebuild from the database.
 */
export type IndexFactoryChooser = (templates: number, current: string | null) => VectorIndexFactory;

export interface GalleryIndexStats {
  /** Templates of the gallery's model in the database. */
  templates: number;
  index: VectorIndexStats;
}
