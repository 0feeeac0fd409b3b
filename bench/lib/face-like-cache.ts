/**
 * Disk cache for the synthetic face-like galleries of bench/lib/face-like-gallery.ts. Synthesis is
 * a 512x512 triangular matrix-vector product per embedding in plain TS: ~20 min for 1M on
 * this machine, longer than most of the index builds it feeds. The cache lives beside the
 * real-embedding cache (outside the repository: the generator is fitted to research-only
 * photos) and is keyed by the size, the query count and a digest of the fitted model, so a
 * change of model or of the real data never reuses a stale gallery.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { embeddingCacheDir } from '../../tests/support/face-embeddings';
import type { FaceModel } from './face-like-gallery';

export interface FaceLikeGallery {
  vectors: Float32Array;
  /** Identity of each gallery row. */
  ids: Int32Array;
  queries: Float32Array;
  queryIds: Int32Array;
}

const MAGIC = 'FLG1';

function modelDigest(model: FaceModel): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ d: model.d, a: model.alpha, b: model.beta, s: model.spread }));
  for (const part of [model.centres.mean, model.centres.chol, model.within.chol]) {
    h.update(new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
  }
  return h.digest('hex').slice(0, 16);
}

function cachePath(model: FaceModel, n: number, queries: number): string {
  const dir = join(embeddingCacheDir(), 'face-like');
  mkdirSync(dir, { recursive: true });
  return join(dir, `${n}-${queries}-${modelDigest(model)}.bin`);
}

const parts = (g: FaceLikeGallery): Uint8Array[] =>
  [g.vectors, g.ids, g.queries, g.queryIds].map(
    (a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength),
  );

function write(path: string, g: FaceLikeGallery): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    const header = Buffer.alloc(12);
    header.write(MAGIC, 0, 'latin1');
    header.writeUInt32LE(g.ids.length, 4);
    header.writeUInt32LE(g.queryIds.length, 8);
    writeSync(fd, header);
    for (const p of parts(g)) {
      // writeSync may write less than asked for large buffers.
      for (let off = 0; off < p.byteLength;) off += writeSync(fd, p, off, p.byteLength - off);
    }
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path); // a killed run leaves a .tmp, never a torn cache
}

function read(path: string, d: number): FaceLikeGallery | null {
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(12);
    readSync(fd, header, 0, 12, 0);
    if (header.toString('latin1', 0, 4) !== MAGIC) return null;
    const n = header.readUInt32LE(4);
    const q = header.readUInt32LE(8);
    const g: FaceLikeGallery = {
      vectors: new Float32Array(n * d),
      ids: new Int32Array(n),
      queries: new Float32Array(q * d),
      queryIds: new Int32Array(q),
    };
    let pos = 12;
    for (const p of parts(g)) {
      for (let off = 0; off < p.byteLength;) {
        const got = readSync(fd, p, off, p.byteLength - off, pos);
        if (got === 0) return null; // truncated
        off += got;
        pos += got;
      }
    }
    return g;
  } finally {
    closeSync(fd);
  }
}

/** The gallery from the cache, or `make()` and store it. */
export function cachedFaceLikeGallery(
  model: FaceModel,
  n: number,
  queries: number,
  make: () => FaceLikeGallery,
  log: (line: string) => void = () => undefined,
): FaceLikeGallery {
  const path = cachePath(model, n, queries);
  if (existsSync(path)) {
    const g = read(path, model.d);
    if (g) {
      log(`face-like gallery of ${n} from ${path}`);
      return g;
    }
  }
  const g = make();
  write(path, g);
  log(`face-like gallery of ${n} cached at ${path}`);
  return g;
}
