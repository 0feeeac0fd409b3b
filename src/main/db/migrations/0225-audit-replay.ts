import type { Migration } from './migration.types';

/**
 * Keeps replays apart from real door events: a VIRTUAL column over `details.source` (covered by the
 * MAC chain, never throws on malformed JSON), NULL for events at the station itself. The partial
 * index serves replay-only pages.
 */
export const migration0225: Migration = {
  version: 225,
  name: 'audit-replay',
  up(db) {
    db.exec(`
      ALTER TABLE audit_events ADD COLUMN replay TEXT GENERATED ALWAYS AS (
        CASE WHEN json_valid(details) THEN
          CASE WHEN json_type(details, '$.source') = 'text'
                AND substr(json_extract(details, '$.source'), 1, 6) = 'video:'
            THEN substr(json_extract(details, '$.source'), 7) END
        END
      ) VIRTUAL;
      CREATE INDEX audit_replay_at ON audit_events(replay, at) WHERE replay IS NOT NULL;
    `);
  },
};
