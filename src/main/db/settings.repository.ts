import type { Db } from './connection';

/** Key -> JSON value store; validation of the values is the settings service's job. */
export class SettingsRepository {
  private readonly selectOne;
  private readonly upsert;
  private readonly dataVersionStmt;

  constructor(db: Db) {
    this.selectOne = db.prepare<[string], { value: string }>(
      'SELECT value FROM settings WHERE key = ?',
    );
    this.upsert = db.prepare(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    );
    this.dataVersionStmt = db.prepare<[], number>('PRAGMA data_version').pluck();
  }

  /**
   * SQLite's data_version: it changes whenever another connection (another process: the CLI,
   * a second station) committed to the database, and costs a few microseconds, so a cache of
   * settings can check it on every read. This connection's own writes do not change it.
   */
  dataVersion(): number {
    return this.dataVersionStmt.get() ?? 0;
  }

  get(key: string): unknown {
    const row = this.selectOne.get(key);
    return row ? (JSON.parse(row.value) as unknown) : undefined;
  }

  set(key: string, value: unknown): void {
    this.upsert.run(key, JSON.stringify(value));
  }
}
