import type { IndexKind } from './vector-index';

/**
 * Which index the gallery uses for how many templates, with which parameters; the figures are in
 * docs/BENCHMARKS.md ("Index backends", "Routed indexes at 1M"), recall@1 against exact search.
 * - flat up to FLAT_MAX: exact, nothing to tune, cheap to rebuild; above it too slow for the door.
 * - pq up to PQ_MAX: routed (adapters/routed-index.ts), recall@1 0.993 at p99 1.6 ms at 1M.
 * - hnsw (admin choice only): the same routing through a graph, slower to build and worse on
 *   faces, whose identities are nearly orthogonal.
 * - ivf above: SQ8 lists, because at tens of millions of vectors RAM is the constraint.
 * Switching kind is a rebuild from the database (the index is a cache), never a migration.
 */
export const FLAT_MAX = 50_000;
export const PQ_MAX = 10_000_000;

/**
 * A gallery steps DOWN a kind (PQ back to flat, IVF back to PQ) only once it is this far
 * below the boundary: one hovering at 50k would otherwise rebuild as PQ after
 * every enrolment that crosses it and as flat after every erasure.
 */
export const STEP_DOWN_FRACTION = 0.9;

const KIND_RANK: Record<IndexKind, number> = { flat: 0, pq: 1, hnsw: 1, ivf: 2 };

function kindForSize(vectors: number): IndexKind {
  if (vectors <= FLAT_MAX) return 'flat';
  if (vectors <= PQ_MAX) return 'pq';
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

export interface RoutedHnswParams extends HnswParams {
  /** Routes (a person's enrolment) whose templates are re-ranked exactly per query. */
  routesProbed: number;
}

/**
 * The HNSW kind: a graph over routes (one per person's enrolment) with exact re-ranking of the
 * best routes' templates. efSearch grows with the route count because the graph walk is what
 * misses at scale (docs/BENCHMARKS.md, "Routed indexes at 1M"); 8 routes probed leave room for
 * persons with few templates.
 */
export function routedHnswParams(routes: number): RoutedHnswParams {
  return {
    M: 32,
    efConstruction: 40,
    efSearch: routes < 50_000 ? 64 : routes < 150_000 ? 128 : 256,
    routesProbed: 8,
  };
}

/**
 * Routes re-ranked exactly per query. PQ kind, 1M templates (200k persons, PQ128x4fs):
 * recall@1 against exact search 0.993 probing 4 to 32 routes, 0.995 at 64; 16 had the lowest
 * p99 of the light-load runs (docs/BENCHMARKS.md, "Routed indexes").
 */
export function routesProbed(kind: 'hnsw' | 'pq', routes: number): number {
  return kind === 'hnsw' ? routedHnswParams(routes).routesProbed : 16;
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
 * nlist ~ sqrt(n), capped so every list gets >= 40 training points. Face identities are nearly
 * orthogonal, so k-means lists separate them poorly (recall@1 0.84 scanning 8 of 82 lists on real
 * embeddings): nprobe is 3/4 of the lists, and IVF is here for memory (SQ8), not speed.
 */
export function ivfParams(vectors: number, sq8 = vectors > PQ_MAX): IvfParams {
  const trainPerList = 40;
  const nlist = Math.max(
    1,
    Math.min(Math.round(Math.sqrt(vectors)), Math.floor(vectors / trainPerList)),
  );
  const nprobe = Math.min(nlist, Math.max(8, Math.ceil((nlist * 3) / 4)));
  return { nlist, nprobe, trainPerList, sq8 };
}

/**
 * faiss factory string of the kinds served by one faiss index (inner-product metric is
 * implied); the PQ and HNSW kinds are built by adapters/routed-index.ts.
 */
export function factoryString(kind: Exclude<IndexKind, 'hnsw'>, vectors: number): string {
  if (kind === 'flat') return 'Flat';
  const p = ivfParams(vectors);
  return `IVF${p.nlist},${p.sq8 ? 'SQ8' : 'Flat'}`;
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
