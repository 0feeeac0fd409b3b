import type { SettingsStore } from '../core/ports/storage';
import type { Db } from './sqlite';

/**
 * What `get` returns for a stored value that is not JSON (a damaged or hand-edited row): an
 * object no schema accepts, so each setting falls back to its default and a passphrase record
 * reads as unreadable (the role stays protected), rather than the damage throwing from every
 * request or reading as "no value" (which would open a role).
 */
export const UNREADABLE_SETTING: Readonly<{ unreadable: true }> = Object.freeze({
  unreadable: true,
});

/** Key -> JSON value store; validation of the values is the settings service's job. */
export class SettingsRepository implements SettingsStore {
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
    if (!row) return undefined;
    try {
      return JSON.parse(row.value) as unknown;
    } catch {
      return UNREADABLE_SETTING;
    }
  }

  set(key: string, value: unknown): void {
    this.upsert.run(key, JSON.stringify(value));
  }
}
