import type { Migration } from './migration.types';

/**
 * Replays kept apart from real door events. `station access VIDEO` runs a recording through
 * the whole door decision and audits it with `details.source = 'video:<file>'` (and, from now
 * on, its simulated lock commands too). `replay` is a VIRTUAL generated column over that JSON,
 * like `door` (0070): nothing is stored twice, no row is rewritten (the MAC chain covers
 * `details`), and the expression never throws on a malformed `details`. It holds the file
 * name of the recording, NULL for everything that happened at the station itself.
 *
 * The partial index serves "replays only" pages in the page order (at, rowid); "station
 * events only" is the rest, read through whichever index the other filters choose.
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
