/** Vector maths for face embeddings. Embeddings are compared by cosine = dot of unit vectors. */

/** L2-normalises `v` into `out` (default: a new array). A zero vector stays zero. */
export function l2Normalize(
  v: Float32Array,
  out: Float32Array = new Float32Array(v.length),
): Float32Array {
  if (out.length !== v.length) throw new RangeError('l2Normalize: length mismatch');
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  const norm = Math.sqrt(sum);
  const inv = norm > 0 ? 1 / norm : 0;
  for (let i = 0; i < v.length; i++) out[i] = v[i]! * inv;
  return out;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length)
    throw new RangeError(`dot: length mismatch ${a.length} vs ${b.length}`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Cosine similarity in [-1, 1]; 0 when either vector is zero. */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ab = dot(a, b);
  const na = Math.sqrt(dot(a, a));
  const nb = Math.sqrt(dot(b, b));
  return na > 0 && nb > 0 ? ab / (na * nb) : 0;
}

/** Element-wise mean of unit vectors, re-normalised: a template from several captures. */
export function meanEmbedding(vectors: readonly Float32Array[]): Float32Array {
  const first = vectors[0];
  if (!first) throw new RangeError('meanEmbedding: no vectors');
  const acc = new Float32Array(first.length);
  for (const v of vectors) {
    if (v.length !== acc.length) throw new RangeError('meanEmbedding: length mismatch');
    for (let i = 0; i < v.length; i++) acc[i]! += v[i]!;
  }
  return l2Normalize(acc, acc);
}
