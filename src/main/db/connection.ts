import Database from 'better-sqlite3';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { StationError } from '../../shared/errors';
import { electronSqliteBinding } from '../adapters/native-paths';
import { quickCheck } from './integrity-check';
import { LATEST_VERSION, migrate, type MigrationContext } from './migrations';

import type { Db } from './sqlite';

export type { Db };

export interface OpenConnectionOptions {
  /** What the migrations need (keys of the data folder; each loaded only if a migration asks). */
  migrations: (db: Db) => MigrationContext;
  /**
   * 'now' (default): SQLite's quick_check before anything else. 'background': the caller runs
   * it on a worker (BackgroundIntegrityCheck) and awaits it before deciding anything, so it is
   * skipped here, except when a migration is pending: never migrate an unchecked file.
   */
  integrityCheck?: 'now' | 'background';
}

/**
 * Opens (creating if needed) the station database and brings its schema up to date.
 * WAL + synchronous=FULL: a decision or enrolment that returned is on disk even if the
 * process is killed the next instant; the door log must not lose events.
 */
export function openConnection(file: string, opts: OpenConnectionOptions): Db {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // Created 0600 before SQLite opens it: SQLite gives the WAL, SHM and journal the database
  // file's mode, and would otherwise create all of them 0644 (umask 022).
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  let db: Db;
  try {
    const nativeBinding = electronSqliteBinding();
    db = new Database(file, nativeBinding ? { nativeBinding } : {});
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // Zero freed pages so erased templates do not linger in the file (privacy).
    db.pragma('secure_delete = ON');
  } catch (err) {
    throw new StationError('DB_CORRUPT', `Cannot open database ${file}: ${describe(err)}`, {
      cause: err,
    });
  }
  try {
    const pending = db.pragma('user_version', { simple: true }) !== LATEST_VERSION;
    if (opts.integrityCheck !== 'background' || pending) {
      const check = quickCheck(db);
      if (check !== 'ok') throw new Error(check.problem);
    }
    migrate(db, LATEST_VERSION, opts.migrations(db));
  } catch (err) {
    db.close();
    if (err instanceof StationError) throw err;
    throw new StationError('DB_CORRUPT', `Database ${file} is damaged: ${describe(err)}`, {
      cause: err,
    });
  }
  return db;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
