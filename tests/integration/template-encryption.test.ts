import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImageBuffer, DEFAULT_DECODE_LIMITS } from '../../src/main/adapters/image-decoder';
import { faissIndexFactories } from '../../src/main/adapters/faiss-vector-index';
import { vectorNeedles } from '../../src/main/core/erasure/file-byte-scan';
import { indexFileContext, type IndexMeta } from '../../src/main/core/gallery/gallery.service';
import { defaultModelsDir } from '../../src/main/core/models/model-verifier';
import type { Station } from '../../src/main/core/station.service';
import { createStation } from '../../src/main/composition/station-composition';
import { dataPaths } from '../../src/main/core/util/data-dir';
import type { FacePipeline } from '../../src/main/core/vision/face-pipeline';
import { TemplatesRepository } from '../../src/main/db/templates.repository';
import { StationError } from '../../src/shared/errors';
import { sharedDataPath } from '../support/shared-data';
import { templateCipherFor } from '../support/template-cipher';
import { makeTempDir } from '../support/temp-dir';
import { loadFacePipeline } from '../../src/main/composition/onnx-models';

const bbt = (who: string, i: number) =>
  sharedDataPath('small_identity_sets', 'faceapi_bbt', who, `${who}${i}.png`);

/** nonce(12) | 512 float32 | tag(16) */
const SEALED_BYTES = 12 + 512 * 4 + 16;

let pipeline: FacePipeline;
const root = makeTempDir('station-tpl-enc-');
/** The enrolled data folder every test copies (tests that break things work on a copy). */
const seedDir = join(root.dir, 'seed');
/** Plaintext vectors of every enrolled template, decrypted with the right key. */
let vectors: { id: number; personId: string; vector: Float32Array }[] = [];
let copies = 0;

function open(dataDir: string): Station {
  return createStation({
    dataDir,
    mode: 'cli',
    modelsDir: defaultModelsDir(),
    analyzer: pipeline,
    decode: (bytes, name) => decodeImageBuffer(bytes, DEFAULT_DECODE_LIMITS, name),
    indexFactories: faissIndexFactories,
  });
}

function copyOfSeed(): string {
  const dir = join(root.dir, `copy-${++copies}`);
  cpSync(seedDir, dir, { recursive: true });
  return dir;
}

function stationError(fn: () => unknown): StationError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StationError) return err;
    throw err;
  }
  throw new Error('expected a StationError');
}

/** Runs SQL on the database file directly, as someone with file access (not the station). */
function tamper(dataDir: string, fn: (db: Database.Database) => void): void {
  const db = new Database(dataPaths(dataDir).database);
  fn(db);
  db.close();
}

function onDisk(dataDir: string): Buffer[] {
  const p = dataPaths(dataDir);
  return [p.database, `${p.database}-wal`, p.galleryIndex]
    .filter((f) => existsSync(f))
    .map((f) => readFileSync(f));
}

beforeAll(async () => {
  pipeline = await loadFacePipeline(defaultModelsDir());
  const station = open(seedDir);
  try {
    for (const who of ['amy', 'penny']) {
      const images = [1, 2, 3].map((i) => ({
        fileName: `${who}${i}`,
        bytes: readFileSync(bbt(who, i)),
      }));
      const r = await station.intake.enroll({
        name: who,
        consent: true,
        images,
        recordedBy: 'test',
      });
      expect(r.person).not.toBeNull();
    }
  } finally {
    station.close();
  }
  const db = new Database(dataPaths(seedDir).database);
  const templates = new TemplatesRepository(db, templateCipherFor(db));
  vectors = templates.allForModel(pipeline.modelId);
  db.close();
}, 300_000);
afterAll(() => root.cleanup());

describe('templates encrypted at rest (real SQLite, FAISS, models, faces)', () => {
  it('stores only sealed blobs: no enrolled vector is in the database, WAL or index file', () => {
    expect(vectors).toHaveLength(6);
    const raw = new Database(dataPaths(seedDir).database, { readonly: true });
    const rows = raw
      .prepare<[], { vector: Buffer; key_id: string }>('SELECT vector, key_id FROM templates')
      .all();
    const record = raw.prepare('SELECT format, key_id FROM template_encryption').get();
    raw.close();
    expect(record).toEqual({ format: 'aes-256-gcm/v1', key_id: rows[0]?.key_id });
    for (const r of rows) expect(r.vector.length).toBe(SEALED_BYTES);

    const needles = vectors.flatMap((t) => [
      Buffer.from(t.vector.buffer),
      ...vectorNeedles(t.vector, 16),
    ]);
    for (const bytes of onDisk(seedDir)) {
      for (const n of needles) expect(bytes.includes(n)).toBe(false);
    }
    // Positive control: the same needles ARE in the index once decrypted with the key.
    const db = new Database(dataPaths(seedDir).database, { readonly: true });
    const cipher = templateCipherFor(db);
    db.close();
    const plainIndex = cipher.openFile(
      readFileSync(dataPaths(seedDir).galleryIndex),
      indexContext(seedDir),
    );
    for (const t of vectors) expect(plainIndex.includes(Buffer.from(t.vector.buffer))).toBe(true);
  });

  it('keeps the key in keys/template.key, 32 bytes, mode 0600', () => {
    const key = dataPaths(seedDir).templateKey;
    expect(readFileSync(key)).toHaveLength(32);
    expect(statSync(key).mode & 0o777).toBe(0o600);
  });

  it('opens again with the right key and still recognises the people', async () => {
    const station = open(copyOfSeed());
    try {
      const faces = await station.recognition.identify(readFileSync(bbt('amy', 4)), 'amy4');
      expect(faces[0]).toMatchObject({ decision: 'granted', person: { name: 'amy' } });
    } finally {
      station.close();
    }
  });

  it('erasure leaves neither the plaintext nor the sealed bytes of the person on disk', () => {
    const dir = copyOfSeed();
    const amyId = vectors[0]?.personId ?? '';
    const raw = new Database(dataPaths(dir).database, { readonly: true });
    const sealed = raw
      .prepare<[string], { vector: Buffer }>('SELECT vector FROM templates WHERE person_id = ?')
      .all(amyId)
      .map((r) => r.vector);
    raw.close();
    const plain = vectors
      .filter((t) => t.personId === amyId)
      .map((t) => Buffer.from(t.vector.buffer));
    expect(sealed).toHaveLength(3);
    // Positive control: the sealed bytes are in the database file before erasure.
    expect(onDisk(dir).some((bytes) => sealed.some((s) => bytes.includes(s)))).toBe(true);
    const station = open(dir);
    try {
      expect(station.eraser.erasePerson(amyId)).toMatchObject({ templates: 3, verified: true });
    } finally {
      station.close();
    }
    for (const bytes of onDisk(dir)) {
      for (const n of [...sealed, ...plain]) expect(bytes.includes(n)).toBe(false);
    }
  });

  it('refuses a wrong key with TEMPLATE_KEY_MISMATCH (checked before any row is read)', () => {
    const dir = copyOfSeed();
    writeFileSync(dataPaths(dir).templateKey, randomBytes(32), { mode: 0o600 });
    const err = stationError(() => open(dir));
    expect(err.code).toBe('TEMPLATE_KEY_MISMATCH');
    expect(err.message).toMatch(/6 template\(s\)/);
  });

  it('refuses to start without the key, and does not create a new one', () => {
    const dir = copyOfSeed();
    const key = dataPaths(dir).templateKey;
    renameSync(key, `${key}.moved`);
    const err = stationError(() => open(dir));
    expect(err.code).toBe('TEMPLATE_KEY_MISSING');
    expect(err.message).toContain(key);
    expect(existsSync(key)).toBe(false);
    renameSync(`${key}.moved`, key);
    open(dir).close();
  });

  it('refuses a key file other users can read, saying how to fix it', () => {
    const dir = copyOfSeed();
    const key = dataPaths(dir).templateKey;
    chmodSync(key, 0o644);
    const err = stationError(() => open(dir));
    expect(err.code).toBe('TEMPLATE_KEY_INSECURE');
    expect(err.message).toContain(`chmod 600 ${key}`);
  });

  it('detects a modified ciphertext with TEMPLATE_TAMPERED, naming the template', async () => {
    const dir = copyOfSeed();
    const target = vectors[2]?.id ?? 0;
    tamper(dir, (db) => {
      const { vector } = db
        .prepare<[number], { vector: Buffer }>('SELECT vector FROM templates WHERE id = ?')
        .get(target)!;
      vector.writeUInt8(vector.readUInt8(100) ^ 0x01, 100);
      db.prepare('UPDATE templates SET vector = ? WHERE id = ?').run(vector, target);
    });
    rmSync(dataPaths(dir).galleryIndex); // force reading every row (a rebuild)
    // The station opens (so an admin can erase or restore), with recognition stopped.
    const station = open(dir);
    try {
      expect(station.galleryReport.tampered.map((t) => t.templateId)).toEqual([target]);
      const err: unknown = await station.recognition
        .identify(readFileSync(bbt('amy', 4)), 'amy4')
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StationError);
      expect((err as StationError).code).toBe('TEMPLATE_TAMPERED');
      expect((err as StationError).message).toContain(`template ${target}`);
    } finally {
      station.close();
    }
  });

  it('detects blobs swapped between two people, or between two rows of one person', () => {
    const amy = vectors.filter((t) => t.personId === vectors[0]?.personId).map((t) => t.id);
    const penny = vectors.filter((t) => t.personId !== vectors[0]?.personId).map((t) => t.id);
    for (const [a, b] of [
      [amy[0], penny[0]],
      [amy[0], amy[1]],
    ] as [number, number][]) {
      const dir = copyOfSeed();
      tamper(dir, (db) => {
        const get = db.prepare<[number], { vector: Buffer }>(
          'SELECT vector FROM templates WHERE id = ?',
        );
        const [va, vb] = [get.get(a)!.vector, get.get(b)!.vector];
        const set = db.prepare('UPDATE templates SET vector = ? WHERE id = ?');
        set.run(vb, a);
        set.run(va, b);
      });
      rmSync(dataPaths(dir).galleryIndex);
      const station = open(dir);
      try {
        expect(station.galleryReport.tampered.map((t) => t.templateId).sort()).toEqual(
          [a, b].sort(),
        );
      } finally {
        station.close();
      }
    }
  });

  it('rebuilds (never trusts) a sealed index file that was modified or moved from another folder', () => {
    const dir = copyOfSeed();
    const index = dataPaths(dir).galleryIndex;
    const bytes = readFileSync(index);
    bytes.writeUInt8(bytes.readUInt8(40) ^ 0x01, 40);
    writeFileSync(index, bytes);
    // The meta names the sealing by its GCM tag, which a body change leaves as it was: the
    // tag check passes and the decryption's own check refuses the bytes.
    const station = open(dir);
    try {
      expect(station.galleryReport.rebuiltBecause).toMatch(/^index unreadable: .*integrity check/);
      expect(station.galleryReport.templates).toBe(6);
    } finally {
      station.close();
    }
  });
});

function indexContext(dataDir: string): string {
  const file = `${dataPaths(dataDir).galleryIndex}.json`;
  return indexFileContext(JSON.parse(readFileSync(file, 'utf8')) as IndexMeta);
}
