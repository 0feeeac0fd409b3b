import { describe, expect, it } from 'vitest';
import type { RgbImage } from '../vision/vision.types';
import { colourLbp, colourMoments, colourPlanes, LBP_BINS } from './colour-lbp';
import {
  GROUP_SIZES,
  measurePadFeatures,
  PAD_FEATURE_GROUPS,
  textureLiveLogit,
} from './pad-features';
import { powerSpectrum, spectralFeatures, SPECTRAL_FEATURES } from './spectral-energy';

function image(
  w: number,
  h: number,
  px: (x: number, y: number) => [number, number, number],
): RgbImage {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set(px(x, y), (y * w + x) * 3);
  return { width: w, height: h, data };
}

function noise(seed: number): (x: number, y: number) => [number, number, number] {
  return (x, y) => {
    const v = Math.abs(Math.sin(seed * 12.9898 + x * 78.233 + y * 37.719) * 43758.5453) % 1;
    return [Math.floor(v * 255), Math.floor(((v * 7) % 1) * 255), Math.floor(((v * 13) % 1) * 255)];
  };
}

describe('colour LBP', () => {
  it('maps a flat plane to the single "all neighbours >= centre" pattern and sums to 1 per plane', () => {
    const flat = colourLbp(image(16, 16, () => [120, 60, 30]));
    expect(flat.length).toBe(6 * LBP_BINS);
    for (let p = 0; p < 6; p++) {
      const h = flat.subarray(p * LBP_BINS, (p + 1) * LBP_BINS);
      expect(h.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      expect(Math.max(...h)).toBe(1);
    }
  });

  it('puts noise mostly in the non-uniform bin and textures differ from flat', () => {
    const h = colourLbp(image(32, 32, noise(1)));
    // The last bin of each plane collects the non-uniform codes; random noise has many.
    expect(h[LBP_BINS - 1]).toBeGreaterThan(0.3);
  });

  it('converts to HSV / YCbCr the way JPEG and OpenCV define them', () => {
    const planes = colourPlanes(image(1, 1, () => [255, 0, 0]));
    // H (red = 0), S 255, V 255, Y 76, Cb 85, Cr 255.
    expect(Array.from(planes)).toEqual([0, 255, 255, 76, 85, 255]);
    const moments = colourMoments(image(2, 1, (x) => (x ? [255, 255, 255] : [0, 0, 0])));
    // V plane: mean 0.5, spread 0.5.
    expect(moments[4]).toBeCloseTo(0.5, 10);
    expect(moments[5]).toBeCloseTo(0.5, 10);
  });
});

describe('spectral energy', () => {
  it('finds a moire-like grating as a high-frequency peak, which noise does not have', () => {
    const n = 64;
    const grating = new Uint8Array(n * n);
    const random = new Uint8Array(n * n);
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        grating[y * n + x] = 128 + Math.round(60 * Math.sin((2 * Math.PI * 20 * x) / n));
        random[y * n + x] = noise(3)(x, y)[0];
      }
    }
    const g = new Float64Array(SPECTRAL_FEATURES.length);
    const r = new Float64Array(SPECTRAL_FEATURES.length);
    spectralFeatures(grating, n, g, 0);
    spectralFeatures(random, n, r, 0);
    const peak = SPECTRAL_FEATURES.indexOf('peakiness');
    expect(g[peak]!).toBeGreaterThan(r[peak]! + 5);
  });

  it('needs a power-of-two square', () => {
    expect(() => powerSpectrum(new Uint8Array(30 * 30), 30)).toThrow(RangeError);
  });
});

describe('PAD measurements of a face', () => {
  const frame = image(320, 240, noise(5));
  const square = { cx: 160, cy: 120, side: 80 };

  it('measures every group with its declared size, context only when the frame shows it', () => {
    const m = measurePadFeatures(frame, square, PAD_FEATURE_GROUPS, [2, 0, -1]);
    expect(m.hasContext).toBe(true);
    for (const g of PAD_FEATURE_GROUPS) expect(m.groups[g]?.length).toBe(GROUP_SIZES[g]);
    const tight = measurePadFeatures(
      frame,
      { cx: 160, cy: 120, side: 230 },
      PAD_FEATURE_GROUPS,
      [0, 0, 0],
    );
    expect(tight.hasContext).toBe(false);
    expect(tight.groups.spectral_context).toBeUndefined();
    expect(tight.groups.lbp_face?.length).toBe(GROUP_SIZES.lbp_face);
  });

  it('is deterministic (the shipped weights are reproduced from these numbers)', () => {
    const a = measurePadFeatures(frame, square, PAD_FEATURE_GROUPS, [1, 0, 0]);
    const b = measurePadFeatures(frame, square, PAD_FEATURE_GROUPS, [1, 0, 0]);
    for (const g of PAD_FEATURE_GROUPS) expect(b.groups[g]).toEqual(a.groups[g]);
  });

  it('turns the texture network logits into clipped live log-odds', () => {
    expect(textureLiveLogit([0, 0, -Infinity])).toBeCloseTo(0, 10);
    expect(textureLiveLogit([100, 0, 0])).toBe(12);
    expect(textureLiveLogit([Math.log(0.9), Math.log(0.1), -50])).toBeCloseTo(Math.log(9), 6);
  });
});
