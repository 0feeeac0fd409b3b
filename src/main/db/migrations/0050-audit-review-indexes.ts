import type { Migration } from './migration.types';

/**
 * Indexes for filters on decision or kind, which otherwise walk the log to fill a page. Both end in
 * `at` (then rowid), the review page order, so a page reads `limit` entries.
 */
export const migration0050: Migration = {
  version: 50,
  name: 'audit-review-indexes',
  up(db) {
    db.exec(`
      CREATE INDEX IF NOT EXISTS audit_decision_at ON audit_events(decision, at);
      CREATE INDEX IF NOT EXISTS audit_kind_at ON audit_events(kind, at);
    `);
  },
};
