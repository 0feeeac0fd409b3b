import type { Migration } from './migration.types';

const APPEND_ONLY = 'audit_events is append-only (old rows leave only through the retention purge)';

/**
 * Retention purge guards: rows can be deleted only while the purge has armed audit_purge_guard in
 * its own transaction, and only up to a checkpoint that only the purge can add and only forward, so
 * a stray INSERT plus DELETE in our code cannot remove history. Direct file edits are the MACs'
 * job.
 */
export const migration0060: Migration = {
  version: 60,
  name: 'audit-retention',
  up(db) {
    db.exec(`
      CREATE TABLE audit_purge_guard (
        id     INTEGER PRIMARY KEY CHECK (id = 1),
        armed  INTEGER NOT NULL CHECK (armed IN (0, 1))
      );
      INSERT INTO audit_purge_guard (id, armed) VALUES (1, 0);
      CREATE TRIGGER audit_purge_guard_no_delete BEFORE DELETE ON audit_purge_guard
      BEGIN SELECT RAISE(ABORT, 'audit_purge_guard cannot be deleted'); END;

      DROP TRIGGER audit_events_no_delete;
      CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
      WHEN OLD.id > (SELECT coalesce(max(boundary_id), 0) FROM audit_checkpoints)
        OR (SELECT armed FROM audit_purge_guard WHERE id = 1) IS NOT 1
      BEGIN SELECT RAISE(ABORT, '${APPEND_ONLY}'); END;

      CREATE TRIGGER audit_checkpoints_guard BEFORE INSERT ON audit_checkpoints
      WHEN (SELECT armed FROM audit_purge_guard WHERE id = 1) IS NOT 1
        OR NEW.boundary_id <= (SELECT coalesce(max(boundary_id), 0) FROM audit_checkpoints)
        OR NEW.boundary_id > coalesce((SELECT last_id FROM audit_head WHERE id = 1), 0)
      BEGIN SELECT RAISE(ABORT, 'audit checkpoints are written only by the retention purge, forward only'); END;
      CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
      BEGIN SELECT RAISE(ABORT, 'audit checkpoints cannot be changed'); END;
      CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
      BEGIN SELECT RAISE(ABORT, 'audit checkpoints cannot be deleted'); END;
    `);
  },
};
