import Database from 'better-sqlite3';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { faissFlatFactory } from '../../src/main/adapters/faiss-vector-index';
import { Gallery } from '../../src/main/core/gallery/gallery.service';
import { dataPaths } from '../../src/main/core/util/data-dir';
import { l2Normalize } from '../../src/main/core/vision/embedding-math';
import { type Db } from '../../src/main/db/connection';
import { PeopleRepository } from '../../src/main/db/people.repository';
import { insertPersonBefore0220 } from '../support/legacy-people';
import { TemplatesRepository } from '../../src/main/db/templates.repository';
import { StationError } from '../../src/shared/errors';
import { templateCipherFor } from '../support/template-cipher';
import { makeTempDir } from '../support/temp-dir';
import { openDatabase, LATEST_VERSION, migrate } from '../../src/main/composition/station-database';

const DIM = 512;
const MODEL = 'fr_feature@test';
const consent = { textVersion: 'v1', purpose: 'test', grantedAt: 't', recordedBy: 'test' };

function vec(seed: number): Float32Array {
  const v = new Float32Array(DIM);
  let s = seed * 9301 + 49297;
  for (let i = 0; i < DIM; i++) {
    s = (s * 233280 + 12345) % 2147483647;
    v[i] = (s / 2147483647) * 2 - 1;
  }
  return l2Normalize(v);
}

const raw = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

let tmp: ReturnType<typeof makeTempDir>;
let paths: ReturnType<typeof dataPaths>;
beforeEach(() => {
  tmp = makeTempDir('station-0040-');
  paths = dataPaths(tmp.dir);
});
afterEach(() => tmp.cleanup());

/**
 * A data folder as the app left it before 0040: schema 30, plaintext float32 template blobs,
 * and a plaintext FAISS index file whose meta has no `format`.
 */
function buildPre0040Folder(people: number, perPerson: number): Map<number, Float32Array> {
  const db = new Database(paths.database);
  expect(migrate(db, 30)).toBe(30);
  const insert = db.prepare(
    `INSERT INTO templates (person_id, model_id, dim, vector, image_sha256, inter_eye_px, created_at)
     VALUES (?, ?, ?, ?, ?, 60, 't')`,
  );
  const byId = new Map<number, Float32Array>();
  const all: Float32Array[] = [];
  for (let p = 0; p < people; p++) {
    insertPersonBefore0220(db, `p${p}`, `Person ${p}`, 't', consent);
    for (let k = 0; k < perPerson; k++) {
      const v = vec(p * 100 + k);
      const id = Number(insert.run(`p${p}`, MODEL, DIM, raw(v), `${p}-${k}`).lastInsertRowid);
      byId.set(id, v);
      all.push(v);
    }
  }
  // One template of an older model: must be kept, sealed, and left out of the index.
  const old = vec(4242).subarray(0, 128);
  insert.run('p0', 'old-model@128', 128, raw(l2Normalize(Float32Array.from(old))), 'old');
  db.close();
  const index = faissFlatFactory.create(DIM);
  const flat = new Float32Array(all.length * DIM);
  all.forEach((v, i) => flat.set(v, i * DIM));
  index.add(flat);
  writeFileSync(paths.galleryIndex, index.toBuffer());
  writeFileSync(
    `${paths.galleryIndex}.json`,
    JSON.stringify({ kind: faissFlatFactory.kind, modelId: MODEL, dim: DIM, fingerprint: 'x' }),
  );
  return byId;
}

function filesContaining(needles: Buffer[]): string[] {
  return [paths.database, `${paths.database}-wal`, paths.galleryIndex].filter(
    (f) => existsSync(f) && needles.some((n) => readFileSync(f).includes(n)),
  );
}

describe('migration 0040: plaintext templates -> AES-256-GCM, on a real file', () => {
  it('seals every existing row in place, records the key, and leaves no plaintext on disk', () => {
    const before = buildPre0040Folder(4, 3);
    const needles = [...before.values()].map((v) => raw(v).subarray(0, 64));
    // Positive control: the old folder holds the plaintext vectors.
    expect(filesContaining(needles)).toEqual([paths.database, paths.galleryIndex]);

    const db = openDatabase(paths.database);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
      const record = db
        .prepare<[], { format: string; key_id: string }>(
          'SELECT format, key_id FROM template_encryption',
        )
        .get();
      expect(record?.format).toBe('aes-256-gcm/v1');
      const rows = db
        .prepare<[], { key_id: string; n: number }>(
          'SELECT key_id, COUNT(*) AS n FROM templates GROUP BY key_id',
        )
        .all();
      expect(rows).toEqual([{ key_id: record?.key_id, n: 13 }]);
      expect(readFileSync(paths.templateKey)).toHaveLength(32);

      const templates = new TemplatesRepository(db, templateCipherFor(db));
      const after = templates.allForModel(MODEL);
      expect(after.map((t) => t.id)).toEqual([...before.keys()]);
      for (const t of after) expect(t.vector).toEqual(before.get(t.id));
      expect(templates.otherModels(MODEL)).toEqual([{ modelId: 'old-model@128', templates: 1 }]);
      // The migration vacuumed and truncated the WAL: no plaintext left in the database files.
      expect(filesContaining(needles)).toEqual([paths.galleryIndex]);

      // The legacy index file is not trusted: rebuilt sealed, and its old blocks zeroed.
      const { gallery, report } = Gallery.open({
        templates,
        factory: faissFlatFactory,
        sealer: templateCipherFor(db),
        indexFile: paths.galleryIndex,
        modelId: MODEL,
        dim: DIM,
      });
      expect(report.rebuiltBecause).toMatch(/^index file format undefined/);
      expect(report.excludedOtherModels).toEqual([{ modelId: 'old-model@128', templates: 1 }]);
      expect(gallery.size).toBe(12);
      expect(filesContaining(needles)).toEqual([]);
      expect(gallery.search(vec(201))[0]).toMatchObject({ personId: 'p2' });
    } finally {
      db.close();
    }
  });

  it('migrates an empty pre-0040 database without creating a key (the first start does)', () => {
    const db = new Database(paths.database);
    migrate(db, 30);
    db.close();
    const migrated = openDatabase(paths.database);
    expect(migrated.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(existsSync(paths.templateKey)).toBe(false);
    migrated.close();
  });

  it('refuses a plaintext row written behind the station’s back after 0040', () => {
    const db = openDatabase(paths.database);
    try {
      templateCipherFor(db);
      new PeopleRepository(db).create('p', 'P', 't', consent);
      db.prepare(
        `INSERT INTO templates (person_id, model_id, dim, vector, inter_eye_px, created_at)
         VALUES ('p', ?, ?, ?, 60, 't')`,
      ).run(MODEL, DIM, raw(vec(1)));
      expect(errorCode(() => templateCipherFor(db))).toBe('TEMPLATE_KEY_MISMATCH');
    } finally {
      db.close();
    }
  });
});

describe('one index per embedding model', () => {
  let db: Db;
  beforeEach(() => {
    db = openDatabase(paths.database);
  });
  afterEach(() => db.close());

  it('reports templates of other models instead of mixing them in, and refuses to add one', () => {
    const cipher = templateCipherFor(db);
    const templates = new TemplatesRepository(db, cipher);
    const people = new PeopleRepository(db);
    people.create('a', 'A', 't', consent);
    for (const [i, modelId] of [MODEL, MODEL, 'other@512', 'other@512', 'third@512'].entries()) {
      templates.add({
        personId: 'a',
        modelId,
        vector: vec(i),
        interEyePx: 60,
        createdAt: 't',
      });
    }
    const { gallery, report } = Gallery.open({
      templates,
      factory: faissFlatFactory,
      sealer: cipher,
      indexFile: paths.galleryIndex,
      modelId: MODEL,
      dim: DIM,
    });
    expect(report.templates).toBe(2);
    expect(report.excludedOtherModels).toEqual([
      { modelId: 'other@512', templates: 2 },
      { modelId: 'third@512', templates: 1 },
    ]);
    expect(gallery.size).toBe(2);
    expect(gallery.search(vec(2))[0]?.similarity ?? 0).toBeLessThan(0.5);
    expect(
      errorCode(() =>
        gallery.addCommitted([{ personId: 'a', vector: vec(9), embeddingSpace: 'x' }]),
      ),
    ).toBe('INDEX_STALE');
  });
});

function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof StationError ? err.code : `non-station: ${String(err)}`;
  }
  return undefined;
}
