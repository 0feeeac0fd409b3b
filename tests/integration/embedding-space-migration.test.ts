import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { faissFlatFactory } from '../../src/main/adapters/faiss-vector-index';
import { Gallery } from '../../src/main/core/gallery/gallery.service';
import { dataPaths } from '../../src/main/core/util/data-dir';
import { l2Normalize } from '../../src/main/core/vision/embedding-math';
import { insertPersonBefore0220 } from '../support/legacy-people';
import { TemplatesRepository } from '../../src/main/db/templates.repository';
import { templateCipherFor } from '../support/template-cipher';
import { makeTempDir } from '../support/temp-dir';
import { openDatabase, LATEST_VERSION, migrate } from '../../src/main/composition/station-database';

const DIM = 8;
const SHIPPED = 'fr_feature@87aacdfe5751';
const consent = { textVersion: 'v1', purpose: 'test', grantedAt: 't', recordedBy: 'test' };
const vec = (i: number) =>
  l2Normalize(Float32Array.from({ length: DIM }, (_, k) => (k === i ? 1 : 0.1)));

/**
 * Migration 0070 -> 0160 on a real file: sealed template rows written the way the app wrote
 * them before (no embedding space) get the space of their model, stay readable (their
 * encryption binding is untouched) and searchable, and another model's rows stay apart.
 */
describe('migration 0160 (templates record their embedding space)', () => {
  const tmp = makeTempDir('station-0160-');
  afterAll(() => tmp.cleanup());

  it('backfills each row with its model id, which is the space of its model fed as it was', () => {
    const paths = dataPaths(tmp.dir);
    const raw = new Database(paths.database);
    expect(migrate(raw, 70)).toBe(70);
    insertPersonBefore0220(raw, 'ada', 'Ada', 't', consent);
    const cipher = templateCipherFor(raw);
    const insert = raw.prepare(
      `INSERT INTO templates (person_id, model_id, dim, vector, image_sha256, inter_eye_px, created_at)
       VALUES ('ada', ?, ?, zeroblob(0), ?, 60, 't')`,
    );
    const seal = raw.prepare('UPDATE templates SET vector = ?, key_id = ? WHERE id = ?');
    for (const [i, model] of [SHIPPED, SHIPPED, 'other@1'].entries()) {
      const id = Number(insert.run(model, DIM, `h${i}`).lastInsertRowid);
      const binding = { templateId: id, personId: 'ada', modelId: model, dim: DIM };
      seal.run(cipher.sealTemplate(vec(i), binding), cipher.keyId, id);
    }
    raw.close();

    const db = openDatabase(paths.database);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
      expect(
        db.prepare('SELECT model_id, embedding_space FROM templates ORDER BY id').all(),
      ).toEqual([
        { model_id: SHIPPED, embedding_space: SHIPPED },
        { model_id: SHIPPED, embedding_space: SHIPPED },
        { model_id: 'other@1', embedding_space: 'other@1' },
      ]);
      const templates = new TemplatesRepository(db, templateCipherFor(db));
      const stored = templates.allForModel(SHIPPED);
      expect(stored.map((t) => [t.modelId, t.embeddingSpace])).toEqual([
        [SHIPPED, SHIPPED],
        [SHIPPED, SHIPPED],
      ]);
      expect(Array.from(stored[1]!.vector)).toEqual(Array.from(vec(1)));
      expect(templates.otherModels(SHIPPED)).toEqual([{ modelId: 'other@1', templates: 1 }]);
      expect(templates.peopleOutsideSpace(SHIPPED)).toEqual([]);
      expect(templates.peopleOutsideSpace('onnx@site/1234abcd')).toEqual(['ada']);
      const { gallery, report } = Gallery.open({
        templates,
        factory: faissFlatFactory,
        sealer: templateCipherFor(db),
        indexFile: paths.galleryIndex,
        modelId: SHIPPED,
        dim: DIM,
      });
      expect(report.templates).toBe(2);
      expect(gallery.search(vec(1))[0]).toMatchObject({ personId: 'ada' });
      expect(gallery.search(vec(1))[0]!.similarity).toBeCloseTo(1);
    } finally {
      db.close();
    }
  });
});
