import type { Db } from './connection';

export interface NewTemplate {
  personId: string;
  modelId: string;
  vector: Float32Array;
  imageSha256: string;
  interEyePx: number;
  createdAt: string;
}

export interface StoredTemplate {
  id: number;
  personId: string;
  vector: Float32Array;
}

interface TemplateRow {
  id: number;
  person_id: string;
  dim: number;
  vector: Buffer;
}

/** Face templates (embeddings). The database is the source of truth; the FAISS file is a cache. */
export class TemplatesRepository {
  private readonly insert;
  private readonly selectForModel;
  private readonly selectFingerprint;
  private readonly selectImageHash;
  private readonly selectForPerson;
  private readonly deleteForPersonStmt;

  constructor(private readonly db: Db) {
    this.insert = db.prepare(
      `INSERT INTO templates (person_id, model_id, dim, vector, image_sha256, inter_eye_px, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.selectForModel = db.prepare<[string], TemplateRow>(
      'SELECT id, person_id, dim, vector FROM templates WHERE model_id = ? ORDER BY id',
    );
    this.selectFingerprint = db.prepare<
      [string],
      { n: number; max_id: number | null; sum_id: number | null }
    >(
      'SELECT COUNT(*) AS n, MAX(id) AS max_id, SUM(id) AS sum_id FROM templates WHERE model_id = ?',
    );
    this.selectImageHash = db.prepare<[string, string], { id: number }>(
      'SELECT id FROM templates WHERE person_id = ? AND image_sha256 = ?',
    );
    this.selectForPerson = db.prepare<[string], TemplateRow>(
      'SELECT id, person_id, dim, vector FROM templates WHERE person_id = ? ORDER BY id',
    );
    this.deleteForPersonStmt = db.prepare('DELETE FROM templates WHERE person_id = ?');
  }

  add(t: NewTemplate): number {
    const blob = Buffer.from(t.vector.buffer, t.vector.byteOffset, t.vector.byteLength);
    const info = this.insert.run(
      t.personId,
      t.modelId,
      t.vector.length,
      blob,
      t.imageSha256,
      t.interEyePx,
      t.createdAt,
    );
    return Number(info.lastInsertRowid);
  }

  /** All templates of one embedding model, in id order (the order the index is built in). */
  allForModel(modelId: string): StoredTemplate[] {
    return this.selectForModel.all(modelId).map((row) => ({
      id: row.id,
      personId: row.person_id,
      vector: decodeVector(row.vector, row.dim),
    }));
  }

  /** One person's templates of every model (erasure reads them to verify they are gone). */
  forPerson(personId: string): StoredTemplate[] {
    return this.selectForPerson.all(personId).map((row) => ({
      id: row.id,
      personId: row.person_id,
      vector: decodeVector(row.vector, row.dim),
    }));
  }

  /** Deletes one person's templates; returns how many rows went. */
  deleteForPerson(personId: string): number {
    return this.deleteForPersonStmt.run(personId).changes;
  }

  /** Cheap identity of the template set, used to tell whether the index file is stale. */
  fingerprint(modelId: string): string {
    const f = this.selectFingerprint.get(modelId);
    return `${modelId}:${f?.n ?? 0}:${f?.max_id ?? 0}:${f?.sum_id ?? 0}`;
  }

  /**
   * SQLite's data_version: changes whenever ANOTHER connection (e.g. the CLI enrolling while
   * the terminal runs) commits to the file. Cheap enough to ask before every search.
   */
  dataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  hasImage(personId: string, imageSha256: string): boolean {
    return this.selectImageHash.get(personId, imageSha256) !== undefined;
  }
}

function decodeVector(blob: Buffer, dim: number): Float32Array {
  if (blob.byteLength !== dim * 4)
    throw new Error(`template blob has ${blob.byteLength} bytes, expected ${dim * 4}`);
  // Copy: the Buffer may not be 4-byte aligned.
  const out = new Float32Array(dim);
  new Uint8Array(out.buffer).set(blob);
  return out;
}
