import { StationError } from '../../shared/errors';
import type {
  ModelCount,
  NewTemplate,
  OpenedTemplates,
  SealedTemplate,
  StoredTemplate,
  TamperedTemplate,
  TemplateLabel,
  TemplateSealing,
  TemplateStore,
} from '../core/ports/template-store';
import type { Db } from './sqlite';

export type {
  ModelCount,
  NewTemplate,
  OpenedTemplates,
  SealedTemplate,
  StoredTemplate,
  TamperedTemplate,
  TemplateLabel,
};

interface TemplateRow {
  id: number;
  person_id: string;
  model_id: string;
  embedding_space: string;
  dim: number;
  /** A Buffer unless someone stored something else in the BLOB column (SQLite allows it). */
  vector: Buffer | string | number | null;
  key_id: string | null;
}

/** A row's vector as the sealed blob it must be (TEMPLATE_TAMPERED when it is not one). */
function sealedBytes(row: TemplateRow): Buffer {
  if (Buffer.isBuffer(row.vector)) return row.vector;
  const stored =
    row.vector === null ? 'NULL' : typeof row.vector === 'string' ? 'text' : 'a number';
  throw new StationError(
    'TEMPLATE_TAMPERED',
    `template ${row.id}: its vector is stored as ${stored}, not as a sealed blob`,
  );
}

const COLUMNS = 'id, person_id, model_id, embedding_space, dim, vector, key_id';

/**
 * Face templates (embeddings). The database is the source of truth; the FAISS file is a cache.
 * Vectors are stored sealed (AES-256-GCM, bound to their row's id, person and model): this
 * repository is the only place that seals and opens them, so no plaintext vector is written
 * to the database file or its WAL.
 */
export class TemplatesRepository implements TemplateStore {
  private readonly insert;
  private readonly setSealed;
  private readonly nextId;
  private readonly insertWithId;
  private readonly selectForModel;
  private readonly selectLabels;
  private readonly selectFingerprint;
  private readonly selectForPerson;
  private readonly selectById;
  private readonly selectOtherModels;
  private readonly deleteForPersonStmt;
  private readonly selectOutsideSpace;

  constructor(
    private readonly db: Db,
    private readonly cipher: TemplateSealing,
  ) {
    // Inserted with an empty blob, then sealed once the row id (part of the AAD) is known.
    this.insert = db.prepare(
      `INSERT INTO templates (person_id, model_id, embedding_space, dim, vector, inter_eye_px,
         created_at)
       VALUES (?, ?, ?, ?, zeroblob(0), ?, ?)`,
    );
    this.setSealed = db.prepare('UPDATE templates SET vector = ?, key_id = ? WHERE id = ?');
    // AUTOINCREMENT's own counter: ids are never reused, even after the newest row was deleted.
    this.nextId = db.prepare<[], { next: number }>(
      `SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'templates'), 0),
                  coalesce((SELECT max(id) FROM templates), 0)) + 1 AS next`,
    );
    this.insertWithId = db.prepare(
      `INSERT INTO templates (id, person_id, model_id, embedding_space, dim, vector, key_id,
         inter_eye_px, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.selectForModel = db.prepare<[string], TemplateRow>(
      `SELECT ${COLUMNS} FROM templates WHERE embedding_space = ? ORDER BY id`,
    );
    // Aliased to TemplateLabel's own names: 100k rows at start, not copied into new objects.
    this.selectLabels = db.prepare<[string, number], TemplateLabel>(
      `SELECT id, person_id AS personId FROM templates WHERE embedding_space = ? AND id > ?
       ORDER BY id`,
    );
    this.selectFingerprint = db.prepare<
      [string],
      { n: number; max_id: number | null; sum_id: number | null }
    >(
      `SELECT COUNT(*) AS n, MAX(id) AS max_id, SUM(id) AS sum_id FROM templates
       WHERE embedding_space = ?`,
    );
    this.selectForPerson = db.prepare<[string], TemplateRow>(
      `SELECT ${COLUMNS} FROM templates WHERE person_id = ? ORDER BY id`,
    );
    this.selectById = db.prepare<[number], TemplateRow>(
      `SELECT ${COLUMNS} FROM templates WHERE id = ?`,
    );
    this.selectOtherModels = db.prepare<[string], { model_id: string; n: number }>(
      `SELECT embedding_space AS model_id, COUNT(*) AS n FROM templates
       WHERE embedding_space <> ? GROUP BY embedding_space ORDER BY embedding_space`,
    );
    this.deleteForPersonStmt = db.prepare('DELETE FROM templates WHERE person_id = ?');
    this.selectOutsideSpace = db.prepare<[string], { person_id: string }>(
      `SELECT person_id FROM templates GROUP BY person_id
       HAVING SUM(embedding_space = ?) = 0 ORDER BY person_id`,
    );
  }

  add(t: NewTemplate): number {
    return this.db.transaction(() => this.insertSealed(t))();
  }

  /**
   * Several templates in one transaction (a site pull adds thousands per page: one savepoint
   * per template cost more than the inserts). Returns their ids, in order.
   */
  addMany(ts: readonly NewTemplate[]): number[] {
    return this.db.transaction(() => {
      // The ids are taken up front (inside the transaction nobody else can), so each row is
      // written once, sealed, instead of inserted empty and then updated.
      let id = this.nextId.get()?.next ?? 1;
      return ts.map((t) => {
        const at = {
          templateId: id,
          personId: t.personId,
          modelId: t.modelId,
          dim: t.vector.length,
        };
        const sealed = this.cipher.sealTemplate(t.vector, at);
        this.insertWithId.run(
          id,
          t.personId,
          t.modelId,
          t.embeddingSpace ?? t.modelId,
          t.vector.length,
          sealed,
          this.cipher.keyId,
          t.interEyePx,
          t.createdAt,
        );
        return id++;
      });
    })();
  }

  private insertSealed(t: NewTemplate): number {
    const info = this.insert.run(
      t.personId,
      t.modelId,
      t.embeddingSpace ?? t.modelId,
      t.vector.length,
      t.interEyePx,
      t.createdAt,
    );
    const id = Number(info.lastInsertRowid);
    const sealed = this.cipher.sealTemplate(t.vector, {
      templateId: id,
      personId: t.personId,
      modelId: t.modelId,
      dim: t.vector.length,
    });
    this.setSealed.run(sealed, this.cipher.keyId, id);
    return id;
  }

  /**
   * All templates of one embedding space (the model id for the shipped model: templates of
   * other spaces are never compared with them), in id order (the order the index is built in).
   * The *ForModel names predate spaces; every method here takes the space.
   */
  allForModel(modelId: string): StoredTemplate[] {
    return this.selectForModel.all(modelId).map((row) => this.open(row));
  }

  /**
   * Every template of one embedding space, opened one by one: a row that fails its integrity check is
   * reported instead of stopping the others, so a rebuild can name every tampered row at once.
   */
  openAllForModel(modelId: string): OpenedTemplates {
    const out: OpenedTemplates = { rows: [], tampered: [] };
    for (const row of this.selectForModel.iterate(modelId)) {
      try {
        out.rows.push(this.open(row));
      } catch (err) {
        if (!(err instanceof StationError) || err.code !== 'TEMPLATE_TAMPERED') throw err;
        out.tampered.push({ templateId: row.id, personId: row.person_id, reason: err.message });
      }
    }
    return out;
  }

  /**
   * Template `id` as the database holds it now, opened only if the row still belongs to
   * `expected` (the person and embedding space the sealed index recorded for it): its sealed
   * blob is bound to its row's id, person and model, so this proves the stored vector is that
   * person's. Null when the row is gone; `{ tampered }` when it no longer matches.
   */
  openBound(
    id: number,
    expected: { personId: string; space: string },
  ): { vector: Float32Array } | { tampered: TamperedTemplate } | null {
    const row = this.selectById.get(id);
    if (!row) return null;
    const tampered = (reason: string) => ({
      tampered: { templateId: id, personId: row.person_id, reason },
    });
    if (row.person_id !== expected.personId || row.embedding_space !== expected.space)
      return tampered(
        `template ${id} belongs to another person or model in the database than in the sealed index`,
      );
    try {
      return { vector: this.open(row).vector };
    } catch (err) {
      if (err instanceof StationError && err.code === 'TEMPLATE_TAMPERED')
        return tampered(err.message);
      throw err;
    }
  }

  /**
   * Template id and person of every template of one model (id order; only ids above `afterId`
   * when given), without decrypting anything: what the index labels map to.
   */
  labelsForModel(modelId: string, afterId = 0): TemplateLabel[] {
    return this.selectLabels.all(modelId, afterId);
  }

  /** Templates of every OTHER embedding space: never indexed with this one, but reported. */
  otherModels(modelId: string): ModelCount[] {
    return this.selectOtherModels
      .all(modelId)
      .map((r) => ({ modelId: r.model_id, templates: r.n }));
  }

  /**
   * People whose templates all lie in other embedding spaces: the current model can never
   * recognise them (templates-only storage: nothing to re-embed), so they must be re-enrolled.
   */
  peopleOutsideSpace(space: string): string[] {
    return this.selectOutsideSpace.all(space).map((r) => r.person_id);
  }

  /** One person's templates of every model, with their stored bytes (erasure verifies both). */
  forPerson(personId: string): SealedTemplate[] {
    return this.selectForPerson.all(personId).map((row) => {
      const base = {
        id: row.id,
        personId: row.person_id,
        modelId: row.model_id,
        embeddingSpace: row.embedding_space,
      };
      // What is stored, whatever its type (a row tampered into text is erased all the same).
      const sealed = Buffer.isBuffer(row.vector)
        ? Buffer.from(row.vector)
        : Buffer.from(String(row.vector ?? ''));
      try {
        return { ...base, vector: this.open(row).vector, sealed };
      } catch (err) {
        if (err instanceof StationError && err.code === 'TEMPLATE_TAMPERED')
          return { ...base, vector: null, sealed };
        throw err;
      }
    });
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

  private open(row: TemplateRow): StoredTemplate {
    if (row.key_id !== this.cipher.keyId) {
      throw new StationError(
        'TEMPLATE_KEY_MISMATCH',
        `template ${row.id} is sealed with key ${String(row.key_id)}, the station holds key ${this.cipher.keyId}`,
      );
    }
    const vector = this.cipher.openTemplate(sealedBytes(row), {
      templateId: row.id,
      personId: row.person_id,
      modelId: row.model_id,
      dim: row.dim,
    });
    return {
      id: row.id,
      personId: row.person_id,
      modelId: row.model_id,
      embeddingSpace: row.embedding_space,
      vector,
    };
  }
}
