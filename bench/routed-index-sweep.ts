/**
 * The routed indexes (the gallery's PQ and HNSW kinds, adapters/routed-index.ts) at scale:
 * build time, file size, load time, and a sweep of their search knobs (routes re-ranked
 * exactly; efSearch of the HNSW graph over persons) against exact search, on the face-like
 * gallery of bench/index-backends.ts (5 templates per person; probes are new draws of
 * gallery persons).
 *
 *   OMP_NUM_THREADS=1 npx tsx bench/routed-index-sweep.ts [--kind pq|hnsw] [--size 1000000]
 *       [--queries 1000] [--probe 8,16,32] [--ef 32,48,64,96] [--ef-construction N] [--m N]
 *       [--pq-m N]   (PQ sub-quantisers of 4 bits; the policy uses dim/4)
 *
 * recall@1 is the share of probes whose top-1 TEMPLATE equals exact search's top-1 over all
 * templates (faiss flat, cached beside the gallery: ~4 min at 1M); "same person" is the
 * share whose top-1 is a template of the probe's own person.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { faissIndexFactory } from '../src/main/adapters/faiss-vector-index';
import { RoutedIndex, type RoutedKind } from '../src/main/adapters/routed-index';
import { loadStationFaiss, loadedFaissVariant } from '../src/main/adapters/station-faiss-addon';
import { routedHnswParams, routesProbed } from '../src/main/core/gallery/index-policy';
import { embeddingCacheDir } from '../tests/support/face-embeddings';
import { loadAverages, ms, summarize, timed } from './lib/bench-stats';
import type { FaceLikeGallery } from './lib/face-like-cache';
import { faceLikeDataset, fittedFaceModel } from './lib/face-like-dataset';

const K = 32; // what Gallery.search asks for

function exactTop1(g: FaceLikeGallery, d: number, log: (l: string) => void): Int32Array {
  const n = g.ids.length;
  const q = g.queryIds.length;
  const file = `${embeddingCacheDir()}/face-like/exact-top1-${n}-${q}.json`;
  if (existsSync(file)) {
    const cached = JSON.parse(readFileSync(file, 'utf8')) as number[];
    if (cached.length === q) return Int32Array.from(cached);
  }
  const flat = faissIndexFactory('flat').create(d);
  flat.add(g.vectors);
  // One query at a time: faiss's batched path goes through reference BLAS here, far slower.
  const top = new Int32Array(q);
  const t = timed(() => {
    for (let i = 0; i < q; i++)
      top[i] = flat.search(g.queries.subarray(i * d, (i + 1) * d), 1).labels[0] ?? -1;
  });
  log(`exact top-1 of ${q} probes over ${n} in ${(t.ms / 1000).toFixed(0)} s`);
  writeFileSync(file, JSON.stringify(Array.from(top)));
  return top;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      kind: { type: 'string', default: 'pq' },
      size: { type: 'string', default: '1000000' },
      queries: { type: 'string', default: '1000' },
      ef: { type: 'string', default: '32,48,64,96' },
      probe: { type: 'string', default: '8,16,32' },
      'ef-construction': { type: 'string' },
      m: { type: 'string' },
      'pq-m': { type: 'string' },
    },
  });
  const log = (l: string): void => console.error(`[routed-index] ${l}`);
  const kind = values.kind as RoutedKind;
  if (kind !== 'pq' && kind !== 'hnsw') throw new Error('--kind pq|hnsw');
  const n = Number(values.size);
  const queries = Number(values.queries);
  const { model } = await fittedFaceModel(log);
  const g = faceLikeDataset(model, n, queries, log);
  const d = model.d;
  const exact = exactTop1(g, d, log);

  const loadAtBuild = loadAverages();
  const factory = faissIndexFactory(kind);
  const build = {
    ...(values['ef-construction'] ? { efConstruction: Number(values['ef-construction']) } : {}),
    ...(values.m ? { M: Number(values.m) } : {}),
    ...(values['pq-m'] ? { pqSubquantizers: Number(values['pq-m']) } : {}),
  };
  const built = timed(() => {
    const ix = new RoutedIndex(kind, d, null, build);
    ix.add(g.vectors, g.ids);
    return ix;
  });
  log(`built ${n} in ${(built.ms / 1000).toFixed(0)} s (load ${loadAtBuild})`);
  const bytes = built.value.toBuffer();
  const loaded = timed(() => factory.fromBuffer(bytes, d));
  const index = loaded.value as RoutedIndex;
  const fileMB = bytes.length / 1e6;
  // Not zeroed: the loaded index keeps its rows in these bytes (keepsLoadBuffer).

  const header =
    `### Routed ${kind} at ${n} (${index.routes} routes = persons), ` +
    `faiss ${loadStationFaiss().faissVersion} ${loadedFaissVariant() ?? '?'}, ` +
    `OMP_NUM_THREADS=${process.env.OMP_NUM_THREADS ?? 'unset'}\n\n` +
    `Build ${(built.ms / 1000).toFixed(1)} s (load average ${loadAtBuild}; overrides ${JSON.stringify(build)}), index bytes ${fileMB.toFixed(0)} MB, ` +
    `load from bytes ${ms(loaded.ms)} ms. Policy at this size: ${JSON.stringify(kind === 'hnsw' ? routedHnswParams(index.routes) : { routesProbed: routesProbed(kind, index.routes) })}; stats ${JSON.stringify(index.stats().params)}.\n`;
  console.log(header);
  console.log(
    '| efSearch | routes probed | p50 ms | p99 ms | max ms | recall@1 vs exact | same person | load avg |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---|');
  const efs = kind === 'hnsw' ? values.ef.split(',').map(Number) : [undefined];
  for (const ef of efs) {
    for (const probe of values.probe.split(',').map(Number)) {
      index.tune({ efSearch: ef, routesProbed: probe });
      const times: number[] = [];
      let hits = 0;
      let same = 0;
      for (let i = 0; i < Math.min(10, queries); i++)
        index.search(g.queries.subarray(i * d, (i + 1) * d), K);
      for (let i = 0; i < queries; i++) {
        const t = timed(() => index.search(g.queries.subarray(i * d, (i + 1) * d), K));
        times.push(t.ms);
        const top = t.value.labels[0] ?? -1;
        if (top === exact[i]) hits++;
        if (top >= 0 && g.ids[top] === g.queryIds[i]) same++;
      }
      const s = summarize(times);
      console.log(
        `| ${ef ?? '-'} | ${probe} | ${ms(s.p50)} | ${ms(s.p99)} | ${ms(s.max)} | ${(hits / queries).toFixed(4)} | ${(same / queries).toFixed(4)} | ${loadAverages()} |`,
      );
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
