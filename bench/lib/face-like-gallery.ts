/**
 * Real-face-like galleries of any size for bench/index-backends.ts, synthesised from real
 * embeddings (tests/support/face-embeddings.ts: LFW + CelebA through the station's pipeline).
 *
 * Why not random vectors: uniformly random 512-d unit vectors are all nearly orthogonal, the
 * worst case for graph and cluster indexes and nothing like faces, whose embeddings share a
 * common direction, spread anisotropically, and cluster tightly per person.
 *
 * Method (identity-centred perturbation):
 *  1. From the real embeddings, per identity with >= 2 images: the identity mean m_i, and the
 *     residuals e - m_i (scaled by sqrt(n/(n-1)) to undo the mean's own pull).
 *  2. Fit two Gaussians in the 512-d space: identity centres ~ N(mu_c, S_c) from the means,
 *     within-identity noise ~ N(0, S_w) from the residuals (full covariances, Cholesky with a
 *     small ridge).
 *  3. A synthetic identity is c = mu_c + alpha * L_c z; each of its embeddings (5 per identity
 *     in the gallery, more as probes) is normalise(c + beta * s * L_w z'), where s is a
 *     per-embedding log-normal factor (mean 1, log-sd `spread`): real photos of one person
 *     range from studio-like to blurred profile, so genuine similarity varies widely
 *     (real genuine std ~0.14), which one fixed noise level cannot reproduce.
 *  4. alpha, beta and spread are chosen by a small grid search so that genuine (same identity)
 *     and impostor cosine similarities of the synthetic set match the real ones (mean, spread,
 *     tails): the printed table compares them.
 * Everything is seeded: the same gallery on every run.
 */
import type { LabelledEmbeddings } from '../../tests/support/face-embeddings';

/** mulberry32: small, seeded, good enough for sampling. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

export function dotAt(a: Float32Array, ai: number, b: Float32Array, bi: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) s += (a[ai + j] ?? 0) * (b[bi + j] ?? 0);
  return s;
}

function normaliseInPlace(v: Float32Array, offset: number, d: number): void {
  let n = 0;
  for (let j = 0; j < d; j++) n += (v[offset + j] ?? 0) ** 2;
  const inv = 1 / Math.sqrt(n || 1);
  for (let j = 0; j < d; j++) v[offset + j] = (v[offset + j] ?? 0) * inv;
}

/** Lower-triangular L with L L^T = cov + ridge*I (row-major d*d, Float64). */
function cholesky(cov: Float64Array, d: number, ridge: number): Float64Array {
  const L = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = (cov[i * d + j] ?? 0) + (i === j ? ridge : 0);
      for (let k = 0; k < j; k++) s -= (L[i * d + k] ?? 0) * (L[j * d + k] ?? 0);
      L[i * d + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / (L[j * d + j] ?? 1);
    }
  }
  return L;
}

interface Gaussian {
  mean: Float64Array;
  chol: Float64Array;
}

/** Mean and Cholesky factor of the covariance of `rows` (n*d). */
function fitGaussian(rows: Float64Array, n: number, d: number, centred: boolean): Gaussian {
  const mean = new Float64Array(d);
  if (!centred) {
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += rows[i * d + j]! / n;
  }
  const cov = new Float64Array(d * d);
  const x = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) x[j] = rows[i * d + j]! - mean[j]!;
    for (let a = 0; a < d; a++) {
      const xa = x[a]!;
      if (xa === 0) continue;
      const row = a * d;
      for (let b = 0; b <= a; b++) cov[row + b]! += xa * x[b]!;
    }
  }
  for (let a = 0; a < d; a++) {
    for (let b = 0; b <= a; b++) {
      const v = cov[a * d + b]! / Math.max(1, n - 1);
      cov[a * d + b] = v;
      cov[b * d + a] = v;
    }
  }
  let trace = 0;
  for (let a = 0; a < d; a++) trace += cov[a * d + a]!;
  return { mean, chol: cholesky(cov, d, 1e-3 * (trace / d)) };
}

/** out[offset..] = scale * L z (z standard normal). */
function sampleCorrelated(
  g: Gaussian,
  scale: number,
  d: number,
  rand: () => number,
  z: Float64Array,
  out: Float64Array,
): void {
  for (let j = 0; j < d; j++) z[j] = gaussian(rand);
  for (let i = 0; i < d; i++) {
    let s = 0;
    const row = i * d;
    for (let k = 0; k <= i; k++) s += g.chol[row + k]! * z[k]!;
    out[i] = scale * s;
  }
}

export interface FaceModel {
  d: number;
  centres: Gaussian;
  within: Gaussian;
  alpha: number;
  beta: number;
  spread: number;
}

export interface SimilarityStats {
  genuineMean: number;
  genuineStd: number;
  genuineP05: number;
  impostorMean: number;
  impostorStd: number;
  impostorP999: number;
}

function stats(values: number[]): { mean: number; std: number; sorted: number[] } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  return { mean, std, sorted: [...values].sort((a, b) => a - b) };
}

function at(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

/** Genuine and impostor cosine statistics of labelled unit vectors (sampled pairs). */
export function similarityStats(
  vectors: Float32Array,
  identity: readonly (string | number)[],
  d: number,
  seed = 1,
): SimilarityStats {
  const byId = new Map<string | number, number[]>();
  identity.forEach((id, i) => byId.set(id, [...(byId.get(id) ?? []), i]));
  const genuine: number[] = [];
  for (const rows of byId.values()) {
    for (let a = 0; a < rows.length; a++) {
      for (let b = a + 1; b < rows.length; b++) {
        genuine.push(dotAt(vectors, rows[a]! * d, vectors, rows[b]! * d, d));
      }
    }
  }
  const rand = rng(seed);
  const impostor: number[] = [];
  const n = identity.length;
  while (impostor.length < 20000) {
    const a = Math.floor(rand() * n);
    const b = Math.floor(rand() * n);
    if (identity[a] === identity[b]) continue;
    impostor.push(dotAt(vectors, a * d, vectors, b * d, d));
  }
  const g = stats(genuine);
  const im = stats(impostor);
  return {
    genuineMean: g.mean,
    genuineStd: g.std,
    genuineP05: at(g.sorted, 0.05),
    impostorMean: im.mean,
    impostorStd: im.std,
    impostorP999: at(im.sorted, 0.999),
  };
}

/** Fits the two Gaussians of the method above to real embeddings (alpha = beta = 1). */
export function fitFaceModel(real: LabelledEmbeddings): FaceModel {
  const d = real.dim;
  const byId = new Map<string, number[]>();
  real.images.forEach((img, i) => byId.set(img.identity, [...(byId.get(img.identity) ?? []), i]));
  const groups = [...byId.values()].filter((rows) => rows.length >= 2);
  const residualCount = groups.reduce((a, g) => a + g.length, 0);
  const means = new Float64Array(groups.length * d);
  const residuals = new Float64Array(residualCount * d);
  let r = 0;
  groups.forEach((rows, gi) => {
    for (const i of rows)
      for (let j = 0; j < d; j++) means[gi * d + j]! += real.vectors[i * d + j]! / rows.length;
    const unbias = Math.sqrt(rows.length / (rows.length - 1));
    for (const i of rows) {
      for (let j = 0; j < d; j++) {
        residuals[r * d + j] = (real.vectors[i * d + j]! - means[gi * d + j]!) * unbias;
      }
      r++;
    }
  });
  return {
    d,
    centres: fitGaussian(means, groups.length, d, false),
    within: fitGaussian(residuals, residualCount, d, true),
    alpha: 1,
    beta: 1,
    spread: 0,
  };
}

/**
 * `identities` synthetic people with `perIdentity` embeddings each, identity-major
 * (rows i*perIdentity .. of identity i). Centres are returned for drawing probes later.
 */
export function synthesise(
  model: FaceModel,
  identities: number,
  perIdentity: number,
  seed: number,
): { vectors: Float32Array; centres: Float32Array } {
  const { d } = model;
  const rand = rng(seed);
  const z = new Float64Array(d);
  const tmp = new Float64Array(d);
  const vectors = new Float32Array(identities * perIdentity * d);
  const centres = new Float32Array(identities * d);
  for (let id = 0; id < identities; id++) {
    sampleCorrelated(model.centres, model.alpha, d, rand, z, tmp);
    for (let j = 0; j < d; j++) centres[id * d + j] = model.centres.mean[j]! + tmp[j]!;
    for (let k = 0; k < perIdentity; k++) {
      drawAround(model, centres, id, rand, z, tmp, vectors, (id * perIdentity + k) * d);
    }
  }
  return { vectors, centres };
}

/** One more embedding of synthetic identity `id` (a door probe). */
export function drawAround(
  model: FaceModel,
  centres: Float32Array,
  id: number,
  rand: () => number,
  z: Float64Array,
  tmp: Float64Array,
  out: Float32Array,
  offset: number,
): void {
  const { d } = model;
  const s = Math.exp(model.spread * gaussian(rand) - (model.spread * model.spread) / 2);
  sampleCorrelated(model.within, model.beta * s, d, rand, z, tmp);
  for (let j = 0; j < d; j++) out[offset + j] = centres[id * d + j]! + tmp[j]!;
  normaliseInPlace(out, offset, d);
}

function score(s: SimilarityStats, t: SimilarityStats): number {
  return (
    ((s.genuineMean - t.genuineMean) / 0.02) ** 2 +
    ((s.genuineStd - t.genuineStd) / 0.02) ** 2 +
    ((s.genuineP05 - t.genuineP05) / 0.03) ** 2 +
    ((s.impostorMean - t.impostorMean) / 0.02) ** 2 +
    ((s.impostorStd - t.impostorStd) / 0.01) ** 2 +
    ((s.impostorP999 - t.impostorP999) / 0.03) ** 2
  );
}

/** Grid search of alpha (centre spread), beta (within noise) and spread to match `target`. */
export function calibrate(model: FaceModel, target: SimilarityStats): FaceModel {
  const ids = 300;
  const per = 5;
  const labels = Array.from({ length: ids * per }, (_, i) => Math.floor(i / per));
  let best = { m: model, s: Infinity };
  for (const alpha of [0.9, 1, 1.1]) {
    for (const beta of [0.9, 1, 1.1, 1.25]) {
      for (const spread of [0, 0.3, 0.45, 0.6]) {
        const m = { ...model, alpha, beta, spread };
        const { vectors } = synthesise(m, ids, per, 11);
        const s = score(similarityStats(vectors, labels, model.d, 3), target);
        if (s < best.s) best = { m, s };
      }
    }
  }
  return best.m;
}
