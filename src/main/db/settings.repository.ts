import type { Db } from './connection';

/** Key -> JSON value store; validation of the values is the settings service's job. */
export class SettingsRepository {
  private readonly selectOne;
  private readonly upsert;

  constructor(db: Db) {
    this.selectOne = db.prepare<[string], { value: string }>(
      'SELECT value FROM settings WHERE key = ?',
    );
    this.upsert = db.prepare(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    );
  }

  get(key: string): unknown {
    const row = this.selectOne.get(key);
    return row ? (JSON.parse(row.value) as unknown) : undefined;
  }

  set(key: string, value: unknown): void {
    this.upsert.run(key, JSON.stringify(value));
  }
}
