import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasAvx2 } from '../../src/main/adapters/cpu-features';

// The AVX2 build of our faiss addon (faiss compiled from Debian's source package by
// scripts/native/faiss-avx2-library.ts) must answer exactly as Debian's generic build does:
// the door's decisions may not depend on which CPU the station runs on. Each build runs in its
// own process, as the station loads only one.
const releaseDir = join(
  dirname(createRequire(import.meta.url).resolve('faiss-node/package.json')),
  'build',
  'Release',
);
const GENERIC = join(releaseDir, 'station-faiss.node');
const AVX2 = join(releaseDir, 'station-faiss-avx2.node');

interface Answer {
  version: string;
  flat: { labels: number[]; distances: number[] };
  hnsw: { labels: number[] };
}

/**
 * 2,000 unit vectors of 512-d in 400 clusters (5 per "person", like a gallery), 50 queries
 * near cluster centres; a fixed LCG so both processes see the same numbers.
 */
const SCRIPT = `
const s = require(process.argv[1]);
let seed = 12345;
const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 - 0.5; };
const D = 512, PEOPLE = 400, PER = 5, Q = 50;
const unit = (v) => { let n = 0; for (const x of v) n += x * x; n = Math.sqrt(n); return v.map((x) => x / n); };
const centres = Array.from({ length: PEOPLE }, () => unit(Array.from({ length: D }, rnd)));
const data = new Float32Array(PEOPLE * PER * D);
centres.forEach((c, p) => { for (let j = 0; j < PER; j++) data.set(unit(c.map((x) => x + 0.04 * rnd())), (p * PER + j) * D); });
const queries = new Float32Array(Q * D);
for (let q = 0; q < Q; q++) queries.set(unit(centres[(q * 7) % PEOPLE].map((x) => x + 0.04 * rnd())), q * D);
const flat = new s.StationIndex(D, 'Flat'); flat.add(data);
const f = flat.search(queries, 10);
const hnsw = new s.StationIndex(D, 'HNSW32,Flat'); hnsw.setParameter('efSearch', 128); hnsw.add(data);
const h = hnsw.search(queries, 1);
console.log(JSON.stringify({ version: s.faissVersion, flat: { labels: [...f.labels], distances: [...f.distances] }, hnsw: { labels: [...h.labels] } }));
`;

function answer(addon: string): Answer {
  const r = spawnSync(process.execPath, ['-e', SCRIPT, addon], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Answer;
}

describe('faiss builds: AVX2 vs generic', () => {
  it('the AVX2 build exists wherever the CPU can run it (CI must not quietly fall back)', () => {
    if (process.env.STATION_FAISS_AVX2 === '0') return;
    expect(existsSync(AVX2)).toBe(hasAvx2());
  });

  it.skipIf(!hasAvx2() || !existsSync(AVX2))(
    'gives the same exact search results and the same HNSW top-1',
    () => {
      const generic = answer(GENERIC);
      const avx2 = answer(AVX2);
      expect(avx2.version).toBe(generic.version);
      expect(avx2.flat.labels).toEqual(generic.flat.labels);
      avx2.flat.distances.forEach((d, i) => {
        expect(Math.abs(d - generic.flat.distances[i]!)).toBeLessThan(1e-5);
      });
      // Graph construction compares floats, so rounding can move a link; top-1 must agree.
      const agree = avx2.hnsw.labels.filter((l, i) => l === generic.hnsw.labels[i]).length;
      expect(agree / generic.hnsw.labels.length).toBeGreaterThanOrEqual(0.98);
      // And both find each query's own person first (labels 5p..5p+4).
      avx2.flat.labels
        .filter((_, i) => i % 10 === 0)
        .forEach((label, q) => expect(Math.floor(label / 5)).toBe((q * 7) % 400));
    },
  );
});
