/**
 * Splits a flow field into what a rigid, flat object could do and what it could not. Any
 * motion of a planar photo or phone screen seen by a camera is, over a face-sized patch and a
 * frame's time, very nearly an affine map (translation, rotation, zoom, shear); a living face
 * adds what no affine map explains: eyelids, lips, cheeks, and the parallax of a 3-D head
 * turning. The residual of a least-squares affine fit is therefore the micro-motion cue, and it
 * is insensitive to how fast the whole face (or the camera) moves, which the raw flow variance
 * of the seed's Farneback approach is not (a tilted photo gives varying flow magnitudes).
 */
import type { FlowVector } from './block-matching';

export interface AffineFlowFit {
  /** dx = a0 + a1 x + a2 y, dy = b0 + b1 x + b2 y (x, y relative to the vectors' centroid). */
  a: [number, number, number];
  b: [number, number, number];
  /** Mean residual length, pixels, each residual clipped at `clip` (one mismatched block). */
  residual: number;
  /** Mean of the largest third of the clipped residuals: local motion (eyes, lips) stands out. */
  residualTop: number;
  /**
   * Spatial coherence of the residual field, -1..1: how alike neighbouring blocks' residuals are
   * (residualCoherence).
   */
  coherence: number;
  /** Translation at the centroid, pixels. */
  translation: [number, number];
  count: number;
}

function solve3(m: number[][], v: number[]): [number, number, number] | null {
  const [r0, r1, r2] = m as [number[], number[], number[]];
  const det =
    r0[0]! * (r1[1]! * r2[2]! - r1[2]! * r2[1]!) -
    r0[1]! * (r1[0]! * r2[2]! - r1[2]! * r2[0]!) +
    r0[2]! * (r1[0]! * r2[1]! - r1[1]! * r2[0]!);
  if (!(Math.abs(det) > 1e-9)) return null;
  const col = (k: number): number => {
    const c = m.map((row, i) => row.map((x, j) => (j === k ? v[i]! : x)));
    const [c0, c1, c2] = c as [number[], number[], number[]];
    return (
      (c0[0]! * (c1[1]! * c2[2]! - c1[2]! * c2[1]!) -
        c0[1]! * (c1[0]! * c2[2]! - c1[2]! * c2[0]!) +
        c0[2]! * (c1[0]! * c2[1]! - c1[1]! * c2[0]!)) /
      det
    );
  };
  return [col(0), col(1), col(2)];
}

/**
 * Least-squares affine fit of the flow vectors. Null with fewer than 6 vectors or when they are
 * collinear (the fit would be underdetermined and the residual meaninglessly zero).
 */
export function fitAffineFlow(vectors: readonly FlowVector[], clip: number): AffineFlowFit | null {
  const n = vectors.length;
  if (n < 6) return null;
  let mx = 0;
  let my = 0;
  for (const v of vectors) {
    mx += v.x;
    my += v.y;
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  let sx = 0;
  let sy = 0;
  const bx = [0, 0, 0];
  const by = [0, 0, 0];
  for (const v of vectors) {
    const x = v.x - mx;
    const y = v.y - my;
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
    syy += y * y;
    bx[0]! += v.dx;
    bx[1]! += v.dx * x;
    bx[2]! += v.dx * y;
    by[0]! += v.dy;
    by[1]! += v.dy * x;
    by[2]! += v.dy * y;
  }
  const normal = [
    [n, sx, sy],
    [sx, sxx, sxy],
    [sy, sxy, syy],
  ];
  const a = solve3(normal, bx);
  const b = solve3(normal, by);
  if (!a || !b) return null;
  const residuals: number[] = [];
  const errors: Residual[] = [];
  for (const v of vectors) {
    const x = v.x - mx;
    const y = v.y - my;
    const ex = v.dx - (a[0] + a[1] * x + a[2] * y);
    const ey = v.dy - (b[0] + b[1] * x + b[2] * y);
    residuals.push(Math.min(clip, Math.hypot(ex, ey)));
    errors.push({ x: v.x, y: v.y, ex, ey });
  }
  residuals.sort((p, q) => q - p);
  const top = residuals.slice(0, Math.max(1, Math.round(n / 3)));
  const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
  return {
    a,
    b,
    residual: mean(residuals),
    residualTop: mean(top),
    coherence: residualCoherence(errors, clip),
    translation: [a[0], b[0]],
    count: n,
  };
}

interface Residual {
  x: number;
  y: number;
  ex: number;
  ey: number;
}

/**
 * Normalised correlation of the residual vectors of neighbouring grid blocks (within 1.5 grid
 * steps). What an affine map leaves of a flat object's motion is matching noise and resampling
 * error, which differs from block to block; an eyelid, a lip or the parallax of a turning head
 * moves a whole region the same way. Residuals longer than `clip` (mismatches) are left out.
 * 0 when fewer than 3 neighbour pairs remain.
 */
export function residualCoherence(errors: readonly Residual[], clip: number): number {
  const kept = errors.filter((e) => Math.hypot(e.ex, e.ey) <= clip);
  let step = Infinity;
  for (let i = 0; i < kept.length; i++)
    for (let j = i + 1; j < kept.length; j++) {
      const d = Math.hypot(kept[i]!.x - kept[j]!.x, kept[i]!.y - kept[j]!.y);
      if (d > 1e-6) step = Math.min(step, d);
    }
  let dot = 0;
  let norm = 0;
  let pairs = 0;
  for (let i = 0; i < kept.length; i++)
    for (let j = i + 1; j < kept.length; j++) {
      const p = kept[i]!;
      const q = kept[j]!;
      if (Math.hypot(p.x - q.x, p.y - q.y) > 1.5 * step) continue;
      dot += p.ex * q.ex + p.ey * q.ey;
      norm += (p.ex * p.ex + p.ey * p.ey + q.ex * q.ex + q.ey * q.ey) / 2;
      pairs++;
    }
  return pairs >= 3 && norm > 0 ? dot / norm : 0;
}
