import { createRequire } from 'node:module';
import type * as FaissNode from 'faiss-node';
import type { IndexFlatIP as FaissIndexFlatIP } from 'faiss-node';
import { StationError } from '../../shared/errors';
import type { VectorIndex, VectorIndexFactory } from '../core/gallery/vector-index';

type FaissModule = typeof FaissNode;

let faissModule: FaissModule | undefined;

/**
 * faiss-node is loaded lazily and with OMP_NUM_THREADS=1 unless the user set it: with
 * OpenMP's default threads a single query slowed from ~0.5 ms to ~10 ms whenever the
 * other core was busy (see ../shared/ENVIRONMENT.md), and the door must stay responsive.
 */
function loadFaiss(): FaissModule {
  if (faissModule) return faissModule;
  process.env.OMP_NUM_THREADS ??= '1';
  try {
    faissModule = createRequire(__filename)('faiss-node') as FaissModule;
  } catch (err) {
    throw new StationError(
      'NATIVE_MISSING',
      'The faiss-node addon is not built. Run `npm run native:faiss` (needs Debian package libfaiss-dev).',
      { cause: err },
    );
  }
  return faissModule;
}

/**
 * Exact inner-product index. A faiss error outside read/fromBuffer aborts the whole process
 * (uncaught C++ exception), so every call's input is validated here before it reaches faiss.
 */
class FaissFlatIndex implements VectorIndex {
  constructor(
    private readonly index: FaissIndexFlatIP,
    readonly dim: number,
  ) {}

  get size(): number {
    return this.index.ntotal();
  }

  add(vectors: Float32Array): void {
    if (vectors.length === 0) return;
    if (vectors.length % this.dim !== 0) {
      throw new StationError(
        'INTERNAL',
        `add: ${vectors.length} values is not a multiple of dim ${this.dim}`,
      );
    }
    assertFinite(vectors);
    this.index.add(Array.from(vectors));
  }

  search(query: Float32Array, k: number): { labels: number[]; scores: number[] } {
    if (query.length !== this.dim) {
      throw new StationError(
        'INTERNAL',
        `search: query has ${query.length} values, index dim is ${this.dim}`,
      );
    }
    const n = this.size;
    if (n === 0 || k < 1) return { labels: [], scores: [] };
    assertFinite(query);
    const res = this.index.search(Array.from(query), Math.min(Math.floor(k), n));
    return { labels: res.labels, scores: res.distances };
  }

  toBuffer(): Buffer {
    return this.index.toBuffer();
  }
}

function assertFinite(values: Float32Array): void {
  for (const v of values) {
    if (!Number.isFinite(v))
      throw new StationError('INTERNAL', 'vector contains a non-finite value');
  }
}

export const faissFlatFactory: VectorIndexFactory = {
  kind: 'faiss-flat-ip',
  create(dim) {
    const faiss = loadFaiss();
    return new FaissFlatIndex(new faiss.IndexFlatIP(dim), dim);
  },
  fromBuffer(buf, dim) {
    const faiss = loadFaiss();
    // fromBuffer is one of the calls where faiss errors surface as JS exceptions.
    const index = faiss.IndexFlatIP.fromBuffer(buf);
    if (index.getDimension() !== dim) {
      throw new StationError(
        'INDEX_STALE',
        `index dim ${index.getDimension()} does not match model dim ${dim}`,
      );
    }
    return new FaissFlatIndex(index, dim);
  },
};
