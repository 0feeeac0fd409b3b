import type {
  TemplateEncryptionRecord,
  TemplateEncryptionStore,
} from '../core/ports/template-store';
import type { Db } from './sqlite';

export type { TemplateEncryptionRecord };

interface Row {
  format: string;
  key_id: string;
  check_value: string;
  created_at: string;
}

export class TemplateEncryptionRepository implements TemplateEncryptionStore {
  private readonly select;
  private readonly upsert;
  private readonly countAll;
  private readonly countOtherKeys;

  constructor(private readonly db: Db) {
    this.select = db.prepare<[], Row>(
      'SELECT format, key_id, check_value, created_at FROM template_encryption WHERE id = 1',
    );
    this.upsert = db.prepare(
      `INSERT INTO template_encryption (id, format, key_id, check_value, created_at)
       VALUES (1, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET format = excluded.format, key_id = excluded.key_id,
         check_value = excluded.check_value, created_at = excluded.created_at`,
    );
    this.countAll = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM templates');
    this.countOtherKeys = db.prepare<[string], { n: number }>(
      'SELECT COUNT(*) AS n FROM templates WHERE key_id IS NOT ? ',
    );
  }

  get(): TemplateEncryptionRecord | null {
    const r = this.select.get();
    return r
      ? { format: r.format, keyId: r.key_id, checkValue: r.check_value, createdAt: r.created_at }
      : null;
  }

  save(r: TemplateEncryptionRecord): void {
    this.upsert.run(r.format, r.keyId, r.checkValue, r.createdAt);
  }

  /** Every stored template, whatever its model: all of them depend on the key. */
  templateCount(): number {
    return this.countAll.get()?.n ?? 0;
  }

  /** Templates not sealed with this key (plaintext leftovers have key_id NULL). */
  countNotSealedWith(keyId: string): number {
    return this.countOtherKeys.get(keyId)?.n ?? 0;
  }

  /** Runs `fn` in a write transaction taken up front, so two first starts serialise. */
  exclusively<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }
}
