/**
 * What the gallery needs from a vector index. Labels are dense 0..size-1 in insertion order;
 * the gallery maps them to template ids. Implemented by adapters/faiss-vector-index.ts.
 */
export interface VectorIndex {
  readonly dim: number;
  readonly size: number;
  /** Adds n vectors given as one n*dim array (L2-normalised). */
  add(vectors: Float32Array): void;
  /** Inner-product top-k; k is clamped to size. */
  search(query: Float32Array, k: number): { labels: number[]; scores: number[] };
  /** Serialised index bytes, for persisting beside the database. */
  toBuffer(): Buffer;
}

export interface VectorIndexFactory {
  readonly kind: string;
  create(dim: number): VectorIndex;
  fromBuffer(buf: Buffer, dim: number): VectorIndex;
}
