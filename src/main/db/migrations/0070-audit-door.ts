import type { Migration } from './migration.types';

/**
 * Filter by door: a VIRTUAL column over `details.door`, which the MAC chain already covers, so
 * nothing is stored twice and no row is rewritten. The expression never throws on malformed JSON so
 * the verifier can still report such a row; partial indexes keep rows without a door free.
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
