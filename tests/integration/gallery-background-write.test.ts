import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { faissIndexFactories } from '../../src/main/adapters/faiss-vector-index';
import { openDatabase } from '../../src/main/composition/station-database';
import { Gallery } from '../../src/main/core/gallery/gallery.service';
import { l2Normalize } from '../../src/main/core/vision/embedding-math';
import type { Db } from '../../src/main/db/connection';
import { PeopleRepository } from '../../src/main/db/people.repository';
import { TemplatesRepository } from '../../src/main/db/templates.repository';
import { templateCipherFor } from '../support/template-cipher';
import { makeTempDir } from '../support/temp-dir';

const DIM = 64;
const consent = { textVersion: 'v1', purpose: 'test', grantedAt: 't', recordedBy: 'test' };

function vec(seed: number): Float32Array {
  const v = new Float32Array(DIM);
  let s = seed * 7919 + 104729;
  for (let i = 0; i < DIM; i++) {
    s = (s * 48271) % 2147483647;
    v[i] = (s / 2147483647) * 2 - 1;
  }
  return l2Normalize(v);
}

let tmp: ReturnType<typeof makeTempDir>;
let db: Db;
let templates: TemplatesRepository;
let indexFile: string;

function enrol(id: string, seed: number): { personId: string; vector: Float32Array; id: number } {
  new PeopleRepository(db).create(id, id, 't', consent);
  const vector = vec(seed);
  const templateId = templates.add({
    personId: id,
    modelId: 'm1',
    vector,
    interEyePx: 50,
    createdAt: 't',
  });
  return { personId: id, vector, id: templateId };
}

function open() {
  return Gallery.open({
    templates,
    factory: faissIndexFactories.flat,
    sealer: templateCipherFor(db),
    indexFile,
    modelId: 'm1',
    dim: DIM,
  });
}

/** The template count the saved file's meta vouches for (its fingerprint's n). */
function savedCount(): number {
  const meta = JSON.parse(readFileSync(`${indexFile}.json`, 'utf8')) as { fingerprint: string };
  return Number(meta.fingerprint.split(':').at(-3));
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

/**
 * A site pull's release writes the index file in the background (Gallery.holdWrites): the
 * station serves the new templates at once, the file follows, and anything that writes the
 * file meanwhile (an erasure) makes the background copy worthless: it must be dropped, never
 * renamed over the erasure's file, and its temp file removed.
 */
describe('Gallery: index file written in the background (real SQLite + FAISS)', () => {
  it('writes the held additions after the release; the next open loads that file', async () => {
    for (let p = 0; p < 3; p++) enrol(`p${p}`, p);
    const { gallery } = open();
    const release = gallery.holdWrites();
    const added = [enrol('q0', 100), enrol('q1', 101)];
    gallery.addCommitted(added);
    release(0, { background: true });
    expect(gallery.search(vec(101))[0]?.personId).toBe('q1');
    await gallery.writesSettled();
    expect(savedCount()).toBe(5);
    expect(readdirSync(tmp.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const again = open();
    expect(again.report.rebuiltBecause).toBeNull();
    expect(again.gallery.search(vec(100))[0]?.personId).toBe('q0');
  });

  it('drops the background write an erasure overtakes: the file never holds the erased', async () => {
    for (let p = 0; p < 3; p++) enrol(`p${p}`, p);
    const { gallery } = open();
    const release = gallery.holdWrites();
    const added = [enrol('q0', 100), enrol('q1', 101)];
    gallery.addCommitted(added);
    release(0, { background: true });
    // While that write runs: q1 erased (rows deleted, then the index), which writes at once.
    templates.deleteForPerson('q1');
    gallery.removeTemplates([added[1]!.id]);
    expect(savedCount()).toBe(4);
    await gallery.writesSettled();
    expect(savedCount()).toBe(4);
    expect(readdirSync(tmp.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const again = open();
    expect(again.report.rebuiltBecause).toBeNull();
    expect(again.gallery.search(vec(101))[0]?.personId).not.toBe('q1');
    expect(again.gallery.search(vec(100))[0]?.personId).toBe('q0');
  });
});
