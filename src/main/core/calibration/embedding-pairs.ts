/**
 * Genuine and impostor similarity scores from labelled embeddings held in one flat
 * Float32Array (row i = embedding i, L2-normalised), without building pair objects: the
 * station calibrates on its own templates and on uploaded photos, where impostor pairs grow
 * with the square of the count and a million of them must stay a typed-array job.
 */

/** Pairs as two parallel index arrays (row of the first and of the second embedding). */
export interface IndexPairs {
  a: Int32Array;
  b: Int32Array;
}

export interface LabelledScores {
  genuine: Float64Array;
  impostor: Float64Array;
  /** Cross-label pairs that exist; `impostor.length` is smaller when they were sampled. */
  impostorAvailable: number;
}

/** Cosine (dot of unit rows) of every pair; one tight loop over the flat array. */
export function scoreIndexPairs(
  vectors: Float32Array,
  dim: number,
  pairs: IndexPairs,
): Float64Array {
  const n = pairs.a.length;
  const out = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    const ai = pairs.a[p]! * dim;
    const bi = pairs.b[p]! * dim;
    let s = 0;
    for (let j = 0; j < dim; j++) s += vectors[ai + j]! * vectors[bi + j]!;
    out[p] = s;
  }
  return out;
}

/** xorshift32 in [0, 1): seeded, so a sampled calibration gives the same numbers every run. */
function seededRandom(seed: number): () => number {
  let x = seed >>> 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

/** Every same-label pair (i < j). */
export function genuinePairs(labels: Int32Array): IndexPairs {
  const byLabel = new Map<number, number[]>();
  labels.forEach((l, i) => {
    const rows = byLabel.get(l);
    if (rows) rows.push(i);
    else byLabel.set(l, [i]);
  });
  const a: number[] = [];
  const b: number[] = [];
  for (const rows of byLabel.values()) {
    for (let i = 0; i < rows.length; i++) {
      for (let j = i + 1; j < rows.length; j++) {
        a.push(rows[i]!);
        b.push(rows[j]!);
      }
    }
  }
  return { a: Int32Array.from(a), b: Int32Array.from(b) };
}

/** Number of cross-label pairs: all pairs minus same-label pairs. */
export function impostorPairCount(labels: Int32Array): number {
  const counts = new Map<number, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  let same = 0;
  for (const c of counts.values()) same += (c * (c - 1)) / 2;
  return (labels.length * (labels.length - 1)) / 2 - same;
}

/**
 * Cross-label pairs: all of them when there are at most `max`, else `max` drawn uniformly
 * (with replacement; at these sizes repeats are rare and do not bias the rates).
 */
export function impostorPairs(labels: Int32Array, max: number, seed = 1): IndexPairs {
  const n = labels.length;
  const available = impostorPairCount(labels);
  if (available <= max) {
    const a = new Int32Array(available);
    const b = new Int32Array(available);
    let k = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        if (labels[i] === labels[j]) continue;
        a[k] = i;
        b[k++] = j;
      }
    }
    return { a, b };
  }
  const rand = seededRandom(seed);
  const a = new Int32Array(max);
  const b = new Int32Array(max);
  for (let k = 0; k < max;) {
    const i = Math.floor(rand() * n);
    const j = Math.floor(rand() * n);
    if (labels[i] === labels[j]) continue;
    a[k] = i;
    b[k++] = j;
  }
  return { a, b };
}

/** Pairs scored per slice before the event loop gets a turn (about 0.1-0.2 s of work). */
const PAIRS_PER_SLICE = 100_000;

/** Lets queued I/O run (door frames share this process) between slices of a long job. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** scoreIndexPairs in slices, yielding between them: a million pairs never stall the door. */
export async function scoreIndexPairsYielding(
  vectors: Float32Array,
  dim: number,
  pairs: IndexPairs,
): Promise<Float64Array> {
  const out = new Float64Array(pairs.a.length);
  for (let from = 0; from < pairs.a.length; from += PAIRS_PER_SLICE) {
    const to = Math.min(pairs.a.length, from + PAIRS_PER_SLICE);
    const slice = { a: pairs.a.subarray(from, to), b: pairs.b.subarray(from, to) };
    out.set(scoreIndexPairs(vectors, dim, slice), from);
    await yieldToEventLoop();
  }
  return out;
}

/** Genuine and impostor scores of labelled unit embeddings (impostors capped at `maxImpostor`). */
export async function labelledScores(
  vectors: Float32Array,
  dim: number,
  labels: Int32Array,
  maxImpostor: number,
): Promise<LabelledScores> {
  return {
    genuine: await scoreIndexPairsYielding(vectors, dim, genuinePairs(labels)),
    impostor: await scoreIndexPairsYielding(vectors, dim, impostorPairs(labels, maxImpostor)),
    impostorAvailable: impostorPairCount(labels),
  };
}
