import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { faissFlatFactory } from '../../src/main/adapters/faiss-vector-index';
import { Gallery } from '../../src/main/core/gallery/gallery.service';
import { l2Normalize } from '../../src/main/core/vision/embedding-math';
import { type Db } from '../../src/main/db/connection';
import { PeopleRepository } from '../../src/main/db/people.repository';
import { TemplatesRepository } from '../../src/main/db/templates.repository';
import { templateCipherFor } from '../support/template-cipher';
import { makeTempDir } from '../support/temp-dir';
import { openDatabase } from '../../src/main/composition/station-database';

const DIM = 64;
const consent = { textVersion: 'v1', purpose: 'test', grantedAt: 't', recordedBy: 'test' };

/** Deterministic pseudo-random unit vectors (no Math.random: reproducible failures). */
function vec(seed: number): Float32Array {
  const v = new Float32Array(DIM);
  let s = seed * 9301 + 49297;
  for (let i = 0; i < DIM; i++) {
    s = (s * 233280 + 12345) % 2147483647;
    v[i] = (s / 2147483647) * 2 - 1;
  }
  return l2Normalize(v);
}

let tmp: ReturnType<typeof makeTempDir>;
let db: Db;
let templates: TemplatesRepository;
let indexFile: string;

function seedPeople(n: number, perPerson: number): void {
  const people = new PeopleRepository(db);
  for (let p = 0; p < n; p++) {
    people.create(`p${p}`, `Person ${p}`, 't', consent);
    for (let k = 0; k < perPerson; k++) {
      templates.add({
        personId: `p${p}`,
        modelId: 'm1',
        vector: vec(p * 100 + k),
        interEyePx: 50,
        createdAt: 't',
      });
    }
  }
}

function open(modelId = 'm1') {
  return Gallery.open({
    templates,
    factory: faissFlatFactory,
    sealer: templateCipherFor(db),
    indexFile,
    modelId,
    dim: DIM,
  });
}

beforeEach(() => {
  tmp = makeTempDir();
  db = openDatabase(join(tmp.dir, 's.sqlite'));
  templates = new TemplatesRepository(db, templateCipherFor(db));
  indexFile = join(tmp.dir, 'gallery.faiss');
});
afterEach(() => {
  db.close();
  tmp.cleanup();
});

describe('Gallery (real SQLite + real FAISS)', () => {
  it('builds the index from the database when the file is missing, then reuses it', () => {
    seedPeople(5, 3);
    const first = open();
    expect(first.report).toEqual({
      templates: 15,
      rebuiltBecause: 'index file missing',
      excludedOtherModels: [],
      tampered: [],
    });
    const second = open();
    expect(second.report).toEqual({
      templates: 15,
      rebuiltBecause: null,
      excludedOtherModels: [],
      tampered: [],
    });
    expect(second.gallery.size).toBe(15);
  });

  it('finds the right person with the best similarity first, one entry per person', () => {
    seedPeople(5, 3);
    const { gallery } = open();
    const matches = gallery.search(vec(3 * 100 + 1));
    expect(matches[0]?.personId).toBe('p3');
    expect(matches[0]?.similarity).toBeCloseTo(1, 5);
    expect(new Set(matches.map((m) => m.personId)).size).toBe(matches.length);
  });

  it('rebuilds when the database changed behind the index (stale)', () => {
    seedPeople(2, 2);
    open();
    seedPeople2();
    const reopened = open();
    expect(reopened.report.rebuiltBecause).toBe('index stale (templates changed)');
    expect(reopened.gallery.search(vec(999))[0]?.personId).toBe('late');
  });

  it('rebuilds when the index file was tampered with', () => {
    seedPeople(2, 2);
    open();
    const bytes = readFileSync(indexFile);
    const at = bytes.length - 5;
    bytes.writeUInt8(bytes.readUInt8(at) ^ 0xff, at);
    writeFileSync(indexFile, bytes);
    expect(open().report.rebuiltBecause).toBe('index file checksum mismatch');
  });

  it('rebuilds once from a meta that names no sealing tag (an older station wrote it)', () => {
    seedPeople(2, 2);
    open();
    const metaFile = `${indexFile}.json`;
    const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as Record<string, unknown>;
    delete meta.tag;
    writeFileSync(metaFile, JSON.stringify({ ...meta, sha256: '0'.repeat(64) }));
    expect(open().report.rebuiltBecause).toBe('index meta names no sealing tag');
    expect(open().report.rebuiltBecause).toBeNull();
  });

  it('rebuilds when the meta file is gone, and never mixes another model in', () => {
    seedPeople(2, 2);
    open();
    rmSync(`${indexFile}.json`);
    expect(open().report.rebuiltBecause).toBe('index file missing');
    const other = open('m2');
    expect(other.report.rebuiltBecause).toBe('index built for model m1');
    expect(other.gallery.size).toBe(0);
  });

  it('adds committed templates incrementally and persists them', () => {
    seedPeople(1, 1);
    const { gallery } = open();
    new PeopleRepository(db).create('n', 'New', 't', consent);
    const v = vec(4242);
    templates.add({
      personId: 'n',
      modelId: 'm1',
      vector: v,
      interEyePx: 50,
      createdAt: 't',
    });
    gallery.addCommitted([{ personId: 'n', vector: v }]);
    expect(gallery.search(v)[0]?.personId).toBe('n');
    expect(open().report.rebuiltBecause).toBeNull();
  });

  it('rebuilds from vectors at hand only when they are exactly the database rows', () => {
    seedPeople(3, 2);
    const { gallery } = open();
    const rows = templates.allForModel('m1');
    // The rows as stored: the index is built from them and matches the database.
    gallery.rebuild(rows.map((r) => ({ ...r, vector: Float32Array.from(r.vector) })));
    expect(gallery.search(vec(2 * 100 + 1))[0]?.personId).toBe('p2');
    expect(open().report.rebuiltBecause).toBeNull();
    // A stale list (p0 erased since it was read) is ignored: the database is read instead.
    templates.deleteForPerson('p0');
    gallery.rebuild(rows);
    expect(gallery.size).toBe(4);
    expect(gallery.search(vec(0 * 100 + 1)).map((m) => m.personId)).not.toContain('p0');
    expect(open().report.rebuiltBecause).toBeNull();
  });

  it('searches deeper when a few people with many templates fill the nearest ones', () => {
    // Four people with 40 templates each around one face, 30 others elsewhere: the 32 nearest
    // templates hold only those four, but the identify score's cohort needs 12 people
    // (identify-scoring.ts peopleNeeded).
    const people = new PeopleRepository(db);
    const centre = vec(1);
    const near = (k: number) =>
      l2Normalize(Float32Array.from(centre, (c, i) => c + 0.3 * vec(k)[i]!));
    for (let p = 0; p < 34; p++) {
      people.create(`p${p}`, `Person ${p}`, 't', consent);
      for (let k = 0; k < (p < 4 ? 40 : 2); k++) {
        const vector = p < 4 ? near(p * 100 + k + 2) : vec(10_000 + p * 10 + k);
        const row = { personId: `p${p}`, modelId: 'm1', vector, interEyePx: 50, createdAt: 't' };
        templates.add(row);
      }
    }
    const { gallery } = open();
    const shallow = gallery.search(centre);
    expect(shallow.map((m) => m.personId).sort()).toEqual(['p0', 'p1', 'p2', 'p3']);
    const deep = gallery.search(centre, undefined, 12);
    expect(deep.length).toBeGreaterThanOrEqual(12);
    expect(deep.slice(0, 4)).toEqual(shallow);
  });

  it('returns no matches on an empty gallery and rejects a wrong-sized query without crashing', () => {
    const { gallery } = open();
    expect(gallery.search(vec(1))).toEqual([]);
    expect(() => gallery.search(new Float32Array(DIM + 1))).toThrow(/dim/);
  });
});

function seedPeople2(): void {
  new PeopleRepository(db).create('late', 'Late', 't', consent);
  templates.add({
    personId: 'late',
    modelId: 'm1',
    vector: vec(999),
    interEyePx: 50,
    createdAt: 't',
  });
}

describe('Gallery shared between processes', () => {
  it('sees templates another connection committed after it loaded (e.g. CLI enrolment)', () => {
    seedPeople(1, 1);
    const { gallery } = open();
    expect(gallery.size).toBe(1);
    // A second connection to the same file stands in for the CLI process.
    const other = openDatabase(join(tmp.dir, 's.sqlite'));
    const otherTemplates = new TemplatesRepository(other, templateCipherFor(other));
    new PeopleRepository(other).create('cli', 'From CLI', 't', consent);
    otherTemplates.add({
      personId: 'cli',
      modelId: 'm1',
      vector: vec(777),
      interEyePx: 50,
      createdAt: 't',
    });
    other.close();
    expect(gallery.search(vec(777))[0]?.personId).toBe('cli');
    expect(gallery.size).toBe(2);
  });
});
