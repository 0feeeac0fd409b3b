import { describe, expect, it } from 'vitest';
import { dropNestedBoxes, iou, nonMaxSuppression } from './nms';
import type { FaceBox } from './vision.types';

const box = (x1: number, y1: number, x2: number, y2: number, score: number): FaceBox => ({
  x1,
  y1,
  x2,
  y2,
  score,
});

describe('iou', () => {
  it('is 1 for identical, 0 for disjoint or touching, 1/3 for half-shifted boxes', () => {
    expect(iou(box(0, 0, 10, 10, 1), box(0, 0, 10, 10, 1))).toBe(1);
    expect(iou(box(0, 0, 10, 10, 1), box(10, 0, 20, 10, 1))).toBe(0);
    expect(iou(box(0, 0, 10, 10, 1), box(5, 0, 15, 10, 1))).toBeCloseTo(1 / 3, 12);
  });
});

describe('nonMaxSuppression', () => {
  it('keeps the highest-scoring box of an overlapping cluster', () => {
    const kept = nonMaxSuppression(
      [box(1, 1, 11, 11, 0.8), box(0, 0, 10, 10, 0.95), box(2, 0, 12, 10, 0.7)],
      0.4,
    );
    expect(kept).toEqual([box(0, 0, 10, 10, 0.95)]);
  });

  it('keeps a small face next to a big one (IoU, not overlap / small area)', () => {
    const big = box(0, 0, 100, 100, 0.99);
    const small = box(90, 10, 110, 30, 0.9); // half inside the big box, IoU ~0.02
    expect(nonMaxSuppression([small, big], 0.4)).toEqual([big, small]);
  });

  it('orders by score, drops empty boxes, honours maxKeep and does not mutate input', () => {
    const input = [
      box(0, 0, 5, 5, 0.5),
      box(20, 20, 30, 30, 0.9),
      box(40, 40, 40, 50, 1),
      box(60, 60, 70, 70, 0.7),
    ];
    const copy = structuredClone(input);
    expect(nonMaxSuppression(input, 0.5).map((b) => b.score)).toEqual([0.9, 0.7, 0.5]);
    expect(nonMaxSuppression(input, 0.5, 2).map((b) => b.score)).toEqual([0.9, 0.7]);
    expect(input).toEqual(copy);
  });

  it('boxes exactly at the threshold are kept (strictly greater suppresses)', () => {
    const a = box(0, 0, 10, 10, 0.9);
    const b = box(5, 0, 15, 10, 0.8); // IoU 1/3
    expect(nonMaxSuppression([a, b], 1 / 3)).toHaveLength(2);
    expect(nonMaxSuppression([a, b], 0.3)).toHaveLength(1);
  });
});

describe('dropNestedBoxes', () => {
  const box = (x1: number, y1: number, x2: number, y2: number, score = 0.9) => ({
    x1,
    y1,
    x2,
    y2,
    score,
  });

  it('drops a small box inside a big one, whatever their scores', () => {
    const face = box(0, 0, 100, 100, 0.99);
    const eye = box(20, 30, 40, 50, 0.74);
    expect(dropNestedBoxes([face, eye])).toEqual([face]);
  });

  it('keeps side-by-side and partly overlapping faces', () => {
    const a = box(0, 0, 100, 100);
    const b = box(90, 0, 190, 100);
    const c = box(300, 0, 340, 40);
    expect(dropNestedBoxes([a, b, c])).toEqual([a, b, c]);
  });
});
