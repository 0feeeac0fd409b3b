import type Database from 'better-sqlite3';

/** The station's SQLite connection; its own module so the db files share it without a cycle. */
export type Db = Database.Database;
