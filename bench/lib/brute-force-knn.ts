/**
 * Exact k-nearest-neighbour search by inner product in plain TypeScript: the stand-in for the
 * seed's scikit-learn brute-force KNN in bench/index-backends.ts. Written for speed within
 * plain JS (4-way unrolled dot products, a bounded insertion list for the top k, query blocks
 * that read each gallery row once per block), so the comparison with faiss is fair.
 */
export class BruteForceKnn {
  constructor(
    private readonly vectors: Float32Array,
    readonly dim: number,
  ) {
    if (dim % 4 !== 0)
      throw new Error('BruteForceKnn: dim must be a multiple of 4 (unrolled loop)');
  }

  get size(): number {
    return this.vectors.length / this.dim;
  }

  /** Top-k labels and scores for each of the nq queries (nq*dim), row-major, -1 padded. */
  search(queries: Float32Array, k: number): { labels: Int32Array; scores: Float32Array } {
    const d = this.dim;
    const nq = queries.length / d;
    const labels = new Int32Array(nq * k).fill(-1);
    const scores = new Float32Array(nq * k).fill(-Infinity);
    const block = 8;
    const dots = new Float64Array(block);
    for (let q0 = 0; q0 < nq; q0 += block) {
      const qn = Math.min(block, nq - q0);
      for (let row = 0; row < this.size; row++) {
        const r = row * d;
        for (let b = 0; b < qn; b++) dots[b] = this.dot(queries, (q0 + b) * d, r);
        for (let b = 0; b < qn; b++) insertTopK(labels, scores, (q0 + b) * k, k, row, dots[b]!);
      }
    }
    return { labels, scores };
  }

  private dot(q: Float32Array, qi: number, ri: number): number {
    const v = this.vectors;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let j = 0; j < this.dim; j += 4) {
      s0 += q[qi + j]! * v[ri + j]!;
      s1 += q[qi + j + 1]! * v[ri + j + 1]!;
      s2 += q[qi + j + 2]! * v[ri + j + 2]!;
      s3 += q[qi + j + 3]! * v[ri + j + 3]!;
    }
    return s0 + s1 + s2 + s3;
  }
}

/** Keeps scores[base..base+k) sorted descending; most rows fail the first comparison. */
function insertTopK(
  labels: Int32Array,
  scores: Float32Array,
  base: number,
  k: number,
  label: number,
  score: number,
): void {
  if (score <= scores[base + k - 1]!) return;
  let i = base + k - 1;
  while (i > base && scores[i - 1]! < score) {
    scores[i] = scores[i - 1]!;
    labels[i] = labels[i - 1]!;
    i--;
  }
  scores[i] = score;
  labels[i] = label;
}
