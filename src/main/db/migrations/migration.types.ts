import type Database from 'better-sqlite3';

/** What a migration may need beyond the database itself (loaded lazily, only if used). */
export interface MigrationContext {
  /** The audit MAC key of this data folder (0020 chains audit rows that predate it). */
  auditMacKey(): Buffer;
  /** The template key (loaded, or created when none exists yet; 0040 seals plaintext rows). */
  templateKey(): Buffer;
  /** Where the audit anchor file lives (0180); null for a database with no data folder. */
  auditAnchorFile(): string | null;
}

export interface Migration {
  /** Strictly increasing; the file is named after it (0010-init.ts). */
  version: number;
  name: string;
  /**
   * VACUUM and truncate the WAL once all migrations committed (outside their transactions):
   * for migrations that rewrite sensitive bytes, whose old copies would otherwise survive.
   */
  vacuumAfter?: boolean;
  up(db: Database.Database, ctx: MigrationContext): void;
}
