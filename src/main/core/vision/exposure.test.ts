import { describe, expect, it } from 'vitest';
import { equalizeContrast } from './exposure';
import type { RgbImage } from './vision.types';

/** Left half a bright window (230-250), right half a dark patch shaded from 20 to 50. */
function backlit(width = 64, height = 48): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const v = x < width / 2 ? 230 + (x % 3) * 10 : 20 + Math.round((30 * y) / (height - 1));
      data.set([v, v, v], (y * width + x) * 3);
    }
  return { width, height, data };
}

const spread = (img: RgbImage, x0: number, x1: number): number => {
  let lo = 255;
  let hi = 0;
  for (let y = 0; y < img.height; y++)
    for (let x = x0; x < x1; x++) {
      const v = img.data[(y * img.width + x) * 3]!;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  return hi - lo;
};

describe('equalizeContrast', () => {
  it('spreads the grey levels of a dark region (almost twice as wide here)', () => {
    const img = backlit();
    const out = equalizeContrast(img);
    expect(spread(img, 40, 64)).toBe(30);
    expect(spread(out, 40, 64)).toBeGreaterThan(50);
    expect([out.width, out.height, out.data.length]).toEqual([64, 48, img.data.length]);
  });

  it('keeps hue: a colour pixel stays that colour, only brighter or darker', () => {
    const img = backlit();
    img.data.set([40, 20, 10], (30 * 64 + 50) * 3);
    const out = equalizeContrast(img);
    const [r, g, b] = out.data.subarray((30 * 64 + 50) * 3, (30 * 64 + 50) * 3 + 3);
    expect(r! > g! && g! > b!).toBe(true);
  });

  it('leaves a flat image flat (the clip limit stops noise from being invented)', () => {
    const flat: RgbImage = { width: 32, height: 32, data: new Uint8Array(32 * 32 * 3).fill(128) };
    const out = equalizeContrast(flat);
    expect(spread(out, 0, 32)).toBe(0);
  });

  it('handles a 1 x 1 image', () => {
    const out = equalizeContrast({ width: 1, height: 1, data: Uint8Array.from([10, 20, 30]) });
    expect(out.data).toHaveLength(3);
  });
});
