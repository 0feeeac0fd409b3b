import { describe, expect, it } from 'vitest';
import {
  type Candidate,
  type PnetMap,
  applyRegression,
  pnetCandidates,
  pyramidScales,
  squared,
  suppress,
} from './mtcnn-boxes';

const cand = (x1: number, y1: number, x2: number, y2: number, score = 1): Candidate => ({
  x1,
  y1,
  x2,
  y2,
  score,
  reg: [0, 0, 0, 0],
});

describe('pnetCandidates', () => {
  // A 3 x 2 map: only cell (x 2, y 1) fires; its regression planes hold 0.1..0.4.
  const map: PnetMap = {
    width: 3,
    height: 2,
    prob: Float32Array.from([0.1, 0.2, 0.3, 0.4, 0.5, 0.9]),
    reg: Float32Array.from([
      ...[0, 0, 0, 0, 0, 0.1],
      ...[0, 0, 0, 0, 0, 0.2],
      ...[0, 0, 0, 0, 0, 0.3],
      ...[0, 0, 0, 0, 0, 0.4],
    ]),
  };

  it('turns a cell into its 12-pixel window (stride 2) in source pixels', () => {
    // At scale 0.5 a level pixel is two source pixels: window [4, 16) -> [8, 32).
    const [c, ...rest] = pnetCandidates(map, 0.5, 0.5, 0.6);
    expect(rest).toEqual([]);
    expect([c?.x1, c?.y1, c?.x2, c?.y2]).toEqual([8, 4, 32, 28]);
    expect(c?.score).toBeCloseTo(0.9, 6);
    c?.reg.forEach((v, i) => expect(v).toBeCloseTo(0.1 * (i + 1), 6));
  });

  it('keeps only cells above the threshold', () => {
    expect(pnetCandidates(map, 1, 1, 0.95)).toEqual([]);
    expect(pnetCandidates(map, 1, 1, 0.35)).toHaveLength(3);
  });
});

describe('applyRegression and squared', () => {
  it('moves each edge by its offset times the box size', () => {
    const moved = applyRegression({ ...cand(10, 20, 30, 60), reg: [0.1, -0.25, 0.5, 0] });
    expect(moved).toEqual({ ...cand(12, 10, 40, 60), reg: [0, 0, 0, 0] });
  });

  it('squares on the same centre with the longer side', () => {
    expect(squared(cand(10, 20, 30, 60))).toEqual(cand(0, 20, 40, 60));
    expect(squared(cand(0, 0, 40, 10))).toEqual(cand(0, -15, 40, 25));
  });
});

describe('suppress', () => {
  it('by union keeps the best of an overlapping pair and both of a distant one', () => {
    const kept = suppress(
      [cand(0, 0, 10, 10, 0.8), cand(1, 0, 11, 10, 0.9), cand(50, 50, 60, 60, 0.5)],
      0.5,
      'union',
    );
    expect(kept.map((k) => k.score)).toEqual([0.9, 0.5]);
  });

  it('by the smaller box also removes a box lying inside a bigger one', () => {
    const outer = cand(0, 0, 100, 100, 0.9);
    const inner = cand(10, 10, 30, 30, 0.8);
    expect(suppress([outer, inner], 0.7, 'union')).toHaveLength(2);
    expect(suppress([outer, inner], 0.7, 'min')).toEqual([outer]);
  });

  it('drops empty and non-finite boxes', () => {
    expect(
      suppress([cand(5, 5, 5, 9), cand(0, 0, Number.NaN, 3), cand(0, 0, 2, 2)], 0.5, 'union'),
    ).toHaveLength(1);
  });
});

describe('pyramidScales', () => {
  it('starts where a minFace face is 12 px and shrinks by the factor down to one cell', () => {
    const s = pyramidScales(100, 60, 24, 0.5);
    // 0.125 would leave a 7.5-px short side, less than one cell.
    expect(s).toEqual([0.5, 0.25]);
    // The last level's short side still holds one 12-px cell.
    expect(60 * s.at(-1)!).toBeGreaterThanOrEqual(12);
  });

  it('is empty for an image smaller than one cell at the largest scale', () => {
    expect(pyramidScales(1, 1, 20, 0.709)).toEqual([]);
    expect(pyramidScales(5, 400, 20, 0.709)).toEqual([]);
  });

  it('enlarges at most to find 6-px faces', () => {
    expect(pyramidScales(100, 100, 1, 0.709)[0]).toBe(2);
  });
});
