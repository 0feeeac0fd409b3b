import { describe, expect, it } from 'vitest';
import { boxBack, fiveBack, pointBack, turnImage } from './quarter-turn';
import type { FivePoints, RgbImage } from './vision.types';

/** 3 x 2 image whose pixel (x, y) has red = 10 * y + x. */
function sample(): RgbImage {
  const data = new Uint8Array(3 * 2 * 3);
  for (let y = 0; y < 2; y++) for (let x = 0; x < 3; x++) data[(y * 3 + x) * 3] = 10 * y + x;
  return { width: 3, height: 2, data };
}
const red = (img: RgbImage, x: number, y: number): number => img.data[(y * img.width + x) * 3]!;

describe('turnImage', () => {
  it('turns clockwise: the bottom-left pixel becomes the top-left one', () => {
    const cw = turnImage(sample(), 'cw');
    expect([cw.width, cw.height]).toEqual([2, 3]);
    expect(red(cw, 0, 0)).toBe(10); // source (0, 1)
    expect(red(cw, 1, 0)).toBe(0); // source (0, 0)
    expect(red(cw, 0, 2)).toBe(12); // source (2, 1)
  });

  it('turns counter-clockwise: the top-right pixel becomes the top-left one', () => {
    const ccw = turnImage(sample(), 'ccw');
    expect(red(ccw, 0, 0)).toBe(2);
    expect(red(ccw, 1, 2)).toBe(10);
  });

  it('four quarter turns give the image back', () => {
    let img = sample();
    for (let i = 0; i < 4; i++) img = turnImage(img, 'cw');
    expect(img).toEqual(sample());
  });
});

describe('mapping back', () => {
  it.each(['cw', 'ccw'] as const)(
    'maps %s pixel centres back onto the same source pixel',
    (turn) => {
      const src = sample();
      const turned = turnImage(src, turn);
      for (let y = 0; y < turned.height; y++)
        for (let x = 0; x < turned.width; x++) {
          const [sx, sy] = pointBack([x, y], turn, src.width, src.height);
          expect(red(src, sx, sy)).toBe(red(turned, x, y));
        }
    },
  );

  it.each(['cw', 'ccw'] as const)(
    'maps a %s box (edges) onto the box covering the same pixels',
    (turn) => {
      const [w, h] = [30, 20];
      // Turned-image box covering pixels x 2..5, y 7..9 (edges 2..6, 7..10); pixel i's centre
      // lies at edge coordinate i + 0.5.
      const back = boxBack({ x1: 2, y1: 7, x2: 6, y2: 10, score: 0.9 }, turn, w, h);
      const centres = [pointBack([2, 7], turn, w, h), pointBack([5, 9], turn, w, h)];
      for (const [px, py] of centres.map(([x, y]) => [x + 0.5, y + 0.5] as const)) {
        expect(px).toBeGreaterThan(back.x1);
        expect(px).toBeLessThan(back.x2);
        expect(py).toBeGreaterThan(back.y1);
        expect(py).toBeLessThan(back.y2);
      }
      expect((back.x2 - back.x1) * (back.y2 - back.y1)).toBe(12);
      expect(back.score).toBe(0.9);
    },
  );

  it('keeps the five points in their order', () => {
    const five: FivePoints = [
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
      [9, 10],
    ];
    const back = fiveBack(five, 'cw', 30, 20);
    expect(back[0]).toEqual(pointBack([1, 2], 'cw', 30, 20));
    expect(back[4]).toEqual(pointBack([9, 10], 'cw', 30, 20));
  });
});
