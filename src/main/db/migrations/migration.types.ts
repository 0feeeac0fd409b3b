import type Database from 'better-sqlite3';

export interface Migration {
  /** Strictly increasing; the file is named after it (0010-init.ts). */
  version: number;
  name: string;
  up(db: Database.Database): void;
}
