import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync } from 'node:fs';

/**
 * A database file opened directly with better-sqlite3 (a migration test building an older
 * schema), created 0600 as the station creates its own: the station refuses to start on a
 * database other users can read, and SQLite alone would create it 0644.
 */
export function rawDatabase(file: string): Database.Database {
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  return new Database(file);
}
