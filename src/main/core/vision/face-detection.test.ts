import { describe, expect, it } from 'vitest';
import { fitMatrix, planDetectorViews } from './face-detection';
import { applyAffine } from './image-ops';

describe('fitMatrix', () => {
  it('letterboxes a wide image: one scale, centred vertically', () => {
    const m = fitMatrix({ x: 0, y: 0, width: 640, height: 240 }, 320, 240, 'letterbox');
    expect(m[0]).toBe(0.5);
    expect(m[4]).toBe(0.5);
    // Image edges (pixel-centre -0.5 / 639.5) land on the input's edges, content centred.
    expect(applyAffine(m, -0.5, -0.5)).toEqual([-0.5, 59.5]);
    expect(applyAffine(m, 639.5, 239.5)).toEqual([319.5, 179.5]);
  });

  it('stretches to fill the input', () => {
    const m = fitMatrix({ x: 100, y: 50, width: 160, height: 480 }, 320, 240, 'stretch');
    expect(applyAffine(m, 99.5, 49.5)).toEqual([-0.5, -0.5]);
    expect(applyAffine(m, 259.5, 529.5)).toEqual([319.5, 239.5]);
  });
});

describe('planDetectorViews', () => {
  it('uses only the whole image when tiling is off or would not magnify', () => {
    expect(planDetectorViews(2000, 1500, 320, 240, 1)).toHaveLength(1);
    expect(planDetectorViews(500, 400, 320, 240, 3)).toHaveLength(1);
  });

  it('adds an n x n grid of overlapping tiles that covers the image', () => {
    const views = planDetectorViews(2000, 1500, 320, 240, 2);
    expect(views).toHaveLength(5);
    const tiles = views.slice(1);
    expect(Math.max(...tiles.map((t) => t.x + t.width))).toBeCloseTo(2000, 6);
    expect(Math.max(...tiles.map((t) => t.y + t.height))).toBeCloseTo(1500, 6);
    expect(tiles[1]!.x).toBeLessThan(tiles[0]!.width); // overlap
  });
});
