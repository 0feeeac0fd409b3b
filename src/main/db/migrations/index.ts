import type Database from 'better-sqlite3';
import { StationError } from '../../../shared/errors';
import { migration0010 } from './0010-init';
import type { Migration } from './migration.types';

/** Ordered registry: append only, never edit a released migration. */
export const MIGRATIONS: readonly Migration[] = [migration0010];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/** Applies pending migrations, each in its own transaction; refuses a database from a newer app. */
export function migrate(db: Database.Database, target: number = LATEST_VERSION): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > LATEST_VERSION) {
    throw new StationError(
      'DB_TOO_NEW',
      `Database schema version ${current} is newer than this app supports (${LATEST_VERSION}). Update the app.`,
    );
  }
  for (const m of MIGRATIONS) {
    if (m.version <= current || m.version > target) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return db.pragma('user_version', { simple: true }) as number;
}
