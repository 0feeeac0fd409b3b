import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/shared/contract';
import {
  FACE_MARGIN,
  regionForFaces,
  scaleBox,
  scaleToFit,
} from '../../src/renderer/src/lib/frame-region';

describe('regionForFaces', () => {
  it('adds the margin on every side of a face box', () => {
    const r = regionForFaces([{ x1: 200, y1: 150, x2: 300, y2: 250 }], 640, 480);
    // 85% of 100 px on each side: the 2.7x context square the texture liveness model needs.
    expect(FACE_MARGIN).toBe(0.85);
    expect(r).toEqual({ x: 115, y: 65, width: 270, height: 270 });
  });

  it('covers all faces with one rectangle, clamped to the frame', () => {
    const r = regionForFaces(
      [
        { x1: 10, y1: 20, x2: 110, y2: 140 },
        { x1: 500, y1: 300, x2: 620, y2: 470 },
      ],
      640,
      480,
    );
    expect(r).toEqual({ x: 0, y: 0, width: 640, height: 480 });
  });

  it('returns integer pixels and null when nothing is inside the frame', () => {
    const r = regionForFaces([{ x1: 10.4, y1: 20.6, x2: 50.2, y2: 70.9 }], 640, 480);
    expect(r && [r.x, r.y, r.width, r.height].every(Number.isInteger)).toBe(true);
    expect(regionForFaces([], 640, 480)).toBeNull();
    expect(regionForFaces([{ x1: 900, y1: 900, x2: 950, y2: 960 }], 640, 480, 0)).toBeNull();
  });
});

describe('scaleToFit', () => {
  it('keeps regions within the contract limit at full scale', () => {
    expect(scaleToFit(640, 480, LIMITS.maxRegionPixels)).toBe(1);
  });

  it('shrinks a too-large region so its floored size fits the limit', () => {
    const s = scaleToFit(3840, 2160, LIMITS.maxRegionPixels);
    expect(s).toBeLessThan(1);
    expect(Math.floor(3840 * s) * Math.floor(2160 * s)).toBeLessThanOrEqual(LIMITS.maxRegionPixels);
    expect(scaleBox({ x1: 10, y1: 20, x2: 30, y2: 40, score: 0.9 }, 0.5)).toEqual({
      x1: 5,
      y1: 10,
      x2: 15,
      y2: 20,
      score: 0.9,
    });
  });
});
