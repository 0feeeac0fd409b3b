import { describe, expect, it } from 'vitest';
import { cosineSimilarity, dot, l2Normalize, meanEmbedding } from './embedding-math';

describe('embedding maths', () => {
  it('normalises to unit length and leaves zero vectors at zero', () => {
    const v = l2Normalize(new Float32Array([3, 4]));
    expect(Array.from(v)).toEqual([0.6000000238418579, 0.800000011920929]);
    expect(Array.from(l2Normalize(new Float32Array(3)))).toEqual([0, 0, 0]);
  });

  it('can normalise in place', () => {
    const v = new Float32Array([0, 2]);
    expect(l2Normalize(v, v)).toBe(v);
    expect(Array.from(v)).toEqual([0, 1]);
  });

  it('computes dot and cosine', () => {
    expect(dot([1, 2, 3], [4, 5, 6])).toBe(32);
    expect(cosineSimilarity([1, 0], [0, 2])).toBe(0);
    expect(cosineSimilarity([2, 0], [-3, 0])).toBe(-1);
    expect(cosineSimilarity([1, 1], [0, 0])).toBe(0);
    expect(() => dot([1], [1, 2])).toThrow(RangeError);
  });

  it('averages unit vectors into a unit template', () => {
    const m = meanEmbedding([new Float32Array([1, 0]), new Float32Array([0, 1])]);
    expect(m[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(m[1]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(() => meanEmbedding([])).toThrow(RangeError);
  });
});
