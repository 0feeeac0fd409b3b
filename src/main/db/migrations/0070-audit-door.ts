import type { Migration } from './migration.types';

/**
 * The reviewer's filter by door. Rows about a door (its decisions, lock commands, settings
 * changes) carry the door's id inside `details` (AuditRecorder.recordAt / door-identity.ts), so
 * the MAC chain ('audit-row-v1' covers `details`) already protects it and the row encoding did
 * not have to change. `door` is a VIRTUAL generated column over that JSON: nothing is stored
 * twice, older rows simply read NULL, and no row is rewritten (audit_events refuses UPDATE).
 *
 * The expression never throws: json_extract on a malformed `details` (a hand-edited file) would
 * otherwise fail every read and index update of that row, and the verifier must still be able
 * to report it. CASE evaluates lazily in SQLite, so json_type only sees valid JSON; a door that
 * is not a string (no writer of ours produces one) reads NULL.
 *
 * The indexes are partial (door IS NOT NULL): enrolments, logins and pre-0070 rows cost nothing,
 * and SQLite uses a partial index for `door = ?`, which implies it. (door, at) serves door and
 * door + time pages; (door, decision, at) serves door + decision, in the page order (at, rowid).
 */
export const migration0070: Migration = {
  version: 70,
  name: 'audit-door',
  up(db) {
    db.exec(`
      ALTER TABLE audit_events ADD COLUMN door TEXT GENERATED ALWAYS AS (
        CASE WHEN json_valid(details) THEN
          CASE WHEN json_type(details, '$.door') = 'text' THEN json_extract(details, '$.door') END
        END
      ) VIRTUAL;
      CREATE INDEX audit_door_at ON audit_events(door, at) WHERE door IS NOT NULL;
      CREATE INDEX audit_door_decision_at ON audit_events(door, decision, at)
        WHERE door IS NOT NULL;
    `);
  },
};
