import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import type * as Faiss from 'faiss-node';
import { makeTempDir } from '../support/temp-dir';

// The addon built by scripts/native/build-faiss-addon.ts (npm ci's postinstall) against
// Debian's faiss 1.7.3. These pin down the behaviour the gallery relies on.
process.env.OMP_NUM_THREADS ??= '1';
const faiss = createRequire(import.meta.url)('faiss-node') as typeof Faiss;

const D = 4;
const rows = (...vs: number[][]) => vs.flat();

describe('faiss-node addon (system faiss)', () => {
  const tmp = makeTempDir('station-faiss-');
  afterAll(() => tmp.cleanup());

  it('IndexFlatIP: add, inner-product search, ntotal and dimension', () => {
    const index = new faiss.IndexFlatIP(D);
    index.add(rows([1, 0, 0, 0], [0, 1, 0, 0], [0.6, 0.8, 0, 0]));
    expect(index.ntotal()).toBe(3);
    expect(index.getDimension()).toBe(D);
    const { labels, distances } = index.search([1, 0, 0, 0], 3);
    expect(labels).toEqual([0, 2, 1]);
    expect(distances[0]).toBeCloseTo(1, 6);
    expect(distances[1]).toBeCloseTo(0.6, 6);
    expect(distances[2]).toBeCloseTo(0, 6);
  });

  it('IndexFlatL2: squared L2 distances', () => {
    const index = new faiss.IndexFlatL2(D);
    index.add(rows([0, 0, 0, 0], [3, 4, 0, 0]));
    const { labels, distances } = index.search([3, 4, 0, 0], 2);
    expect(labels).toEqual([1, 0]);
    expect(distances).toEqual([0, 25]);
  });

  it('removeIds on a flat index compacts: later labels shift down', () => {
    const index = new faiss.IndexFlatIP(D);
    index.add(rows([1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]));
    expect(index.removeIds([1])).toBe(1);
    expect(index.ntotal()).toBe(3);
    // The vector added as label 2 is now label 1: callers must remap their own ids.
    expect(index.search([0, 0, 1, 0], 1).labels).toEqual([1]);
    expect(index.search([0, 0, 0, 1], 1).labels).toEqual([2]);
    expect(index.removeIds([42])).toBe(0);
  });

  it('round-trips through a file and a buffer', () => {
    const index = new faiss.IndexFlatIP(D);
    index.add(rows([1, 0, 0, 0], [0, 1, 0, 0]));
    const file = join(tmp.dir, 'flat.faiss');
    index.write(file);
    const fromFile = faiss.IndexFlatIP.read(file);
    const fromBuffer = faiss.IndexFlatIP.fromBuffer(index.toBuffer());
    for (const copy of [fromFile, fromBuffer]) {
      expect(copy.ntotal()).toBe(2);
      expect(copy.search([0, 1, 0, 0], 1).labels).toEqual([1]);
    }
  });

  it('reports bad input as a JS error instead of crashing', () => {
    const index = new faiss.IndexFlatIP(D);
    expect(() => index.add([1, 2, 3])).toThrow();
    expect(() => faiss.IndexFlatIP.read(join(tmp.dir, 'does-not-exist.faiss'))).toThrow();
    expect(() => faiss.Index.fromBuffer(Buffer.from('not an index'))).toThrow();
  });

  it('fromFactory builds other index types from the same library', () => {
    const index = faiss.Index.fromFactory(D, 'Flat', faiss.MetricType.METRIC_INNER_PRODUCT);
    index.add(rows([0, 0, 1, 0]));
    expect(index.search([0, 0, 1, 0], 1).labels).toEqual([0]);
  });
});
