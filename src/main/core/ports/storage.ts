/** Key -> JSON value store; validation is the settings services' job (db/settings.repository.ts). */
export interface SettingsStore {
  /** Changes whenever another connection committed (a settings cache checks it on every read). */
  dataVersion(): number;
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

/** Runs several store writes as one: all of them land, or none (SQLite transactions). */
export interface UnitOfWork {
  /** A transaction (nested calls become savepoints). */
  transaction<T>(fn: () => T): T;
  /** A write transaction taken up front (BEGIN IMMEDIATE): one writer across processes. */
  immediate<T>(fn: () => T): T;
}

export interface CompactReport {
  /** The WAL was fully copied into the database file and truncated to zero bytes. */
  walTruncated: boolean;
}

/** Rewrites the database file without free pages and empties the WAL (privacy after erasure). */
export type CompactStorage = () => CompactReport;

/** Triggers that differ from the ones this app's migrations create. */
export interface TriggerFindings {
  missing: string[];
  altered: string[];
  unexpected: string[];
}

/** The database's append-only guards (db/schema-guards.ts): checked and restored at start. */
export interface TriggerGuard {
  check(): TriggerFindings;
  restore(f: TriggerFindings): void;
}
