import { describe, expect, it } from 'vitest';
import { liveProbability, textureCrop, textureCropRect, TEXTURE_INPUT } from './texture-crop';

describe('texture crop geometry', () => {
  it('enlarges the face square 2.7x about its centre when the frame has room', () => {
    const r = textureCropRect({ cx: 320, cy: 240, side: 100 }, 640, 480);
    expect(r.width).toBeCloseTo(270, 10);
    expect(r.height).toBeCloseTo(270, 10);
    expect(r.x + r.width / 2).toBeCloseTo(320, 10);
    expect(r.y + r.height / 2).toBeCloseTo(240, 10);
  });

  it('slides the crop back inside the frame instead of padding it', () => {
    const r = textureCropRect({ cx: 40, cy: 460, side: 100 }, 640, 480);
    expect(r.width).toBeCloseTo(270, 10);
    expect(r.x).toBe(0);
    expect(r.y + r.height).toBeLessThanOrEqual(479 + 1e-9);
  });

  it('shrinks the enlargement to what fits for a tight face crop', () => {
    const r = textureCropRect({ cx: 88, cy: 118, side: 170 }, 176, 237);
    expect(r.width).toBeCloseTo(175, 10);
    expect(r.x).toBeCloseTo(0, 10);
    expect(r.y).toBeGreaterThanOrEqual(0);
    expect(r.y + r.height).toBeLessThanOrEqual(236 + 1e-9);
  });

  it('produces a 128x128 RGB crop', () => {
    const frame = { width: 64, height: 48, data: new Uint8Array(64 * 48 * 3).fill(77) };
    const crop = textureCrop(frame, { cx: 32, cy: 24, side: 10 });
    expect([crop.width, crop.height]).toEqual([TEXTURE_INPUT, TEXTURE_INPUT]);
    expect(crop.data.every((v) => v === 77)).toBe(true);
  });
});

describe('live probability', () => {
  it('is the softmax of class 0, stable for large logits', () => {
    expect(liveProbability([0, 0, 0])).toBeCloseTo(1 / 3, 10);
    expect(liveProbability([1000, 0, 0])).toBeCloseTo(1, 10);
    expect(liveProbability([0, 1000, 0])).toBeCloseTo(0, 10);
    expect(liveProbability([Math.log(3), 0, 0])).toBeCloseTo(0.6, 10);
  });
});
