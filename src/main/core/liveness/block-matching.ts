/**
 * Sparse optical flow by block matching on 8-bit grey images: for each block of the earlier
 * image, the integer shift within +-radius that minimises the sum of squared differences in the
 * later image, refined to sub-pixel by one Lucas-Kanade step.
 * A TypeScript stand-in for OpenCV's dense Farneback flow: we only need vectors on a coarse grid
 * of the face, and block matching is exact for the small shifts micro-motion produces.
 */
import type { GreyImage } from '../vision/image-ops';

export interface FlowVector {
  /** Block centre in the earlier image. */
  x: number;
  y: number;
  /** Displacement to the later image, pixels. */
  dx: number;
  dy: number;
}

export interface BlockMatchOptions {
  /** Half side of the square block (block side = 2 * half). */
  half: number;
  /** Largest shift searched in each axis, pixels. */
  radius: number;
  /**
   * Minimum grey-level standard deviation inside the block: flat blocks (a white wall, a cheek
   * in soft light) match anywhere, and their "motion" would be noise.
   */
  minStd: number;
}

function blockStd(img: GreyImage, x0: number, y0: number, side: number): number {
  let s = 0;
  let s2 = 0;
  for (let y = y0; y < y0 + side; y++) {
    const row = y * img.width;
    for (let x = x0; x < x0 + side; x++) {
      const v = img.data[row + x]!;
      s += v;
      s2 += v * v;
    }
  }
  const n = side * side;
  const mean = s / n;
  return Math.sqrt(Math.max(0, s2 / n - mean * mean));
}

function ssd(
  a: GreyImage,
  b: GreyImage,
  x0: number,
  y0: number,
  side: number,
  dx: number,
  dy: number,
): number {
  let s = 0;
  const w = a.width;
  for (let y = y0; y < y0 + side; y++) {
    const ra = y * w;
    const rb = (y + dy) * w + dx;
    for (let x = x0; x < x0 + side; x++) {
      const d = a.data[ra + x]! - b.data[rb + x]!;
      s += d * d;
    }
  }
  return s;
}

/**
 * One Lucas-Kanade step around the integer match: solves grad(B) . u = A - B over the block in
 * the least-squares sense. Unbiased to first order (an exact match gives exactly 0, where a
 * parabola through neighbouring SSD values picks up the texture's asymmetry as phantom motion of
 * a few hundredths of a pixel, the very size of micro-motion). Clamped to +-0.5 px.
 */
function lucasKanadeStep(
  a: GreyImage,
  b: GreyImage,
  x0: number,
  y0: number,
  side: number,
  dx: number,
  dy: number,
): [number, number] {
  const w = a.width;
  let gxx = 0;
  let gxy = 0;
  let gyy = 0;
  let bx = 0;
  let by = 0;
  for (let y = y0; y < y0 + side; y++) {
    for (let x = x0; x < x0 + side; x++) {
      const q = (y + dy) * w + (x + dx);
      const gx = (b.data[q + 1]! - b.data[q - 1]!) / 2;
      const gy = (b.data[q + w]! - b.data[q - w]!) / 2;
      const e = a.data[y * w + x]! - b.data[q]!;
      gxx += gx * gx;
      gxy += gx * gy;
      gyy += gy * gy;
      bx += gx * e;
      by += gy * e;
    }
  }
  const det = gxx * gyy - gxy * gxy;
  if (!(det > 1e-6)) return [0, 0];
  const clamp = (v: number): number => Math.max(-0.5, Math.min(0.5, v));
  return [clamp((gyy * bx - gxy * by) / det), clamp((gxx * by - gxy * bx) / det)];
}

/**
 * Flow of one block whose top-left corner is (x0, y0) in `a`; null when the block is flat, the
 * search window leaves the image, or the best match sits on the search border (the true shift
 * is larger than the radius, so the vector would be wrong).
 */
export function matchBlock(
  a: GreyImage,
  b: GreyImage,
  x0: number,
  y0: number,
  opts: BlockMatchOptions,
): FlowVector | null {
  const side = 2 * opts.half;
  const r = opts.radius;
  // One extra pixel round the search window for the gradients of the sub-pixel step.
  if (
    x0 - r - 1 < 0 ||
    y0 - r - 1 < 0 ||
    x0 + side + r + 1 > a.width ||
    y0 + side + r + 1 > a.height
  )
    return null;
  if (blockStd(a, x0, y0, side) < opts.minStd) return null;
  const n = 2 * r + 1;
  let best = Infinity;
  let bi = 0;
  for (let dy = -r; dy <= r; dy++) {
    for (let dx = -r; dx <= r; dx++) {
      const c = ssd(a, b, x0, y0, side, dx, dy);
      const i = (dy + r) * n + (dx + r);
      if (c < best) {
        best = c;
        bi = i;
      }
    }
  }
  const ix = (bi % n) - r;
  const iy = Math.floor(bi / n) - r;
  if (Math.abs(ix) === r || Math.abs(iy) === r) return null;
  const [fx, fy] = lucasKanadeStep(a, b, x0, y0, side, ix, iy);
  return { x: x0 + opts.half - 0.5, y: y0 + opts.half - 0.5, dx: ix + fx, dy: iy + fy };
}

/**
 * Vectors for a grid of `grid` x `grid` blocks spread evenly over `region` of `a`
 * (x, y, width, height in pixels); unusable blocks are left out.
 */
export function gridFlow(
  a: GreyImage,
  b: GreyImage,
  region: { x: number; y: number; width: number; height: number },
  grid: number,
  opts: BlockMatchOptions,
): FlowVector[] {
  if (a.width !== b.width || a.height !== b.height)
    throw new RangeError('gridFlow: images differ in size');
  const side = 2 * opts.half;
  const out: FlowVector[] = [];
  for (let j = 0; j < grid; j++) {
    for (let i = 0; i < grid; i++) {
      const cx = region.x + ((i + 0.5) * region.width) / grid;
      const cy = region.y + ((j + 0.5) * region.height) / grid;
      const v = matchBlock(a, b, Math.round(cx - side / 2), Math.round(cy - side / 2), opts);
      if (v) out.push(v);
    }
  }
  return out;
}

/** Component-wise median translation of a set of vectors; [0, 0] when empty. */
export function medianShift(vectors: readonly FlowVector[]): [number, number] {
  if (vectors.length === 0) return [0, 0];
  const med = (xs: number[]): number => {
    const s = xs.sort((p, q) => p - q);
    const m = s.length >> 1;
    return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
  };
  return [med(vectors.map((v) => v.dx)), med(vectors.map((v) => v.dy))];
}
