import type { IndexKind } from './vector-index';

/**
 * Which index the gallery uses for how many templates, and with which parameters. The
 * figures behind every number are in docs/BENCHMARKS.md ("Index backends"), measured on
 * embeddings of real LFW / CelebA faces from the station's own pipeline, plus galleries
 * synthesised around them; recall@1 is against exact search.
 *
 * - flat (exact) up to FLAT_MAX: nothing to tune, nothing approximate, cheap to rebuild.
 *   Above it exact search no longer meets the door's latency budget on this hardware.
 * - hnsw up to HNSW_MAX: sub-millisecond queries at recall@1 >= 0.99, but memory grows by
 *   ~M*8 bytes per vector on top of the vectors and builds are slow (hours at 10M on 2 cores).
 * - ivf above: coarse k-means lists; scalar-quantised (SQ8, 4x smaller) because at tens of
 *   millions of 512-d vectors RAM, not time, is the constraint.
 * Switching kind is a rebuild from the database (the index is a cache), never a migration.
 */
export const FLAT_MAX = 50_000;
export const HNSW_MAX = 10_000_000;

/**
 * A gallery steps DOWN a kind (HNSW back to flat, IVF back to HNSW) only once it is this far
 * below the boundary: one hovering at 50k would otherwise rebuild as HNSW (minutes) after
 * every enrolment that crosses it and as flat after every erasure.
 */
export const STEP_DOWN_FRACTION = 0.9;

const KIND_RANK: Record<IndexKind, number> = { flat: 0, hnsw: 1, ivf: 2 };

function kindForSize(vectors: number): IndexKind {
  if (vectors <= FLAT_MAX) return 'flat';
  if (vectors <= HNSW_MAX) return 'hnsw';
  return 'ivf';
}

/** The kind for `vectors` templates; `current` (the kind in use) adds the step-down margin. */
export function chooseIndexKind(vectors: number, current: IndexKind | null = null): IndexKind {
  const bySize = kindForSize(vectors);
  if (current === null || KIND_RANK[bySize] >= KIND_RANK[current]) return bySize;
  const withMargin = kindForSize(vectors / STEP_DOWN_FRACTION);
  return KIND_RANK[withMargin] < KIND_RANK[current] ? withMargin : current;
}

export interface HnswParams {
  /** Graph degree (links per node per layer; 2*M on the base layer). */
  M: number;
  /** Candidate list while inserting: build time vs graph quality. */
  efConstruction: number;
  /** Candidate list while searching: latency vs recall. */
  efSearch: number;
}

/**
 * Measured with M=32 and faiss's default efConstruction 40 (efConstruction 64 doubled the
 * build time for no measurable recall): on the real LFW+CelebA embeddings (7k) recall@1 was
 * 0.991 at efSearch 32 and 1.0 at 64; on a 100k face-like gallery 0.961 at 32, 0.9905 at 64,
 * 0.9945 at 96, 0.9975 at 128 and 0.999 at 192 (docs/BENCHMARKS.md). HNSW is only used above
 * FLAT_MAX, so 128 keeps a margin over the 0.99 target up to a few 100k. At 1M (face-like,
 * AVX2 build, 59 min single-threaded) 128 gave only 0.92, so from 500k the search widens to
 * 256; whether that reaches 0.99 at 1M was not measured (docs/BENCHMARKS.md, "With the AVX2
 * faiss build"): a larger efConstruction is the other lever.
 */
export function hnswParams(vectors: number): HnswParams {
  return { M: 32, efConstruction: 40, efSearch: vectors >= 500_000 ? 256 : 128 };
}

export interface IvfParams {
  /** Number of inverted lists (k-means centroids). */
  nlist: number;
  /** Lists scanned per query. */
  nprobe: number;
  /** Training vectors per list (faiss warns below 39). */
  trainPerList: number;
  /** 8-bit scalar quantisation of the stored vectors (4x less memory). */
  sq8: boolean;
}

/**
 * nlist ~ sqrt(n) keeps the coarse step and the list scan balanced; it is capped so every
 * list gets >= 40 training points. Face embeddings of different people are close to
 * orthogonal (impostor cosine ~0.01 +- 0.10: ~100 effective dimensions), so k-means lists
 * separate them poorly: on the real LFW+CelebA embeddings recall@1 was 0.84 scanning 8 of 82
 * lists, 0.971 at 32, 0.988 at 48 and 0.998 at 64. Hence nprobe = 3/4 of the lists: IVF is
 * here for memory (SQ8 at tens of millions), not for speed; HNSW is the speed lever.
 */
export function ivfParams(vectors: number, sq8 = vectors > HNSW_MAX): IvfParams {
  const trainPerList = 40;
  const nlist = Math.max(
    1,
    Math.min(Math.round(Math.sqrt(vectors)), Math.floor(vectors / trainPerList)),
  );
  const nprobe = Math.min(nlist, Math.max(8, Math.ceil((nlist * 3) / 4)));
  return { nlist, nprobe, trainPerList, sq8 };
}

/** faiss factory string for a kind and its parameters (inner-product metric is implied). */
export function factoryString(kind: IndexKind, vectors: number): string {
  switch (kind) {
    case 'flat':
      return 'Flat';
    case 'hnsw':
      return `HNSW${hnswParams(vectors).M},Flat`;
    case 'ivf': {
      const p = ivfParams(vectors);
      return `IVF${p.nlist},${p.sq8 ? 'SQ8' : 'Flat'}`;
    }
  }
}

/**
 * Removed labels stay in the index as scrubbed tombstones until a rebuild; past this share
 * (or REBUILD_MIN_REMOVED for small galleries) a rebuild from the database is recommended,
 * because searches over-fetch by the number of tombstones.
 */
export const REBUILD_REMOVED_FRACTION = 0.1;
export const REBUILD_MIN_REMOVED = 256;

export function rebuildRecommended(size: number, removed: number): boolean {
  if (removed <= 0) return false;
  return removed >= REBUILD_MIN_REMOVED || removed >= REBUILD_REMOVED_FRACTION * size;
}
