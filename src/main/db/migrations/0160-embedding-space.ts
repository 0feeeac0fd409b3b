import type { Migration } from './migration.types';

/**
 * Every template records its embedding space (weights and how they were fed), since templates fed
 * differently are as incomparable as two models. Existing rows are backfilled with their model id,
 * which is the shipped model's space id.
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
