import type { Migration } from './migration.types';

/**
 * Indexes for the reviewer's filters. audit_at (time) and audit_subject (person) exist since
 * 0010; a filter on decision or kind alone had no index and walked the log until it had found
 * a page: for a rare decision on a 1M-row log that is the whole log. Both end in `at` (and,
 * implicitly, rowid), which is the review table's page order, so a page reads `limit` entries.
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
