import type Database from 'better-sqlite3';
import { dirname } from 'node:path';
import { StationError } from '../../../shared/errors';
import { dataPaths } from '../../core/util/data-dir';
import { loadOrCreateKey } from '../../core/util/key-file';
import { migration0010 } from './0010-init';
import { migration0020 } from './0020-audit-chain';
import { migration0030 } from './0030-person-links';
import type { Migration, MigrationContext } from './migration.types';

/** Ordered registry: append only, never edit a released migration. */
export const MIGRATIONS: readonly Migration[] = [migration0010, migration0020, migration0030];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/** Applies pending migrations, each in its own transaction; refuses a database from a newer app. */
export function migrate(
  db: Database.Database,
  target: number = LATEST_VERSION,
  ctx: MigrationContext = dataFolderContext(db),
): number {
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
      m.up(db, ctx);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Keys come from the data folder that holds the database file (dataPaths puts the database
 * at its top level), the same files the Station opens, so a migrated chain verifies later.
 */
export function dataFolderContext(db: Database.Database): MigrationContext {
  return {
    auditMacKey() {
      if (db.memory) throw new Error('an in-memory database has no data folder for its keys');
      return loadOrCreateKey(dataPaths(dirname(db.name)).auditMacKey);
    },
  };
}
