/**
 * Colour-texture descriptors for presentation-attack detection: uniform LBP(8,1) histograms on
 * the H, S, V, Y, Cb and Cr planes of a small face crop. A screen or a print re-renders the face
 * through another device's gamut and pixel grid; the chroma planes carry that trace far more
 * than luma does (Boulkenafet, Komulainen, Hadid, "Face anti-spoofing based on color texture
 * analysis", ICIP 2015, the method this follows).
 */
import type { RgbImage } from '../vision/vision.types';

/** 58 uniform patterns (at most two 0/1 transitions around the circle) + one bin for the rest. */
export const LBP_BINS = 59;
export const COLOUR_PLANES = ['H', 'S', 'V', 'Y', 'Cb', 'Cr'] as const;
export type ColourPlane = (typeof COLOUR_PLANES)[number];

/** Maps each 8-bit LBP code to its histogram bin (uniform codes 0..57 in code order, else 58). */
const UNIFORM_BIN: Uint8Array = (() => {
  const map = new Uint8Array(256);
  let next = 0;
  for (let code = 0; code < 256; code++) {
    let transitions = 0;
    for (let b = 0; b < 8; b++) {
      if (((code >> b) & 1) !== ((code >> ((b + 1) % 8)) & 1)) transitions++;
    }
    map[code] = transitions <= 2 ? next++ : LBP_BINS - 1;
  }
  return map;
})();

function clampByte(x: number): number {
  return x <= 0 ? 0 : x >= 255 ? 255 : Math.round(x);
}

/**
 * The six planes of an RGB image, each 8-bit, plane-major (H, S, V, Y, Cb, Cr). H is OpenCV's
 * full-range hue (0..255 for 0..360 degrees); Y, Cb, Cr are full-range BT.601 (JPEG's own).
 */
export function colourPlanes(img: RgbImage): Uint8Array {
  const n = img.width * img.height;
  const out = new Uint8Array(6 * n);
  const s = img.data;
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    const r = s[j]!;
    const g = s[j + 1]!;
    const b = s[j + 2]!;
    const max = Math.max(r, g, b);
    const min = Math.min(r, g, b);
    const d = max - min;
    let h = 0;
    if (d > 0) {
      if (max === r) h = (g - b) / d;
      else if (max === g) h = 2 + (b - r) / d;
      else h = 4 + (r - g) / d;
      if (h < 0) h += 6;
    }
    // Hue is circular: 360 degrees wraps to 0 rather than saturating at 255.
    out[i] = Math.round((h * 256) / 6) & 255;
    out[n + i] = max === 0 ? 0 : clampByte((255 * d) / max);
    out[2 * n + i] = max;
    out[3 * n + i] = clampByte(0.299 * r + 0.587 * g + 0.114 * b);
    out[4 * n + i] = clampByte(128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
    out[5 * n + i] = clampByte(128 + 0.5 * r - 0.418688 * g - 0.081312 * b);
  }
  return out;
}

/**
 * Normalised uniform LBP(8,1) histogram of one plane (width x height, starting at `offset`),
 * over the interior pixels; the 8 neighbours are the 3x3 ring (radius 1, no interpolation).
 * Written into `out` at `at` (LBP_BINS values summing to 1).
 */
export function lbpHistogram(
  plane: Uint8Array,
  offset: number,
  width: number,
  height: number,
  out: Float64Array,
  at: number,
): void {
  const counts = new Uint32Array(LBP_BINS);
  for (let y = 1; y < height - 1; y++) {
    const row = offset + y * width;
    for (let x = 1; x < width - 1; x++) {
      const p = row + x;
      const c = plane[p]!;
      const code =
        (plane[p - width - 1]! >= c ? 1 : 0) |
        (plane[p - width]! >= c ? 2 : 0) |
        (plane[p - width + 1]! >= c ? 4 : 0) |
        (plane[p + 1]! >= c ? 8 : 0) |
        (plane[p + width + 1]! >= c ? 16 : 0) |
        (plane[p + width]! >= c ? 32 : 0) |
        (plane[p + width - 1]! >= c ? 64 : 0) |
        (plane[p - 1]! >= c ? 128 : 0);
      counts[UNIFORM_BIN[code]!]!++;
    }
  }
  const total = Math.max(1, (width - 2) * (height - 2));
  for (let b = 0; b < LBP_BINS; b++) out[at + b] = counts[b]! / total;
}

/** The six LBP histograms of an image, concatenated in COLOUR_PLANES order (6 x 59 values). */
export function colourLbp(img: RgbImage): Float64Array {
  const planes = colourPlanes(img);
  const n = img.width * img.height;
  const out = new Float64Array(COLOUR_PLANES.length * LBP_BINS);
  for (let p = 0; p < COLOUR_PLANES.length; p++) {
    lbpHistogram(planes, p * n, img.width, img.height, out, p * LBP_BINS);
  }
  return out;
}

/** Mean and standard deviation (0..1 scale) of each of the six planes: 12 values. */
export function colourMoments(img: RgbImage): Float64Array {
  const planes = colourPlanes(img);
  const n = img.width * img.height;
  const out = new Float64Array(2 * COLOUR_PLANES.length);
  for (let p = 0; p < COLOUR_PLANES.length; p++) {
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const v = planes[p * n + i]! / 255;
      sum += v;
      sq += v * v;
    }
    const mean = sum / n;
    out[2 * p] = mean;
    out[2 * p + 1] = Math.sqrt(Math.max(0, sq / n - mean * mean));
  }
  return out;
}
