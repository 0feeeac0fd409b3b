import type Database from 'better-sqlite3';
import { StationError } from '../../../shared/errors';
import { compactDatabase } from '../storage-maintenance';
import { migration0010 } from './0010-init';
import { migration0020 } from './0020-audit-chain';
import { migration0030 } from './0030-person-links';
import { migration0040 } from './0040-template-encryption';
import { migration0050 } from './0050-audit-review-indexes';
import { migration0060 } from './0060-audit-retention';
import { migration0070 } from './0070-audit-door';
import { migration0100 } from './0100-pad-live-scores';
import { migration0160 } from './0160-embedding-space';
import { migration0170 } from './0170-drop-photo-hash';
import { migration0180 } from './0180-audit-anchor';
import { migration0190 } from './0190-site-replica';
import { migration0220 } from './0220-people-profile';
import { migration0225 } from './0225-audit-replay';
import type { Migration, MigrationContext } from './migration.types';

export type { MigrationContext };

/** Ordered registry: append only, never edit a released migration. */
export const MIGRATIONS: readonly Migration[] = [
  migration0010,
  migration0020,
  migration0030,
  migration0040,
  migration0050,
  migration0060,
  migration0070,
  migration0100,
  migration0160,
  migration0170,
  migration0180,
  migration0190,
  migration0220,
  migration0225,
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/**
 * Applies pending migrations, each in its own transaction; refuses a database from a newer app.
 * `ctx` brings the keys some migrations need (composition/station-database.ts builds it).
 */
export function migrate(db: Database.Database, target: number, ctx: MigrationContext): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > LATEST_VERSION) {
    throw new StationError(
      'DB_TOO_NEW',
      `Database schema version ${current} is newer than this app supports (${LATEST_VERSION}). Update the app.`,
    );
  }
  let vacuum = false;
  for (const m of MIGRATIONS) {
    if (m.version <= current || m.version > target) continue;
    db.transaction(() => {
      m.up(db, ctx);
      db.pragma(`user_version = ${m.version}`);
    })();
    vacuum ||= m.vacuumAfter === true;
  }
  if (vacuum && !db.memory) compactDatabase(db);
  return db.pragma('user_version', { simple: true }) as number;
}
