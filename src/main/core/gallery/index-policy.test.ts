import { describe, expect, it } from 'vitest';
import {
  FLAT_MAX,
  HNSW_MAX,
  STEP_DOWN_FRACTION,
  chooseIndexKind,
  factoryString,
  ivfParams,
  rebuildRecommended,
} from './index-policy';

describe('index policy', () => {
  it('exact search for small galleries, HNSW in the middle, IVF for the largest', () => {
    expect(chooseIndexKind(0)).toBe('flat');
    expect(chooseIndexKind(FLAT_MAX)).toBe('flat');
    expect(chooseIndexKind(FLAT_MAX + 1)).toBe('hnsw');
    expect(chooseIndexKind(HNSW_MAX)).toBe('hnsw');
    expect(chooseIndexKind(HNSW_MAX + 1)).toBe('ivf');
  });

  it('steps down a kind only well below the boundary (no rebuild flapping at 50k)', () => {
    expect(chooseIndexKind(FLAT_MAX + 1, 'flat')).toBe('hnsw');
    expect(chooseIndexKind(FLAT_MAX, 'hnsw')).toBe('hnsw');
    expect(chooseIndexKind(Math.ceil(FLAT_MAX * STEP_DOWN_FRACTION) + 1, 'hnsw')).toBe('hnsw');
    expect(chooseIndexKind(Math.floor(FLAT_MAX * STEP_DOWN_FRACTION), 'hnsw')).toBe('flat');
    expect(chooseIndexKind(HNSW_MAX, 'ivf')).toBe('ivf');
    expect(chooseIndexKind(1_000, 'ivf')).toBe('flat');
    expect(chooseIndexKind(FLAT_MAX, 'ivf')).toBe('hnsw');
  });

  it('IVF lists always get enough training points and nprobe never exceeds nlist', () => {
    for (const n of [1, 10, 39, 40, 1_000, 100_000, 1_000_000, 50_000_000]) {
      const p = ivfParams(n);
      expect(p.nlist).toBeGreaterThanOrEqual(1);
      if (n >= p.trainPerList) expect(p.nlist * p.trainPerList).toBeLessThanOrEqual(n);
      expect(p.nprobe).toBeGreaterThanOrEqual(1);
      expect(p.nprobe).toBeLessThanOrEqual(p.nlist);
    }
    expect(factoryString('ivf', 50_000_000)).toMatch(/^IVF\d+,SQ8$/);
    expect(factoryString('ivf', 100_000)).toMatch(/^IVF\d+,Flat$/);
    expect(factoryString('hnsw', 100_000)).toMatch(/^HNSW\d+,Flat$/);
    expect(factoryString('flat', 10)).toBe('Flat');
  });

  it('recommends a rebuild once tombstones are a tenth of the index or many', () => {
    expect(rebuildRecommended(1000, 0)).toBe(false);
    expect(rebuildRecommended(1000, 99)).toBe(false);
    expect(rebuildRecommended(1000, 100)).toBe(true);
    expect(rebuildRecommended(1_000_000, 255)).toBe(false);
    expect(rebuildRecommended(1_000_000, 256)).toBe(true);
    expect(rebuildRecommended(5, 1)).toBe(true);
  });
});
