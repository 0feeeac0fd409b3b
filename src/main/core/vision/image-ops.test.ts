import { describe, expect, it } from 'vitest';
import {
  type AffineMatrix,
  applyAffine,
  createRgbImage,
  cropWithBorder,
  invertAffine,
  resizeBilinear,
  toGrey,
  warpAffine,
} from './image-ops';
import type { RgbImage } from './vision.types';

function filled(
  w: number,
  h: number,
  f: (x: number, y: number) => [number, number, number],
): RgbImage {
  const img = createRgbImage(w, h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) img.data.set(f(x, y), (y * w + x) * 3);
  }
  return img;
}

function px(img: RgbImage, x: number, y: number): number[] {
  const o = (y * img.width + x) * 3;
  return Array.from(img.data.subarray(o, o + 3));
}

/** Intensity-weighted centroid of channel 0. */
function centroid(img: RgbImage): [number, number] {
  let sx = 0;
  let sy = 0;
  let s = 0;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const v = img.data[(y * img.width + x) * 3]!;
      sx += v * x;
      sy += v * y;
      s += v;
    }
  }
  return [sx / s, sy / s];
}

describe('affine helpers', () => {
  it('inverts a matrix', () => {
    const m: AffineMatrix = [0.8, -0.6, 12, 0.6, 0.8, -3];
    const [x, y] = applyAffine(invertAffine(m), ...applyAffine(m, 17, 42));
    expect(x).toBeCloseTo(17, 10);
    expect(y).toBeCloseTo(42, 10);
  });

  it('refuses a singular matrix', () => {
    expect(() => invertAffine([1, 2, 0, 2, 4, 0])).toThrow(RangeError);
  });
});

describe('toGrey', () => {
  it('uses BT.601 weights', () => {
    const img = filled(3, 1, (x) => (x === 0 ? [255, 0, 0] : x === 1 ? [0, 255, 0] : [0, 0, 255]));
    expect(Array.from(toGrey(img).data)).toEqual([76, 150, 29]);
  });
});

describe('resizeBilinear', () => {
  it('keeps a constant image constant, up and down', () => {
    const img = filled(37, 23, () => [10, 128, 250]);
    for (const [w, h] of [
      [100, 60],
      [9, 5],
    ] as const) {
      const out = resizeBilinear(img, w, h);
      expect(px(out, 0, 0)).toEqual([10, 128, 250]);
      expect(px(out, w - 1, h - 1)).toEqual([10, 128, 250]);
    }
  });

  it('interpolates a horizontal ramp linearly on upscaling', () => {
    const img = filled(2, 1, (x) => (x === 0 ? [0, 0, 0] : [200, 200, 200]));
    const out = resizeBilinear(img, 4, 1);
    // Pixel-centre convention: output centres 0..3 sample source x = -0.25, 0.25, 0.75, 1.25.
    expect(out.data.filter((_, i) => i % 3 === 0)).toEqual(new Uint8Array([0, 50, 150, 200]));
  });

  it('antialiases when shrinking: a 1-px checkerboard becomes mid-grey', () => {
    const img = filled(64, 64, (x, y) => ((x + y) % 2 ? [255, 255, 255] : [0, 0, 0]));
    const out = resizeBilinear(img, 16, 16);
    for (const v of out.data) expect(Math.abs(v - 128)).toBeLessThanOrEqual(2);
  });
});

describe('cropWithBorder', () => {
  it('copies the inside and fills the outside', () => {
    const img = filled(4, 4, (x, y) => [x, y, 7]);
    const out = cropWithBorder(img, { x: -1, y: 2, width: 3, height: 3 }, 99);
    expect([out.width, out.height]).toEqual([3, 3]);
    expect(px(out, 0, 0)).toEqual([99, 99, 99]);
    expect(px(out, 1, 0)).toEqual([0, 2, 7]);
    expect(px(out, 2, 1)).toEqual([1, 3, 7]);
    expect(px(out, 2, 2)).toEqual([99, 99, 99]);
  });
});

describe('warpAffine', () => {
  it('is exact for the identity and for integer shifts', () => {
    const img = filled(8, 6, (x, y) => [x * 30, y * 40, 5]);
    expect(warpAffine(img, [1, 0, 0, 0, 1, 0], 8, 6).data).toEqual(img.data);
    const shifted = warpAffine(img, [1, 0, 2, 0, 1, 1], 8, 6, { fill: 0 });
    expect(px(shifted, 2, 1)).toEqual(px(img, 0, 0));
    expect(px(shifted, 7, 5)).toEqual(px(img, 5, 4));
    expect(px(shifted, 1, 1)).toEqual([0, 0, 0]);
  });

  it('moves a blob where a rotation + scale says it should', () => {
    // A soft blob centred at (20, 12) in a 48x48 image.
    const img = filled(48, 48, (x, y) => {
      const v = Math.round(255 * Math.exp(-((x - 20) ** 2 + (y - 12) ** 2) / 8));
      return [v, v, v];
    });
    const theta = (30 * Math.PI) / 180;
    const s = 1.5;
    const m: AffineMatrix = [
      s * Math.cos(theta),
      -s * Math.sin(theta),
      30,
      s * Math.sin(theta),
      s * Math.cos(theta),
      2,
    ];
    const out = warpAffine(img, m, 96, 96);
    const [ex, ey] = applyAffine(m, 20, 12);
    const [cx, cy] = centroid(out);
    expect(cx).toBeCloseTo(ex, 0);
    expect(cy).toBeCloseTo(ey, 0);
  });

  it('fills outside the source with the fill value', () => {
    const img = filled(4, 4, () => [200, 200, 200]);
    const out = warpAffine(img, [1, 0, 10, 0, 1, 10], 4, 4, { fill: 127 });
    for (const v of out.data) expect(v).toBe(127);
  });

  it('writes into a caller-provided buffer', () => {
    const img = filled(4, 4, () => [1, 2, 3]);
    const out = createRgbImage(2, 2);
    expect(warpAffine(img, [0.5, 0, 0, 0, 0.5, 0], 2, 2, { out })).toBe(out);
    expect(() => warpAffine(img, [1, 0, 0, 0, 1, 0], 3, 3, { out })).toThrow(RangeError);
  });

  it('gives bit-identical pixels to the plain per-sample form of the same warp', () => {
    // Pseudo-random but fixed: a noisy image, and warps that shrink, enlarge, rotate, cross the
    // border (clamped and filled samples) and supersample 1 to 4 times.
    let seed = 7;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const img = filled(37, 23, () => [rand() * 255, rand() * 255, rand() * 255]);
    const warps: [AffineMatrix, number, number][] = [
      [[0.31, 0, -1.5, 0, 0.29, 2.2], 11, 9],
      [[2.7, 0.4, -5, -0.4, 2.7, 3], 64, 48],
      [[0.8, -0.6, 12, 0.6, 0.8, -4], 40, 30],
      [[1, 0, 0.5, 0, 1, -0.5], 37, 23],
    ];
    for (const [m, w, h] of warps) {
      for (const fill of [0, 127]) {
        expect(warpAffine(img, m, w, h, { fill }).data).toEqual(
          plainWarp(img, m, w, h, fill, 4).data,
        );
      }
    }
  });
});

/** The warp as first written, one bilinear sample at a time: the reference for the fast loop. */
function plainWarp(
  src: RgbImage,
  m: AffineMatrix,
  dstW: number,
  dstH: number,
  fill: number,
  maxSupersample: number,
): RgbImage {
  const inv = invertAffine(m);
  const shrink = Math.max(Math.hypot(inv[0], inv[3]), Math.hypot(inv[1], inv[4]));
  const k = Math.max(1, Math.min(maxSupersample, Math.ceil(shrink - 1e-6)));
  const dst = createRgbImage(dstW, dstH);
  const acc = new Float64Array(3);
  const sample = (fx: number, fy: number): void => {
    const x0 = Math.floor(fx);
    const y0 = Math.floor(fy);
    const ax = fx - x0;
    const ay = fy - y0;
    const wts = [(1 - ax) * (1 - ay), ax * (1 - ay), (1 - ax) * ay, ax * ay];
    const [w, h, d] = [src.width, src.height, src.data];
    if (x0 >= 0 && y0 >= 0 && x0 + 1 < w && y0 + 1 < h) {
      const p = (y0 * w + x0) * 3;
      const q = p + w * 3;
      for (let c = 0; c < 3; c++)
        acc[c]! +=
          d[p + c]! * wts[0]! +
          d[p + 3 + c]! * wts[1]! +
          d[q + c]! * wts[2]! +
          d[q + 3 + c]! * wts[3]!;
      return;
    }
    if (fx < -0.5 || fy < -0.5 || fx > w - 0.5 || fy > h - 0.5) {
      for (let c = 0; c < 3; c++) acc[c]! += fill;
      return;
    }
    for (let n = 0; n < 4; n++) {
      const xi = Math.min(w - 1, Math.max(0, x0 + (n & 1)));
      const yi = Math.min(h - 1, Math.max(0, y0 + (n >> 1)));
      for (let c = 0; c < 3; c++) acc[c]! += d[(yi * w + xi) * 3 + c]! * wts[n]!;
    }
  };
  for (let y = 0; y < dstH; y++) {
    for (let x = 0; x < dstW; x++) {
      acc.fill(0);
      for (let sy = 0; sy < k; sy++) {
        const yy = y + (sy + 0.5) / k - 0.5;
        for (let sx = 0; sx < k; sx++) {
          const xx = x + (sx + 0.5) / k - 0.5;
          sample(inv[0] * xx + inv[1] * yy + inv[2], inv[3] * xx + inv[4] * yy + inv[5]);
        }
      }
      for (let c = 0; c < 3; c++) dst.data[(y * dstW + x) * 3 + c] = acc[c]! * (1 / (k * k)) + 0.5;
    }
  }
  return dst;
}
