/**
 * Box arithmetic of the MTCNN cascade (Zhang et al. 2016): candidates from P-Net's probability
 * map, bounding-box regression, squaring, and NMS by union or by the smaller box.
 *
 * Coordinates here are *edges*, continuous: the left edge of pixel 0 is x = 0, so a box
 * [x1, x2) covers x2 - x1 pixels and `rectToSizeMatrix` crops exactly that rectangle. (The
 * reference code works on inclusive integer boxes with +1 widths; continuous edges give the
 * same windows without rounding.)
 */
import type { FaceBox } from './vision.types';

/** P-Net's receptive field and output stride, in pixels of the pyramid level. */
export const PNET_CELL = 12;
export const PNET_STRIDE = 2;

export interface Candidate extends FaceBox {
  /** Regression offsets (dx1, dy1, dx2, dy2) as fractions of the box's width / height. */
  reg: readonly [number, number, number, number];
}

/** One P-Net output: probability of "face" and regression per cell, planar [4][h][w]. */
export interface PnetMap {
  width: number;
  height: number;
  /** Face probability per cell, row-major (h x w). */
  prob: Float32Array;
  /** dx1, dy1, dx2, dy2 planes, each h x w. */
  reg: Float32Array;
}

/**
 * Cells of one pyramid level scoring above `threshold`, as boxes in source-image edges.
 * `sx`, `sy` are level pixels per source pixel (they differ slightly once level sizes round).
 */
export function pnetCandidates(
  map: PnetMap,
  sx: number,
  sy: number,
  threshold: number,
): Candidate[] {
  const out: Candidate[] = [];
  const plane = map.width * map.height;
  for (let y = 0; y < map.height; y++) {
    for (let x = 0; x < map.width; x++) {
      const i = y * map.width + x;
      const score = map.prob[i]!;
      if (!(score > threshold)) continue;
      out.push({
        x1: (x * PNET_STRIDE) / sx,
        y1: (y * PNET_STRIDE) / sy,
        x2: (x * PNET_STRIDE + PNET_CELL) / sx,
        y2: (y * PNET_STRIDE + PNET_CELL) / sy,
        score,
        reg: [map.reg[i]!, map.reg[plane + i]!, map.reg[2 * plane + i]!, map.reg[3 * plane + i]!],
      });
    }
  }
  return out;
}

/** The box moved by its own regression offsets (reg is consumed: the result has zeros). */
export function applyRegression(c: Candidate): Candidate {
  const w = c.x2 - c.x1;
  const h = c.y2 - c.y1;
  const [a, b, d, e] = c.reg;
  return {
    x1: c.x1 + a * w,
    y1: c.y1 + b * h,
    x2: c.x2 + d * w,
    y2: c.y2 + e * h,
    score: c.score,
    reg: [0, 0, 0, 0],
  };
}

/** Square of side max(w, h) on the same centre: the next network's input is square. */
export function squared(c: Candidate): Candidate {
  const side = Math.max(c.x2 - c.x1, c.y2 - c.y1);
  const cx = (c.x1 + c.x2) / 2;
  const cy = (c.y1 + c.y2) / 2;
  return { ...c, x1: cx - side / 2, y1: cy - side / 2, x2: cx + side / 2, y2: cy + side / 2 };
}

function overlap(a: FaceBox, b: FaceBox, by: 'union' | 'min'): number {
  const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const areaA = (a.x2 - a.x1) * (a.y2 - a.y1);
  const areaB = (b.x2 - b.x1) * (b.y2 - b.y1);
  const denom = by === 'union' ? areaA + areaB - inter : Math.min(areaA, areaB);
  return denom > 0 ? inter / denom : 0;
}

/**
 * Greedy NMS, highest score first. 'min' divides by the smaller box, which also removes a box
 * lying inside a bigger one (MTCNN's last stage uses it).
 */
export function suppress<T extends FaceBox>(
  boxes: readonly T[],
  threshold: number,
  by: 'union' | 'min',
): T[] {
  const sorted = boxes
    .filter((b) => b.x2 > b.x1 && b.y2 > b.y1 && Number.isFinite(b.x1 + b.x2 + b.y1 + b.y2))
    .sort((p, q) => q.score - p.score);
  const kept: T[] = [];
  for (const b of sorted) {
    if (kept.every((k) => overlap(k, b, by) <= threshold)) kept.push(b);
  }
  return kept;
}

/** Below this a face has too few pixels to align and embed; the pyramid never enlarges more. */
const MIN_FACE_PX = 6;

/**
 * Pyramid scales (level pixels per source pixel) for faces of at least `minFace` px: the first
 * level brings such a face to P-Net's 12 px (enlarging when minFace < 12), each next one is
 * `factor` smaller, down to a level whose short side is one P-Net cell.
 */
export function pyramidScales(
  width: number,
  height: number,
  minFace: number,
  factor: number,
): number[] {
  const scales: number[] = [];
  let s = PNET_CELL / Math.max(minFace, MIN_FACE_PX);
  const shortSide = Math.min(width, height);
  while (shortSide * s >= PNET_CELL && scales.length < 64) {
    scales.push(s);
    s *= factor;
  }
  return scales;
}
