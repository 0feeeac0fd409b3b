import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { openDatabase } from '../../src/main/composition/station-database';
import { Gallery } from '../../src/main/core/gallery/gallery.service';
import { l2Normalize } from '../../src/main/core/vision/embedding-math';
import type { Db } from '../../src/main/db/connection';
import { PeopleRepository } from '../../src/main/db/people.repository';
import { TemplatesRepository } from '../../src/main/db/templates.repository';
import { templateCipherFor } from './template-cipher';
import { makeTempDir } from './temp-dir';

/** The vector size of the gallery tests' synthetic templates. */
export const GALLERY_DIM = 64;
const consent = { textVersion: 'v1', purpose: 'test', grantedAt: 't', recordedBy: 'test' };

/** A deterministic unit vector per seed (a Lehmer generator): distinct seeds, distinct people. */
export function seededVector(seed: number): Float32Array {
  const v = new Float32Array(GALLERY_DIM);
  let s = seed * 7919 + 104729;
  for (let i = 0; i < GALLERY_DIM; i++) {
    s = (s * 48271) % 2147483647;
    v[i] = (s / 2147483647) * 2 - 1;
  }
  return l2Normalize(v);
}

/** One test's data folder: a real SQLite database, its template store, the index file's path. */
export interface GalleryFolder {
  dir: string;
  db: Db;
  templates: TemplatesRepository;
  indexFile: string;
}

/** A fresh folder before each test of the file, removed after it (real SQLite, real FAISS). */
export function useGalleryFolder(): GalleryFolder {
  const f = {} as GalleryFolder;
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    tmp = makeTempDir();
    f.dir = tmp.dir;
    f.db = openDatabase(join(tmp.dir, 's.sqlite'));
    f.templates = new TemplatesRepository(f.db, templateCipherFor(f.db));
    f.indexFile = join(tmp.dir, 'gallery.faiss');
  });
  afterEach(() => {
    f.db.close();
    tmp.cleanup();
  });
  return f;
}

/** Enrols a person with one template of model m1; returns its vector and template id. */
export function enrolSeeded(
  f: GalleryFolder,
  personId: string,
  seed: number,
): { personId: string; vector: Float32Array; id: number } {
  new PeopleRepository(f.db).create(personId, personId, 't', consent);
  const vector = seededVector(seed);
  const id = f.templates.add({ personId, modelId: 'm1', vector, interEyePx: 50, createdAt: 't' });
  return { personId, vector, id };
}

/** The folder's gallery of model m1 with the given index factory (or chooser). */
export function openGallery(
  f: GalleryFolder,
  factory: Parameters<typeof Gallery.open>[0]['factory'],
): ReturnType<typeof Gallery.open> {
  return Gallery.open({
    templates: f.templates,
    factory,
    sealer: templateCipherFor(f.db),
    indexFile: f.indexFile,
    modelId: 'm1',
    dim: GALLERY_DIM,
  });
}
