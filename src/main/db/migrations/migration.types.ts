import type Database from 'better-sqlite3';

/** What a migration may need beyond the database itself (loaded lazily, only if used). */
export interface MigrationContext {
  /** The audit MAC key of this data folder (0020 chains audit rows that predate it). */
  auditMacKey(): Buffer;
}

export interface Migration {
  /** Strictly increasing; the file is named after it (0010-init.ts). */
  version: number;
  name: string;
  up(db: Database.Database, ctx: MigrationContext): void;
}
