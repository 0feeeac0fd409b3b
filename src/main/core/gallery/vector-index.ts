/**
 * What the gallery needs from a vector index. Labels are handed out densely, 0..size-1 in
 * insertion order, and are never reused or renumbered (not even by remove); the gallery maps
 * them to template ids. Implemented by adapters/faiss-vector-index.ts.
 */

/** The index families the station can build; see index-policy.ts for when each is used. */
export const INDEX_KINDS = ['flat', 'pq', 'hnsw', 'ivf'] as const;
export type IndexKind = (typeof INDEX_KINDS)[number];

export interface VectorSearchResult {
  labels: number[];
  scores: number[];
}

export interface VectorBatchSearchResult {
  /** nq * k, row-major; -1 pads rows that have fewer than k live results. */
  labels: Int32Array;
  /** Inner products aligned with labels (-Infinity where the label is -1). */
  scores: Float32Array;
}

export interface VectorIndexStats {
  kind: IndexKind;
  dim: number;
  /** Labels handed out (live + removed). */
  size: number;
  /** Labels that can still be returned. */
  live: number;
  /** Removed labels still occupying a slot (scrubbed vectors; see remove). */
  removed: number;
  /** True when enough was removed that a rebuild from the database pays off. */
  rebuildRecommended: boolean;
  /** Search-time knobs in effect, e.g. { efSearch: 64 } or { nprobe: 24, nlist: 512 }. */
  params: Record<string, number>;
  /** The search library build, e.g. "faiss 1.7.3 avx2": speed differs 4-5x between builds. */
  engine: string;
}

export interface VectorIndex {
  readonly dim: number;
  readonly kind: IndexKind;
  /** Labels handed out so far, removed ones included: the next add starts at this label. */
  readonly size: number;
  /** size minus removed labels. */
  readonly live: number;
  /**
   * Adds n vectors given as one n*dim array (L2-normalised). `groups` (n entries, optional)
   * marks rows of the same person in this call: the PQ and HNSW kinds route searches through
   * one entry per group (adapters/routed-index.ts); the others ignore it.
   */
  add(vectors: Float32Array, groups?: ArrayLike<number>): void;
  /** Inner-product top-k over live labels; k is clamped to live. */
  search(query: Float32Array, k: number): VectorSearchResult;
  /** The same for nq queries given as one nq*dim array, in one native call. */
  searchBatch(queries: Float32Array, k: number): VectorBatchSearchResult;
  /**
   * Erasure: after this, the labels are never returned by search and their vectors are gone
   * from memory and from toBuffer() (destroyed in place, not merely hidden); other labels keep
   * their numbers. Unknown or already removed labels are an error.
   */
  remove(labels: readonly number[]): void;
  stats(): VectorIndexStats;
  /** Serialised index bytes (removed labels included), for persisting beside the database. */
  toBuffer(): Buffer;
  /**
   * True when fromBuffer() kept (part of) the buffer it was given as the index's own memory
   * (the routed kinds keep their rows in place: no second full-size copy at start) and zeroed
   * the rest; the caller must then neither reuse nor zero that buffer.
   */
  readonly keepsLoadBuffer?: boolean;
}

export interface VectorIndexFactory {
  /** Persisted with the index file; a saved index of another kind string is rebuilt. */
  readonly kind: string;
  create(dim: number): VectorIndex;
  fromBuffer(buf: Buffer, dim: number): VectorIndex;
}
