import type Database from 'better-sqlite3';
import { StationError } from '../../../shared/errors';
import type { Migration, TemplateSealer } from './migration.types';

const BATCH = 1000;

interface PlainRow {
  id: number;
  person_id: string;
  model_id: string;
  dim: number;
  vector: Buffer;
}

/**
 * Templates encrypted at rest (core/crypto/template-cipher.ts); the key check value tells a wrong
 * key from tampering. Existing rows are sealed in one transaction so a crash leaves all plaintext
 * or all sealed, and vacuumAfter keeps plaintext out of free pages and the WAL.
 */
export const migration0040: Migration = {
  version: 40,
  name: 'template-encryption',
  vacuumAfter: true,
  up(db, ctx) {
    db.exec(`
      CREATE TABLE template_encryption (
        id           INTEGER PRIMARY KEY CHECK (id = 1),
        format       TEXT NOT NULL,
        key_id       TEXT NOT NULL,
        check_value  TEXT NOT NULL,
        created_at   TEXT NOT NULL
      );
      ALTER TABLE templates ADD COLUMN key_id TEXT;
      -- Covers the start-up queries (labels, fingerprint, other models, key check) so they
      -- never read the 2 KB template rows themselves.
      CREATE INDEX templates_model ON templates(model_id, id, person_id, key_id);
    `);
    const hasRows = db.prepare('SELECT 1 FROM templates LIMIT 1').get() !== undefined;
    if (!hasRows) return;
    const cipher = ctx.templateSealer();
    db.prepare(
      `INSERT INTO template_encryption (id, format, key_id, check_value, created_at)
       VALUES (1, ?, ?, ?, ?)`,
    ).run(cipher.format, cipher.keyId, cipher.checkValue, new Date().toISOString());
    sealExistingRows(db, cipher);
  },
};

/** Seals rows in id order, in batches (an iterator cannot run while this connection updates). */
function sealExistingRows(db: Database.Database, cipher: TemplateSealer): void {
  const page = db.prepare<[number, number], PlainRow>(
    `SELECT id, person_id, model_id, dim, vector FROM templates
     WHERE id > ? AND key_id IS NULL ORDER BY id LIMIT ?`,
  );
  const update = db.prepare('UPDATE templates SET vector = ?, key_id = ? WHERE id = ?');
  let lastId = 0;
  for (;;) {
    const batch = page.all(lastId, BATCH);
    if (batch.length === 0) break;
    for (const row of batch) {
      if (row.vector.length !== row.dim * 4) {
        throw new StationError(
          'DB_CORRUPT',
          `template ${row.id} has ${row.vector.length} bytes, expected ${row.dim * 4} (dim ${row.dim})`,
        );
      }
      const vector = new Float32Array(row.dim);
      new Uint8Array(vector.buffer).set(row.vector);
      const sealed = cipher.sealTemplate(vector, {
        templateId: row.id,
        personId: row.person_id,
        modelId: row.model_id,
        dim: row.dim,
      });
      vector.fill(0);
      update.run(sealed, cipher.keyId, row.id);
      lastId = row.id;
    }
  }
}
