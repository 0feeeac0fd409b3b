/**
 * The seed's `benchmark_backends`, on real-face-like data: plain-TS brute-force KNN vs FAISS
 * flat (exact) vs HNSW vs IVF, through the station's own adapter (faissIndexFactory) with the
 * parameters of src/main/core/gallery/index-policy.ts.
 *
 *   OMP_NUM_THREADS=1 npx tsx bench/index-backends.ts [--sizes 10000,100000] [--all]
 *       [--queries 1000] [--kinds brute,flat,hnsw,ivf] [--batch 100]
 *
 * --all adds 1,000,000 with brute force and flat only: single-threaded HNSW and IVF builds at
 * 1M take hours on this 2-core machine with Debian's generic faiss and reference BLAS (see
 * docs/BENCHMARKS.md); --approx-1m builds them anyway.
 *
 * Data: embeddings of the real LFW + CelebA photos in ../shared/data computed with the
 * station's FacePipeline (cached outside the repo, tests/support/face-embeddings.ts), used
 * (a) as they are: a real gallery with one held-out probe per identity, and (b) to fit the
 * generator of bench/lib/face-like-gallery.ts, which synthesises galleries of N embeddings
 * (5 per identity) whose genuine / impostor similarity statistics match the real ones
 * (printed). Probes are fresh draws around gallery identities, like a person at the door.
 *
 * Per backend and size: build time (including IVF training), index bytes and load-from-bytes
 * time (cold start), RSS growth, single-query latency p50/p99, batched latency per query,
 * recall@1 against exact search, speed-up against brute force, and top-1 identity accuracy.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { faissIndexFactory } from '../src/main/adapters/faiss-vector-index';
import { loadStationFaiss, loadedFaissVariant } from '../src/main/adapters/station-faiss-addon';
import { ivfParams, routedHnswParams } from '../src/main/core/gallery/index-policy';
import type { IndexKind, VectorIndex } from '../src/main/core/gallery/vector-index';
import { ms, summarize, timed } from './lib/bench-stats';
import { BruteForceKnn } from './lib/brute-force-knn';
import {
  PER_IDENTITY,
  type RealSplit,
  faceLikeDataset,
  fittedFaceModel,
  pickRows,
  realSplit,
} from './lib/face-like-dataset';
import {
  type FaceModel,
  type SimilarityStats,
  similarityStats,
  synthesise,
} from './lib/face-like-gallery';

const K = 32; // what Gallery.search asks for
type Backend = 'brute' | IndexKind;

interface Dataset {
  name: string;
  vectors: Float32Array;
  /** identity of each gallery row */
  ids: Int32Array;
  queries: Float32Array;
  queryIds: Int32Array;
  d: number;
}

interface Row {
  dataset: string;
  n: number;
  backend: Backend;
  params: string;
  buildMs: number;
  indexMB: number;
  loadMs: number;
  rssMB: number;
  single: { p50: number; p99: number; count: number };
  batchedPerQuery: number;
  batchP99: number;
  recallAt1: number;
  identityAt1: number;
}

const rssMB = (): number => process.memoryUsage().rss / 1e6;

function rows(v: Float32Array, d: number, i: number): Float32Array {
  return v.subarray(i * d, (i + 1) * d);
}

/** Top-1 labels of every query, plus per-query single latencies for the first `timedCount`. */
function runQueries(
  search: (q: Float32Array, k: number) => { labels: ArrayLike<number> },
  ds: Dataset,
  timedCount: number,
  batch: number,
): { top1: Int32Array; single: number[]; batchMs: number[]; answered: number } {
  const nq = ds.queryIds.length;
  const count = Math.min(timedCount, nq);
  const single: number[] = [];
  for (let i = 0; i < Math.min(10, count); i++) search(rows(ds.queries, ds.d, i), K); // warm-up
  for (let i = 0; i < count; i++) {
    const t = timed(() => search(rows(ds.queries, ds.d, i), K));
    single.push(t.ms);
  }
  const top1 = new Int32Array(count).fill(-1);
  const batchMs: number[] = [];
  for (let q0 = 0; q0 < count; q0 += batch) {
    const qn = Math.min(batch, count - q0);
    const block = ds.queries.subarray(q0 * ds.d, (q0 + qn) * ds.d);
    const t = timed(() => search(block, K));
    batchMs.push(t.ms / qn);
    for (let b = 0; b < qn; b++) top1[q0 + b] = t.value.labels[b * K] ?? -1;
  }
  return { top1, single, batchMs, answered: count };
}

function paramsOf(kind: Backend, index: VectorIndex | null): string {
  if (!index || kind === 'brute' || kind === 'flat') return kind === 'brute' ? 'plain TS' : 'exact';
  return Object.entries(index.stats().params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

function measure(
  ds: Dataset,
  backend: Backend,
  exactTop1: Int32Array | null,
  timedCount: number,
  batch: number,
): { row: Row; top1: Int32Array } {
  const rssBefore = rssMB();
  let index: VectorIndex | null = null;
  let search: (q: Float32Array, k: number) => { labels: ArrayLike<number> };
  let buildMs = 0;
  let indexMB = NaN;
  let loadMs = NaN;
  if (backend === 'brute') {
    const knn = new BruteForceKnn(ds.vectors, ds.d);
    search = (q, k) => knn.search(q, k);
  } else {
    const factory = faissIndexFactory(backend);
    const built = timed(() => {
      const ix = factory.create(ds.d);
      ix.add(ds.vectors, ds.ids); // persons: the routed HNSW makes one node per person
      return ix;
    });
    buildMs = built.ms;
    index = built.value;
    if (ds.vectors.length <= 100_000 * ds.d * 1.01) {
      const bytes = index.toBuffer();
      indexMB = bytes.length / 1e6;
      const loaded = timed(() => factory.fromBuffer(bytes, ds.d));
      loadMs = loaded.ms;
      index = loaded.value; // search the reloaded copy: proves the round trip too
    }
    const ix = index;
    search = (q, k) => ix.searchBatch(q, k);
  }
  const rss = rssMB() - rssBefore;
  const r = runQueries(search, ds, timedCount, batch);
  const exact = exactTop1 ?? r.top1;
  let hits = 0;
  let sameId = 0;
  for (let i = 0; i < r.answered; i++) {
    if (r.top1[i] === exact[i]) hits++;
    if (r.top1[i]! >= 0 && ds.ids[r.top1[i]!] === ds.queryIds[i]) sameId++;
  }
  const s = summarize(r.single);
  const b = summarize(r.batchMs);
  return {
    top1: r.top1,
    row: {
      dataset: ds.name,
      n: ds.ids.length,
      backend,
      params: paramsOf(backend, index),
      buildMs,
      indexMB,
      loadMs,
      rssMB: rss,
      single: { p50: s.p50, p99: s.p99, count: r.answered },
      batchedPerQuery: b.mean,
      batchP99: b.p99,
      recallAt1: hits / r.answered,
      identityAt1: sameId / r.answered,
    },
  };
}

async function realDataset(log: (l: string) => void): Promise<{ ds: Dataset; split: RealSplit }> {
  const split = await realSplit(log);
  const { real, ids, galleryRows, probeRows } = split;
  const d = real.dim;
  const ds: Dataset = {
    name: 'real LFW+CelebA',
    vectors: pickRows(real.vectors, d, galleryRows),
    ids: Int32Array.from(galleryRows.map((r) => ids[r]!)),
    queries: pickRows(real.vectors, d, probeRows),
    queryIds: Int32Array.from(probeRows.map((r) => ids[r]!)),
    d,
  };
  log(
    `real: ${real.images.length} embeddings (${real.noFace} images without a face), ${split.identities} identities`,
  );
  return { ds, split };
}

function syntheticDataset(
  model: FaceModel,
  n: number,
  queries: number,
  log: (l: string) => void,
): Dataset {
  return { name: 'synthetic face-like', d: model.d, ...faceLikeDataset(model, n, queries, log) };
}

function statsTable(real: SimilarityStats, synth: SimilarityStats, model: FaceModel): void {
  console.log(
    `\nSimilarity statistics, real vs synthetic (alpha=${model.alpha}, beta=${model.beta}, spread=${model.spread}):\n`,
  );
  console.log(
    '| | genuine mean | genuine std | genuine p5 | impostor mean | impostor std | impostor p99.9 |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const [name, s] of [
    ['real', real],
    ['synthetic', synth],
  ] as const) {
    const f = (x: number): string => x.toFixed(3);
    console.log(
      `| ${name} | ${f(s.genuineMean)} | ${f(s.genuineStd)} | ${f(s.genuineP05)} | ${f(s.impostorMean)} | ${f(s.impostorStd)} | ${f(s.impostorP999)} |`,
    );
  }
}

function printRows(rows: Row[]): void {
  console.log(
    '\n| data | N | backend | params | build s | index MB | load ms | RSS +MB | single p50 ms | single p99 ms | batched ms/query | batch p99 ms/query | recall@1 vs exact | speed-up vs brute (p50) | top-1 same identity |',
  );
  console.log('|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const brute = rows.find((b) => b.backend === 'brute' && b.n === r.n && b.dataset === r.dataset);
    const speedup = brute ? (brute.single.p50 / r.single.p50).toFixed(1) : 'n/a';
    console.log(
      `| ${r.dataset} | ${r.n} | ${r.backend} | ${r.params} | ${(r.buildMs / 1000).toFixed(1)} | ${Number.isNaN(r.indexMB) ? 'n/a' : r.indexMB.toFixed(0)} | ${ms(r.loadMs)} | ${r.rssMB.toFixed(0)} | ${ms(r.single.p50)} | ${ms(r.single.p99)} | ${ms(r.batchedPerQuery)} | ${ms(r.batchP99)} | ${r.recallAt1.toFixed(4)} (${r.single.count} q) | ${speedup} | ${r.identityAt1.toFixed(3)} |`,
    );
  }
}

function runAll(ds: Dataset, kinds: Backend[], queries: number, batch: number, out: Row[]): void {
  const n = ds.ids.length;
  // Brute force is slow at scale: fewer timed queries there (stated in the row).
  const bruteQueries = Math.min(queries, Math.max(50, Math.round(2e7 / n)));
  const exactQueries = n >= 1_000_000 ? Math.min(queries, 300) : queries;
  const exact = measure(ds, 'flat', null, exactQueries, batch);
  out.push(exact.row);
  console.error(`[index-backends] ${ds.name} ${n}: flat done`);
  for (const kind of kinds) {
    if (kind === 'flat') continue;
    const count = kind === 'brute' ? bruteQueries : exactQueries;
    const m = measure(ds, kind, exact.top1, count, batch);
    out.push(m.row);
    console.error(
      `[index-backends] ${ds.name} ${n}: ${kind} done (build ${(m.row.buildMs / 1000).toFixed(1)} s)`,
    );
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '10000,100000' },
      all: { type: 'boolean', default: false },
      'approx-1m': { type: 'boolean', default: false },
      queries: { type: 'string', default: '1000' },
      batch: { type: 'string', default: '100' },
      kinds: { type: 'string', default: 'brute,flat,hnsw,ivf' },
    },
  });
  const log = (l: string): void => console.error(`[index-backends] ${l}`);
  const sizes = values.sizes.split(',').map(Number);
  if (values.all && !sizes.includes(1_000_000)) sizes.push(1_000_000);
  const kinds = values.kinds.split(',') as Backend[];
  const queries = Number(values.queries);
  const batch = Number(values.batch);
  const loadAvg = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

  const { ds: real, split } = await realDataset(log);
  const realStats = similarityStats(real.vectors, Array.from(real.ids), real.d);
  const { model } = await fittedFaceModel(log, split);
  const check = synthesise(model, 2000, PER_IDENTITY, 5);
  const labels = Array.from({ length: 2000 * PER_IDENTITY }, (_, i) =>
    Math.floor(i / PER_IDENTITY),
  );

  const out: Row[] = [];
  runAll(real, kinds, queries, batch, out);
  for (const n of sizes) {
    const synth = timed(() => syntheticDataset(model, n, queries, log));
    const ds = synth.value;
    log(`synthesised ${n} embeddings in ${(synth.ms / 1000).toFixed(0)} s`);
    const slow = (k: Backend): boolean => k === 'hnsw' || k === 'ivf';
    const use = n >= 1_000_000 && !values['approx-1m'] ? kinds.filter((k) => !slow(k)) : kinds;
    runAll(ds, use, queries, batch, out);
  }

  console.log(
    `### Index backends (${real.d}-d fr_feature embeddings, k=${K}, OMP_NUM_THREADS=${process.env.OMP_NUM_THREADS ?? 'unset'})\n`,
  );
  console.log(
    `Engine: faiss ${loadStationFaiss().faissVersion} ${loadedFaissVariant() ?? '?'} (STATION_FAISS_SIMD=${process.env.STATION_FAISS_SIMD ?? 'auto'}).`,
  );
  console.log(
    `1-min/5-min/15-min load average at start: ${loadAvg}. routed HNSW at 20k persons ${JSON.stringify(routedHnswParams(20_000))}; IVF at 100k ${JSON.stringify(ivfParams(100_000))}.`,
  );
  statsTable(realStats, similarityStats(check.vectors, labels, model.d), model);
  printRows(out);
  console.log(`\n<!-- json ${JSON.stringify(out)} -->`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
