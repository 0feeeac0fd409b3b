import type { Migration } from './migration.types';

/**
 * Every template records the embedding space it was made in: the model's weights AND how they
 * were fed (input size, channel order, normalisation, output size; embedding-manifest.ts). Two
 * templates of the same weights fed differently are as incomparable as two models, and a site
 * may bring its own model, so `model_id` (the weights, bound into each template's encryption)
 * is not enough to keep spaces apart.
 *
 * Rows before this migration were all made by the station's one feeding of their model, whose
 * space id is the model id itself (embeddingSpaceOf keeps that id for the shipped model), so
 * they are backfilled with it. The DEFAULT only serves the ALTER: the repository always writes
 * the column. The index serves the gallery's per-space reads (labels, fingerprint, rebuild).
 */
export const migration0160: Migration = {
  version: 160,
  name: 'embedding-space',
  up(db) {
    db.exec(`
      ALTER TABLE templates ADD COLUMN embedding_space TEXT NOT NULL DEFAULT '';
      UPDATE templates SET embedding_space = model_id;
      CREATE INDEX templates_space ON templates(embedding_space, id);
    `);
  },
};
