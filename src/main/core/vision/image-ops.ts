/**
 * Pixel operations the face pipeline needs, in plain TypeScript so every host (Electron main,
 * loopback host, CLI, tests) runs the same code. Images are interleaved 8-bit RGB.
 *
 * Every geometric operation is expressed as an affine warp: a plain resize, a letterbox, a crop
 * with border and the 112x112 face alignment are all 2x3 matrices, so there is one sampler to get
 * right (and to test) instead of four.
 */
import { StationError } from '../../../shared/errors';
import type { RgbImage } from './vision.types';

/** 8-bit single-channel image, row-major: data.length === width * height. */
export interface GreyImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * Affine map from SOURCE pixel coordinates to DESTINATION pixel coordinates:
 * x' = a*x + b*y + tx, y' = c*x + d*y + ty. Pixel centres are at integer coordinates.
 */
export type AffineMatrix = readonly [
  a: number,
  b: number,
  tx: number,
  c: number,
  d: number,
  ty: number,
];

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function createRgbImage(width: number, height: number): RgbImage {
  return { width, height, data: new Uint8Array(width * height * 3) };
}

export function invertAffine(m: AffineMatrix): AffineMatrix {
  const [a, b, tx, c, d, ty] = m;
  const det = a * d - b * c;
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12)
    throw new RangeError('Affine matrix is not invertible');
  const ia = d / det;
  const ib = -b / det;
  const ic = -c / det;
  const id = a / det;
  return [ia, ib, -(ia * tx + ib * ty), ic, id, -(ic * tx + id * ty)];
}

export function applyAffine(m: AffineMatrix, x: number, y: number): [number, number] {
  return [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]];
}

/** Matrix that maps the source rectangle onto a dstW x dstH image (non-uniform scale allowed). */
export function rectToSizeMatrix(rect: Rect, dstW: number, dstH: number): AffineMatrix {
  const sx = dstW / rect.width;
  const sy = dstH / rect.height;
  // Pixel-centre convention (like OpenCV resize): source centre x+0.5 maps to dest centre.
  return [sx, 0, (0.5 - rect.x) * sx - 0.5, 0, sy, (0.5 - rect.y) * sy - 0.5];
}

/** ITU-R BT.601 luma, the weighting OpenCV's RGB2GRAY uses (what the landmark model saw). */
export function toGrey(img: RgbImage, out?: GreyImage): GreyImage {
  const n = img.width * img.height;
  const dst = out ?? { width: img.width, height: img.height, data: new Uint8Array(n) };
  if (dst.width !== img.width || dst.height !== img.height)
    throw new RangeError('toGrey: output size mismatch');
  const s = img.data;
  const d = dst.data;
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    d[i] = (s[j]! * 299 + s[j + 1]! * 587 + s[j + 2]! * 114 + 500) / 1000;
  }
  return dst;
}

/** Plain bilinear resize (aspect not preserved), antialiased when shrinking. */
export function resizeBilinear(
  src: RgbImage,
  width: number,
  height: number,
  out?: RgbImage,
): RgbImage {
  const m = rectToSizeMatrix({ x: 0, y: 0, width: src.width, height: src.height }, width, height);
  return warpAffine(src, m, width, height, { out });
}

/**
 * Copies a rectangle (integer-rounded) out of the image; parts outside the source are filled
 * with `fill`, so a face at the frame edge keeps its geometry instead of being shifted.
 */
export function cropWithBorder(src: RgbImage, rect: Rect, fill = 0): RgbImage {
  const x0 = Math.round(rect.x);
  const y0 = Math.round(rect.y);
  const w = Math.max(1, Math.round(rect.width));
  const h = Math.max(1, Math.round(rect.height));
  const dst = createRgbImage(w, h);
  dst.data.fill(fill);
  const xs = Math.max(0, x0);
  const xe = Math.min(src.width, x0 + w);
  if (xe <= xs) return dst;
  for (let y = Math.max(0, y0); y < Math.min(src.height, y0 + h); y++) {
    const from = (y * src.width + xs) * 3;
    dst.data.set(src.data.subarray(from, from + (xe - xs) * 3), ((y - y0) * w + (xs - x0)) * 3);
  }
  return dst;
}

export interface WarpOptions {
  /** Value for samples outside the source (0 = black). */
  fill?: number;
  /** Reuse this image as output (must be dstW x dstH). */
  out?: RgbImage | undefined;
  /**
   * Max samples per axis per output pixel when the warp shrinks the image. Plain bilinear
   * aliases badly when a 600 px face is reduced to 112 px; averaging k x k bilinear samples
   * over the pixel footprint approximates an area filter at a bounded cost.
   */
  maxSupersample?: number;
}

/** Source pixels per destination pixel along the worse axis of the (source->dest) matrix. */
export function affineShrinkFactor(m: AffineMatrix): number {
  const inv = invertAffine(m);
  const sx = Math.hypot(inv[0], inv[3]);
  const sy = Math.hypot(inv[1], inv[4]);
  return Math.max(sx, sy);
}

/**
 * Bilinear affine warp: for each destination pixel, samples the source at inverse(m)(x, y); `m`
 * maps source to destination. Written out flat because it runs for every detector input, landmark
 * crop and aligned face; sums keep the per-sample order, so outputs stay bit-identical to the
 * plain form image-ops.test.ts keeps as the reference.
 */
export function warpAffine(
  src: RgbImage,
  m: AffineMatrix,
  dstW: number,
  dstH: number,
  opts: WarpOptions = {},
): RgbImage {
  const dst = opts.out ?? createRgbImage(dstW, dstH);
  if (dst.width !== dstW || dst.height !== dstH)
    throw new RangeError('warpAffine: output size mismatch');
  const inv = invertAffine(m);
  const k = Math.max(
    1,
    Math.min(opts.maxSupersample ?? 4, Math.ceil(affineShrinkFactor(m) - 1e-6)),
  );
  // Sub-sample positions inside a destination pixel: x + step[s] - 0.5.
  const step = Float64Array.from({ length: k }, (_, s) => (s + 0.5) / k);
  const ctx: WarpContext = {
    data: src.data,
    w: src.width,
    h: src.height,
    fill: opts.fill ?? 0,
    acc: new Float64Array(3),
  };
  const [ia, ib, itx, ic, id, ity] = inv;
  const { data: sd, w, h } = ctx;
  const d = dst.data;
  const inv2 = 1 / (k * k);
  for (let y = 0; y < dstH; y++) {
    for (let x = 0; x < dstW; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let sy = 0; sy < k; sy++) {
        const yy = y + step[sy]! - 0.5;
        for (let sx = 0; sx < k; sx++) {
          const xx = x + step[sx]! - 0.5;
          const fx = ia * xx + ib * yy + itx;
          const fy = ic * xx + id * yy + ity;
          const x0 = Math.floor(fx);
          const y0 = Math.floor(fy);
          if (x0 >= 0 && y0 >= 0 && x0 + 1 < w && y0 + 1 < h) {
            // Fast path: all four neighbours inside the image.
            const ax = fx - x0;
            const ay = fy - y0;
            const w00 = (1 - ax) * (1 - ay);
            const w10 = ax * (1 - ay);
            const w01 = (1 - ax) * ay;
            const w11 = ax * ay;
            const p = (y0 * w + x0) * 3;
            const q = p + w * 3;
            r += sd[p]! * w00 + sd[p + 3]! * w10 + sd[q]! * w01 + sd[q + 3]! * w11;
            g += sd[p + 1]! * w00 + sd[p + 4]! * w10 + sd[q + 1]! * w01 + sd[q + 4]! * w11;
            b += sd[p + 2]! * w00 + sd[p + 5]! * w10 + sd[q + 2]! * w01 + sd[q + 5]! * w11;
          } else {
            const acc = ctx.acc;
            acc[0] = r;
            acc[1] = g;
            acc[2] = b;
            addEdgeSample(ctx, fx, fy);
            r = acc[0];
            g = acc[1];
            b = acc[2];
          }
        }
      }
      const o = (y * dstW + x) * 3;
      d[o] = r * inv2 + 0.5;
      d[o + 1] = g * inv2 + 0.5;
      d[o + 2] = b * inv2 + 0.5;
    }
  }
  return dst;
}

interface WarpContext {
  data: Uint8Array;
  w: number;
  h: number;
  fill: number;
  acc: Float64Array;
}

/** A sample whose 2 x 2 neighbourhood leaves the image: clamped, or the fill value outside. */
function addEdgeSample(ctx: WarpContext, fx: number, fy: number): void {
  const { w, h, acc } = ctx;
  // The image covers [-0.5, w - 0.5]: inside it, replicate edge pixels (a resize must not
  // darken the border); beyond it, the sample is outside the photo and gets the fill value.
  if (fx < -0.5 || fy < -0.5 || fx > w - 0.5 || fy > h - 0.5) {
    for (let c = 0; c < 3; c++) acc[c]! += ctx.fill;
    return;
  }
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const ax = fx - x0;
  const ay = fy - y0;
  const weights = [(1 - ax) * (1 - ay), ax * (1 - ay), (1 - ax) * ay, ax * ay];
  for (let n = 0; n < 4; n++) {
    const xi = Math.min(w - 1, Math.max(0, x0 + (n & 1)));
    const yi = Math.min(h - 1, Math.max(0, y0 + (n >> 1)));
    const wt = weights[n]!;
    const p = (yi * w + xi) * 3;
    for (let c = 0; c < 3; c++) acc[c]! += ctx.data[p + c]! * wt;
  }
}

/** Frames from the renderer arrive as canvas RGBA (alpha always 255 for camera frames). */
export function rgbFromRgba(
  data: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
): RgbImage {
  const n = width * height;
  if (
    !Number.isInteger(width) ||
    !Number.isInteger(height) ||
    width <= 0 ||
    height <= 0 ||
    data.length !== n * 4
  ) {
    throw new StationError(
      'BAD_REQUEST',
      `RGBA frame of ${data.length} bytes does not match ${width}x${height}`,
    );
  }
  const out = new Uint8Array(n * 3);
  for (let i = 0, j = 0, k = 0; i < n; i++, j += 4, k += 3) {
    out[k] = data[j]!;
    out[k + 1] = data[j + 1]!;
    out[k + 2] = data[j + 2]!;
  }
  return { width, height, data: out };
}
