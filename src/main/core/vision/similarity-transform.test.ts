import { describe, expect, it } from 'vitest';
import { applyAffine, type AffineMatrix } from './image-ops';
import { ARCFACE_TEMPLATE_112, estimateSimilarity, similarityScale } from './similarity-transform';
import type { Point } from './vision.types';

function similarity(scale: number, degrees: number, tx: number, ty: number): AffineMatrix {
  const t = (degrees * Math.PI) / 180;
  const a = scale * Math.cos(t);
  const b = scale * Math.sin(t);
  return [a, -b, tx, b, a, ty];
}

describe('estimateSimilarity', () => {
  it('recovers a known similarity exactly', () => {
    const truth = similarity(0.37, -23, 41.5, -7.25);
    const src: Point[] = [
      [310, 420],
      [455, 402],
      [380, 500],
      [330, 580],
      [440, 570],
    ];
    const dst = src.map((p) => applyAffine(truth, p[0], p[1]));
    const m = estimateSimilarity(src, dst);
    m.forEach((v, i) => expect(v).toBeCloseTo(truth[i]!, 9));
    expect(similarityScale(m)).toBeCloseTo(0.37, 9);
  });

  it('maps the template onto itself with the identity', () => {
    const m = estimateSimilarity(ARCFACE_TEMPLATE_112, ARCFACE_TEMPLATE_112);
    [1, 0, 0, 0, 1, 0].forEach((v, i) => expect(m[i]).toBeCloseTo(v, 9));
  });

  it('is a least-squares fit: noise on one point moves the result only a little', () => {
    const src = ARCFACE_TEMPLATE_112.map(([x, y]): Point => [x * 3 + 100, y * 3 + 50]);
    const noisy = src.map((p, i): Point => (i === 2 ? [p[0] + 6, p[1]] : p));
    const m = estimateSimilarity(noisy, ARCFACE_TEMPLATE_112);
    expect(similarityScale(m)).toBeCloseTo(1 / 3, 2);
    // The eyes still land within a pixel of the template.
    const [lx, ly] = applyAffine(m, ...src[0]!);
    expect(Math.hypot(lx - 38.2946, ly - 51.6963)).toBeLessThan(1);
  });

  it('never reflects: a mirrored face gives a rotation, not a flip', () => {
    const mirrored = ARCFACE_TEMPLATE_112.map(([x, y]): Point => [112 - x, y]);
    const m = estimateSimilarity(mirrored, ARCFACE_TEMPLATE_112);
    expect(m[0] * m[4] - m[1] * m[3]).toBeGreaterThanOrEqual(0);
  });

  it('rejects degenerate input', () => {
    expect(() =>
      estimateSimilarity(
        [
          [1, 1],
          [1, 1],
        ],
        [
          [0, 0],
          [1, 1],
        ],
      ),
    ).toThrow(RangeError);
    expect(() => estimateSimilarity([[1, 1]], [[0, 0]])).toThrow(RangeError);
    expect(() =>
      estimateSimilarity(
        [
          [1, 1],
          [2, 2],
        ],
        [[0, 0]],
      ),
    ).toThrow(RangeError);
  });
});
