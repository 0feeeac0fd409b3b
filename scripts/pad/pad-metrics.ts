/** Ranking and error-rate measures for PAD scores (score = live probability, 1 = live). */

/** Area under the ROC curve (live scored above attack), ties counted half; NaN without both. */
export function auc(live: readonly number[], attack: readonly number[]): number {
  if (live.length === 0 || attack.length === 0) return Number.NaN;
  const all = [
    ...live.map((s) => ({ s, live: true })),
    ...attack.map((s) => ({ s, live: false })),
  ].sort((a, b) => a.s - b.s);
  let rankSum = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j < all.length && all[j]!.s === all[i]!.s) j++;
    const mid = (i + j + 1) / 2;
    for (let k = i; k < j; k++) if (all[k]!.live) rankSum += mid;
    i = j;
  }
  const n1 = live.length;
  return (rankSum - (n1 * (n1 + 1)) / 2) / (n1 * attack.length);
}

/** Share of `xs` strictly below `t`. */
export function shareBelow(xs: readonly number[], t: number): number {
  return xs.length ? xs.filter((x) => x < t).length / xs.length : Number.NaN;
}

/** Share of `xs` at or above `t`. */
export function shareAtOrAbove(xs: readonly number[], t: number): number {
  return xs.length ? xs.filter((x) => x >= t).length / xs.length : Number.NaN;
}

/**
 * The threshold at which `bpcer` of the live scores fall below it (live needs score >= t): the
 * lower `bpcer`-quantile of the live scores, interpolated between order statistics.
 */
export function thresholdAtBpcer(live: readonly number[], bpcer: number): number {
  const s = [...live].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const pos = bpcer * s.length;
  const i = Math.floor(pos);
  if (i <= 0) return s[0]!;
  if (i >= s.length) return s.at(-1)! + 1e-9;
  // Between the i-th and (i+1)-th smallest: exactly i scores are below the midpoint.
  return (s[i - 1]! + s[i]!) / 2;
}

/** The equal-error threshold (APCER = BPCER) by a scan over the observed scores. */
export function eerThreshold(live: readonly number[], attack: readonly number[]): number {
  const cands = [...new Set([...live, ...attack])].sort((a, b) => a - b);
  let best = { t: 0.5, gap: Infinity };
  for (const t of cands) {
    const gap = Math.abs(shareBelow(live, t) - shareAtOrAbove(attack, t));
    if (gap < best.gap) best = { t, gap };
  }
  return best.t;
}
