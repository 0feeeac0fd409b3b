import { describe, expect, it } from 'vitest';
import { fivePointsFrom68, interEyeDistance } from './five-points';
import type { Point } from './vision.types';

describe('fivePointsFrom68', () => {
  const pts: Point[] = Array.from({ length: 68 }, (_, i): Point => [i, 1000 + i]);

  it('averages the six points of each eye and picks nose tip and mouth corners', () => {
    const five = fivePointsFrom68(pts);
    expect(five[0]).toEqual([38.5, 1038.5]); // mean of 36..41
    expect(five[1]).toEqual([44.5, 1044.5]); // mean of 42..47
    expect(five[2]).toEqual([30, 1030]);
    expect(five[3]).toEqual([48, 1048]);
    expect(five[4]).toEqual([54, 1054]);
  });

  it('rejects a wrong point count', () => {
    expect(() => fivePointsFrom68(pts.slice(0, 67))).toThrow(RangeError);
  });

  it('measures the inter-eye distance', () => {
    expect(
      interEyeDistance([
        [10, 10],
        [13, 14],
        [0, 0],
        [0, 0],
        [0, 0],
      ]),
    ).toBe(5);
  });
});
