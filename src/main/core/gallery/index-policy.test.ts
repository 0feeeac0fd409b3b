import { describe, expect, it } from 'vitest';
import {
  FLAT_MAX,
  PQ_MAX,
  STEP_DOWN_FRACTION,
  chooseIndexKind,
  factoryString,
  ivfParams,
  rebuildRecommended,
  routedHnswParams,
} from './index-policy';

describe('index policy', () => {
  it('exact search for small galleries, PQ routing in the middle, IVF for the largest', () => {
    expect(chooseIndexKind(0)).toBe('flat');
    expect(chooseIndexKind(FLAT_MAX)).toBe('flat');
    expect(chooseIndexKind(FLAT_MAX + 1)).toBe('pq');
    expect(chooseIndexKind(PQ_MAX)).toBe('pq');
    expect(chooseIndexKind(PQ_MAX + 1)).toBe('ivf');
    // HNSW is an admin choice only: a gallery the size policy had put on HNSW moves to PQ.
    expect(chooseIndexKind(200_000, 'hnsw')).toBe('pq');
  });

  it('steps down a kind only well below the boundary (no rebuild flapping at 50k)', () => {
    expect(chooseIndexKind(FLAT_MAX + 1, 'flat')).toBe('pq');
    expect(chooseIndexKind(FLAT_MAX, 'pq')).toBe('pq');
    expect(chooseIndexKind(Math.ceil(FLAT_MAX * STEP_DOWN_FRACTION) + 1, 'pq')).toBe('pq');
    expect(chooseIndexKind(Math.floor(FLAT_MAX * STEP_DOWN_FRACTION), 'pq')).toBe('flat');
    expect(chooseIndexKind(PQ_MAX, 'ivf')).toBe('ivf');
    expect(chooseIndexKind(1_000, 'ivf')).toBe('flat');
    expect(chooseIndexKind(FLAT_MAX, 'ivf')).toBe('pq');
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

  it('the routed HNSW searches wider as the person graph grows, never narrower', () => {
    const sizes = [1, 20_000, 49_999, 50_000, 149_999, 150_000, 2_000_000];
    const ef = sizes.map((n) => routedHnswParams(n).efSearch);
    ef.forEach((v, i) => expect(v).toBeGreaterThanOrEqual(ef[i - 1] ?? 0));
    expect(routedHnswParams(20_000).efSearch).toBe(64); // recall@1 0.995 measured there
    expect(routedHnswParams(200_000).efSearch).toBe(256);
    for (const n of sizes) expect(routedHnswParams(n).routesProbed).toBeGreaterThanOrEqual(4);
  });
});
