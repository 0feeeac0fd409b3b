import { StationError } from '../../shared/errors';
import { factoryString, ivfParams, rebuildRecommended } from '../core/gallery/index-policy';
import {
  INDEX_KINDS,
  type IndexKind,
  type VectorBatchSearchResult,
  type VectorIndex,
  type VectorIndexFactory,
  type VectorIndexStats,
  type VectorSearchResult,
} from '../core/gallery/vector-index';
import { type NativeStationIndex, loadStationFaiss } from './station-faiss-addon';
import {
  batchShape,
  checkRows,
  engineName,
  native,
  noResults,
  removableLabels,
  searchOne,
} from './faiss-guards';
import { RoutedIndex } from './routed-index';
import { decodeIndexContainer, encodeIndexContainer } from './faiss-index-container';

/** The kinds served by one faiss index (PQ and HNSW are routed: routed-index.ts). */
type FaissFamilyKind = Exclude<IndexKind, 'hnsw' | 'pq'>;

/**
 * VectorIndex over our own faiss addon (station_index.cc): flat or IVF, inner product; the PQ and
 * HNSW kinds are RoutedIndex, also made here. Removal leaves tombstones (the native side destroys
 * the vectors in place) because a flat remove_ids would renumber every later label; search
 * over-fetches past them, and stats().rebuildRecommended tells the gallery when to rebuild. IVF's
 * quantizer size depends on the gallery size, so it is made and trained on the first non-empty add.
 */
class FaissStationIndex implements VectorIndex {
  private native: NativeStationIndex | null;
  private readonly removed: Set<number>;

  constructor(
    readonly kind: FaissFamilyKind,
    readonly dim: number,
    native: NativeStationIndex | null,
    removed: Iterable<number> = [],
  ) {
    this.native = native;
    this.removed = new Set(removed);
  }

  get size(): number {
    const held = this.native?.ntotal ?? 0;
    // IVF really drops removed vectors (ntotal shrinks); flat/HNSW keep scrubbed rows.
    return this.kind === 'ivf' ? held + this.removed.size : held;
  }

  get live(): number {
    return this.size - this.removed.size;
  }

  add(vectors: Float32Array): void {
    if (vectors.length === 0) return;
    checkRows(vectors, this.dim, 'add');
    const n = vectors.length / this.dim;
    native(() => {
      if (!this.native) this.native = this.createNative(n);
      if (!this.native.isTrained)
        this.native.train(trainingSample(vectors, this.dim, n, this.native));
      this.native.add(vectors, this.kind === 'ivf' ? this.size : undefined);
    });
  }

  search(query: Float32Array, k: number): VectorSearchResult {
    return searchOne(this, query, k);
  }

  searchBatch(queries: Float32Array, k: number): VectorBatchSearchResult {
    const shape = batchShape(queries, this.dim, k, this.live);
    if (!shape || !this.native) return noResults();
    const { nq, kk } = shape;
    // IVF dropped removed vectors from its lists; flat/HNSW still hold them (scrubbed).
    const fetch = this.kind === 'ivf' ? kk : Math.min(this.size, kk + this.removed.size);
    const raw = native(() => this.native!.search(queries, fetch));
    if (fetch === kk && this.removed.size === 0) {
      return { labels: raw.labels, scores: raw.distances };
    }
    const labels = new Int32Array(nq * kk).fill(-1);
    const scores = new Float32Array(nq * kk).fill(-Infinity);
    for (let q = 0; q < nq; q++) {
      let taken = 0;
      for (let j = 0; j < fetch && taken < kk; j++) {
        const label = raw.labels[q * fetch + j] ?? -1;
        if (label < 0 || this.removed.has(label)) continue;
        labels[q * kk + taken] = label;
        scores[q * kk + taken] = raw.distances[q * fetch + j] ?? -Infinity;
        taken++;
      }
    }
    return { labels, scores };
  }

  remove(labels: readonly number[]): void {
    const unique = removableLabels(labels, this.size, this.removed);
    if (unique.size === 0 || !this.native) return;
    const ids = Int32Array.from(unique);
    const scrubbed = native(() => this.native!.scrub(ids));
    if (scrubbed !== ids.length) {
      // Only IVF can report fewer (ids missing from its lists): the index and our tombstones
      // disagree, so searching it further could return anything. Rebuild from the database.
      throw new StationError(
        'INDEX_STALE',
        `remove: the index held ${scrubbed} of ${ids.length} labels; rebuild it`,
      );
    }
    for (const label of ids) this.removed.add(label);
  }

  stats(): VectorIndexStats {
    const params: Record<string, number> = {};
    const n = this.native;
    if (n && this.kind === 'ivf') {
      for (const p of ['nlist', 'nprobe'] as const) params[p] = n.getParameter(p);
    }
    return {
      kind: this.kind,
      dim: this.dim,
      size: this.size,
      live: this.live,
      removed: this.removed.size,
      rebuildRecommended: rebuildRecommended(this.size, this.removed.size),
      params,
      engine: engineName(),
    };
  }

  toBuffer(): Buffer {
    const faiss = this.native ? native(() => this.native!.toBuffer()) : null;
    return encodeIndexContainer(
      { kind: this.kind, dim: this.dim, removed: [...this.removed].sort((a, b) => a - b) },
      faiss,
    );
  }

  private createNative(expected: number): NativeStationIndex {
    const index = new (loadStationFaiss().StationIndex)(
      this.dim,
      factoryString(this.kind, expected),
    );
    applySearchParams(this.kind, index, expected);
    return index;
  }
}

function applySearchParams(
  kind: FaissFamilyKind,
  index: NativeStationIndex,
  vectors: number,
): void {
  if (kind === 'ivf') index.setParameter('nprobe', ivfParams(vectors).nprobe);
}

/**
 * Evenly strided rows, trainPerList per list (IVF k-means) or all of them when fewer: a
 * deterministic sample, so a rebuild from the same database gives the same index.
 */
function trainingSample(
  vectors: Float32Array,
  dim: number,
  n: number,
  index: NativeStationIndex,
): Float32Array {
  const want = index.family === 'ivf' ? index.getParameter('nlist') * ivfParams(n).trainPerList : n;
  if (want >= n) return vectors;
  const sample = new Float32Array(want * dim);
  for (let i = 0; i < want; i++) {
    const row = Math.floor((i * n) / want);
    sample.set(vectors.subarray(row * dim, (row + 1) * dim), i * dim);
  }
  return sample;
}

/** Kind strings persisted with the index file; bump the suffix when the file format changes. */
const FACTORY_KIND_PREFIX = 'station-faiss';
/** hnsw@2: routed (one node per enrolment, exact re-ranking); an @1 file is rebuilt. */
const FORMAT_VERSION: Record<IndexKind, number> = { flat: 1, pq: 1, hnsw: 2, ivf: 1 };

export function faissIndexFactory(kind: IndexKind): VectorIndexFactory {
  return {
    kind: `${FACTORY_KIND_PREFIX}-${kind}@${FORMAT_VERSION[kind]}`,
    create(dim) {
      loadStationFaiss(); // fail now (NATIVE_MISSING), not at the first add
      return kind === 'hnsw' || kind === 'pq'
        ? new RoutedIndex(kind, dim)
        : new FaissStationIndex(kind, dim, null);
    },
    fromBuffer(buf, dim) {
      const { header, faiss } = decodeIndexContainer(buf);
      if (header.kind !== kind) {
        throw new StationError(
          'INDEX_STALE',
          `index file holds a ${header.kind} index, not ${kind}`,
        );
      }
      if (header.dim !== dim) {
        throw new StationError(
          'INDEX_STALE',
          `index dim ${header.dim} does not match model dim ${dim}`,
        );
      }
      if (kind === 'hnsw' || kind === 'pq') {
        return faiss
          ? RoutedIndex.fromPayload(kind, faiss, dim, header.removed)
          : new RoutedIndex(kind, dim);
      }
      if (!faiss) return new FaissStationIndex(kind, dim, null, header.removed);
      const index = native(() => loadStationFaiss().StationIndex.fromBuffer(faiss));
      if (index.dim !== dim || index.family !== kind) {
        throw new StationError('INDEX_STALE', `index file content is not a ${dim}-d ${kind} index`);
      }
      const size = kind === 'ivf' ? index.ntotal + header.removed.length : index.ntotal;
      if (header.removed.some((l) => l >= size)) {
        throw new StationError('INDEX_STALE', 'index file lists removed labels it does not hold');
      }
      applySearchParams(kind, index, index.ntotal);
      return new FaissStationIndex(kind, dim, index, header.removed);
    },
  };
}

/** Exact inner-product search: the station's default gallery index. */
export const faissFlatFactory: VectorIndexFactory = faissIndexFactory('flat');

/** One factory per kind, e.g. for `station gallery rebuild --index hnsw`. */
export const faissIndexFactories: Record<IndexKind, VectorIndexFactory> = {
  flat: faissFlatFactory,
  pq: faissIndexFactory('pq'),
  hnsw: faissIndexFactory('hnsw'),
  ivf: faissIndexFactory('ivf'),
};

/** Whether `value` names an index kind (CLI and settings input). */
export function isIndexKind(value: string): value is IndexKind {
  return (INDEX_KINDS as readonly string[]).includes(value);
}
