import { describe, expect, it } from 'vitest';
import { applyAffine } from './image-ops';
import { cropFromBox, cropFromEyesAndMouth, cropMatrix } from './face-landmarks';

describe('face crops', () => {
  it('squares a detector box on its height', () => {
    expect(cropFromBox({ x1: 10, y1: 20, x2: 80, y2: 120, score: 1 })).toEqual({
      centre: [45, 70],
      side: 100,
      down: [0, 1],
    });
  });

  it('maps an axis-aligned crop onto the model input', () => {
    const m = cropMatrix({ centre: [45, 70], side: 100, down: [0, 1] }, 64);
    expect(applyAffine(m, 45, 70)).toEqual([31.5, 31.5]);
    const [x, y] = applyAffine(m, 95, 20);
    expect(x).toBeCloseTo(31.5 + 32, 10);
    expect(y).toBeCloseTo(31.5 - 32, 10);
  });

  it('levels a tilted face: eyes->mouth becomes the crop vertical', () => {
    const eye: [number, number] = [100, 100];
    const mouth: [number, number] = [130, 140]; // d = 50, tilted
    const crop = cropFromEyesAndMouth(eye, mouth, true)!;
    expect(crop.side).toBeCloseTo(2.9 * 50, 10);
    const m = cropMatrix(crop, 64);
    const [ex, ey] = applyAffine(m, ...eye);
    const [mx, my] = applyAffine(m, ...mouth);
    expect(mx - ex).toBeCloseTo(0, 10);
    expect(my - ey).toBeCloseTo((50 * 64) / crop.side, 10);
  });

  it('rejects a hint with eyes on the mouth', () => {
    expect(cropFromEyesAndMouth([5, 5], [5, 5.5], true)).toBeNull();
  });
});
