/**
 * The two classifiers PAD training compares: L2-regularised logistic regression (minimised to
 * convergence, so the optimum rather than a learning rate decides the weights) and
 * a one-hidden-layer MLP (seeded initialisation, full-batch Adam for a fixed number of steps).
 * Both return dense layers in the runtime's format (pad-model.ts); labels are 1 = live.
 */
import type { PadLayer } from '../../src/main/core/liveness/pad-model';
import { dot, seededRandom, sigmoid } from './linear-algebra';

export interface TrainingSet {
  /** Standardised rows. */
  x: Float64Array[];
  /** 1 = live, 0 = attack. */
  y: Uint8Array;
  /** Sample weights (source / class balancing). */
  w: Float64Array;
}

/** Weighted log-loss + (lambda / 2) |w|^2 and its gradient at beta (bias last, unpenalised). */
function logisticObjective(
  rows: readonly Float64Array[],
  t: TrainingSet,
  lambda: number,
  beta: Float64Array,
  grad: Float64Array,
): number {
  const n1 = beta.length;
  const d = n1 - 1;
  grad.fill(0);
  let f = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    let z = 0;
    for (let j = 0; j < n1; j++) z += beta[j]! * row[j]!;
    const y = t.y[i]!;
    // log(1 + e^z) - y z, computed without overflow.
    f += t.w[i]! * ((z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - y * z);
    const r = t.w[i]! * (sigmoid(z) - y);
    for (let j = 0; j < n1; j++) grad[j]! += r * row[j]!;
  }
  for (let j = 0; j < d; j++) {
    f += 0.5 * lambda * beta[j]! * beta[j]!;
    grad[j]! += lambda * beta[j]!;
  }
  return f;
}

/**
 * Logistic regression with an L2 penalty `lambda` (on the weights, not the bias), minimised by
 * L-BFGS (10 pairs, backtracking line search) to a relative gradient of 1e-7: the objective is
 * strictly convex, so the optimum, not the path, decides the weights.
 */
export function fitLogistic(t: TrainingSet, lambda: number, maxIterations = 2000): PadLayer {
  const d = t.x[0]?.length ?? 0;
  const n1 = d + 1;
  // Rows with a trailing 1 for the bias.
  const rows = t.x.map((r) => {
    const a = new Float64Array(n1);
    a.set(r);
    a[d] = 1;
    return a;
  });
  const beta = new Float64Array(n1);
  const g = new Float64Array(n1);
  let f = logisticObjective(rows, t, lambda, beta, g);
  const g0 = Math.sqrt(dot(g, g));
  const hist: { s: Float64Array; y: Float64Array; rho: number }[] = [];
  const next = new Float64Array(n1);
  const gNext = new Float64Array(n1);
  for (let it = 0; it < maxIterations && Math.sqrt(dot(g, g)) > 1e-7 * g0; it++) {
    const dir = lbfgsDirection(g, hist);
    const slope = dot(dir, g);
    let step = it === 0 ? 1 / Math.max(1, g0) : 1;
    let fNext = Infinity;
    for (let k = 0; k < 40; k++, step /= 2) {
      for (let j = 0; j < n1; j++) next[j] = beta[j]! + step * dir[j]!;
      fNext = logisticObjective(rows, t, lambda, next, gNext);
      if (fNext <= f + 1e-4 * step * slope) break;
    }
    if (!(fNext < f)) break;
    const s = Float64Array.from(next, (x, j) => x - beta[j]!);
    const y = Float64Array.from(gNext, (x, j) => x - g[j]!);
    const sy = dot(s, y);
    if (sy > 1e-12) hist.push({ s, y, rho: 1 / sy });
    if (hist.length > 10) hist.shift();
    beta.set(next);
    g.set(gNext);
    f = fNext;
  }
  return { weights: [Array.from(beta.subarray(0, d))], bias: [beta[d]!], activation: 'none' };
}

/** The L-BFGS two-loop recursion: an approximate Newton step -H^-1 g. */
function lbfgsDirection(
  g: Float64Array,
  hist: readonly { s: Float64Array; y: Float64Array; rho: number }[],
): Float64Array {
  const q = Float64Array.from(g);
  const alpha: number[] = [];
  for (let k = hist.length - 1; k >= 0; k--) {
    const h = hist[k]!;
    const a = h.rho * dot(h.s, q);
    alpha[k] = a;
    for (let j = 0; j < q.length; j++) q[j]! -= a * h.y[j]!;
  }
  const last = hist.at(-1);
  const gamma = last ? 1 / (last.rho * dot(last.y, last.y)) : 1;
  for (let j = 0; j < q.length; j++) q[j]! *= gamma;
  for (let k = 0; k < hist.length; k++) {
    const h = hist[k]!;
    const b = h.rho * dot(h.y, q);
    for (let j = 0; j < q.length; j++) q[j]! += h.s[j]! * (alpha[k]! - b);
  }
  for (let j = 0; j < q.length; j++) q[j] = -q[j]!;
  return q;
}

export interface MlpOptions {
  hidden: number;
  l2: number;
  steps: number;
  learningRate: number;
  seed: number;
}

/** A one-hidden-layer ReLU network, full-batch Adam, weighted cross-entropy. */
export function fitMlp(t: TrainingSet, o: MlpOptions): PadLayer[] {
  const d = t.x[0]?.length ?? 0;
  const rnd = seededRandom(o.seed);
  const gauss = (): number =>
    Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
  const w1 = Float64Array.from({ length: o.hidden * d }, () => gauss() * Math.sqrt(2 / d));
  const b1 = new Float64Array(o.hidden);
  const w2 = Float64Array.from({ length: o.hidden }, () => gauss() * Math.sqrt(1 / o.hidden));
  const b2 = new Float64Array(1);
  const params = [w1, b1, w2, b2];
  const m = params.map((p) => new Float64Array(p.length));
  const v = params.map((p) => new Float64Array(p.length));
  const wsum = t.w.reduce((a, b) => a + b, 0);
  const hid = new Float64Array(o.hidden);
  for (let step = 1; step <= o.steps; step++) {
    const grads = params.map((p) => new Float64Array(p.length));
    const [g1, gb1, g2, gb2] = grads as [Float64Array, Float64Array, Float64Array, Float64Array];
    for (let i = 0; i < t.x.length; i++) {
      const row = t.x[i]!;
      let z = b2[0]!;
      for (let h = 0; h < o.hidden; h++) {
        let a = b1[h]!;
        const base = h * d;
        for (let j = 0; j < d; j++) a += w1[base + j]! * row[j]!;
        hid[h] = a > 0 ? a : 0;
        z += w2[h]! * hid[h]!;
      }
      const r = (t.w[i]! * (sigmoid(z) - t.y[i]!)) / wsum;
      gb2[0]! += r;
      for (let h = 0; h < o.hidden; h++) {
        g2[h]! += r * hid[h]!;
        if (hid[h]! <= 0) continue;
        const rh = r * w2[h]!;
        gb1[h]! += rh;
        const base = h * d;
        for (let j = 0; j < d; j++) g1[base + j]! += rh * row[j]!;
      }
    }
    for (let j = 0; j < w1.length; j++) g1[j]! += o.l2 * w1[j]!;
    for (let j = 0; j < w2.length; j++) g2[j]! += o.l2 * w2[j]!;
    adamStep(params, grads, m, v, step, o.learningRate);
  }
  const rows = (flat: Float64Array, r: number, c: number): number[][] =>
    Array.from({ length: r }, (_, i) => Array.from(flat.subarray(i * c, (i + 1) * c)));
  return [
    { weights: rows(w1, o.hidden, d), bias: Array.from(b1), activation: 'relu' },
    { weights: [Array.from(w2)], bias: [b2[0]!], activation: 'none' },
  ];
}

function adamStep(
  params: Float64Array[],
  grads: Float64Array[],
  m: Float64Array[],
  v: Float64Array[],
  step: number,
  lr: number,
): void {
  const b1 = 0.9;
  const b2 = 0.999;
  const c1 = 1 - b1 ** step;
  const c2 = 1 - b2 ** step;
  params.forEach((p, k) => {
    const g = grads[k]!;
    const mk = m[k]!;
    const vk = v[k]!;
    for (let j = 0; j < p.length; j++) {
      mk[j] = b1 * mk[j]! + (1 - b1) * g[j]!;
      vk[j] = b2 * vk[j]! + (1 - b2) * g[j]! * g[j]!;
      p[j]! -= (lr * (mk[j]! / c1)) / (Math.sqrt(vk[j]! / c2) + 1e-8);
    }
  });
}
