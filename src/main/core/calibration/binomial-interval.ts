/**
 * Exact binomial confidence intervals and the normal deviate, in plain TS (no stats library):
 * the figures a threshold decision rests on must be reproducible from this file alone.
 */

/** P(X <= k) for X ~ Binomial(n, p), summed in log space so tiny p and large n stay exact. */
export function binomialCdf(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n || p <= 0) return 1;
  if (p >= 1) return 0;
  const lp = Math.log(p);
  const lq = Math.log1p(-p);
  let logC = 0; // log C(n, 0)
  let sum = 0;
  for (let i = 0; i <= k; i++) {
    if (i > 0) logC += Math.log(n - i + 1) - Math.log(i);
    sum += Math.exp(logC + i * lp + (n - i) * lq);
  }
  return Math.min(1, sum);
}

/** The p in [lo, hi] where the decreasing function f(p) crosses `target` (bisection). */
function solveDecreasing(f: (p: number) => number, target: number, lo: number, hi: number): number {
  for (let i = 0; i < 200 && hi - lo > 1e-15 * Math.max(hi, 1e-300); i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Clopper-Pearson ("exact") two-sided interval for a proportion k/n: never narrower than the
 * truth, which is the safe side for a false-match rate. With k = 0 the upper bound is
 * 1 - (alpha/2)^(1/n), about 3.7/n at 95 %.
 */
export function clopperPearson(k: number, n: number, confidence = 0.95): [number, number] {
  if (!(n > 0) || k < 0 || k > n) throw new RangeError(`bad proportion ${k}/${n}`);
  const alpha = 1 - confidence;
  const lower =
    k === 0
      ? 0
      : k === n
        ? (alpha / 2) ** (1 / n)
        : solveDecreasing((p) => binomialCdf(k - 1, n, p), 1 - alpha / 2, 0, k / n);
  const upper =
    k === n
      ? 1
      : k === 0
        ? 1 - (alpha / 2) ** (1 / n)
        : solveDecreasing((p) => binomialCdf(k, n, p), alpha / 2, k / n, 1);
  return [lower, upper];
}

const TINY = 1e-300;

/** erfc(z) for z >= 0 through the regularised upper incomplete gamma Q(1/2, z^2). */
function erfcNonNegative(z: number): number {
  const x = z * z;
  const a = 0.5;
  const logPrefix = -x + a * Math.log(x) - 0.5 * Math.log(Math.PI); // ln Gamma(1/2) = ln sqrt(pi)
  if (x < a + 1) {
    // Series for the lower function P(a, x); Q = 1 - P.
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 500 && Math.abs(term) > Math.abs(sum) * 1e-16; n++) {
      term *= x / (a + n);
      sum += term;
    }
    return 1 - sum * Math.exp(logPrefix);
  }
  // Continued fraction for Q(a, x), evaluated with the modified Lentz method.
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-16) break;
  }
  return Math.exp(logPrefix) * h;
}

/** Standard normal cumulative distribution, accurate in the tails (DET axes reach 1e-6). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const tail = 0.5 * (z === 0 ? 1 : erfcNonNegative(z));
  return x <= 0 ? tail : 1 - tail;
}

/** Inverse of normalCdf for p in (0, 1): the DET plot's normal deviate. */
export function probit(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`probit needs 0 < p < 1, got ${p}`);
  let lo = -40;
  let hi = 40;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
