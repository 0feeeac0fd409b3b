/**
 * 1:N search latency through the station's real Gallery: SQLite (src/main/db) holds the
 * templates, faiss-node's exact inner-product index (faissFlatFactory) answers the queries.
 *
 *   npx tsx bench/search-latency.ts [--sizes 1000,10000] [--queries 1000] [--repeats 3]
 *
 * The vectors are SYNTHETIC: seeded random 512-d unit vectors, 3 templates per person. A flat
 * index scans every vector whatever they contain, so the timings hold for real embeddings; the
 * search answers themselves mean nothing. Random queries are spread over many people, so the
 * best-per-person grouping in Gallery.search sees ~32 distinct people: its worst case.
 *
 * Per size: Gallery.search p50/p99 for one query; the same plus the per-match name lookup the
 * door does (RecognitionService.evidence: PeopleRepository.findById per match); opening the
 * station's database and the gallery from a saved index file (warm OS cache: we cannot drop
 * it); rebuilding the index from SQLite. Templates and the index file are encrypted at rest as in
 * the station (AES-256-GCM, key file in the temp folder), so open/rebuild include decryption. faiss runs single-threaded (OMP_NUM_THREADS=1, as the
 * adapter sets it) unless the environment says otherwise.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { faissFlatFactory } from '../src/main/adapters/faiss-vector-index';
import { Gallery } from '../src/main/core/gallery/gallery.service';
import { type Db } from '../src/main/db/connection';
import { PeopleRepository } from '../src/main/db/people.repository';
import { TemplatesRepository } from '../src/main/db/templates.repository';
import { templateCipherFor } from '../tests/support/template-cipher';
import { makeTempDir } from '../tests/support/temp-dir';
import { median, ms, summarize, timed, type Summary } from './lib/bench-stats';
import { openDatabase } from '../src/main/composition/station-database';

const DIM = 512;
const MODEL_ID = 'bench-synthetic@512';
const TEMPLATES_PER_PERSON = 3;
const WARMUP_QUERIES = 20;

/** Deterministic PRNG (mulberry32): the same gallery on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform on the unit sphere: normalised Gaussian (Box-Muller) coordinates. */
function unitVector(rand: () => number): Float32Array {
  const v = new Float32Array(DIM);
  let norm = 0;
  for (let i = 0; i < DIM; i++) {
    const g = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    v[i] = g;
    norm += g * g;
  }
  const inv = 1 / Math.sqrt(norm);
  for (let i = 0; i < DIM; i++) v[i] = (v[i] ?? 0) * inv;
  return v;
}

/** N templates for ceil(N/3) people, in one transaction (one fsync, not N). */
function seed(db: Db, n: number): void {
  const people = new PeopleRepository(db);
  const templates = new TemplatesRepository(db, templateCipherFor(db));
  const rand = rng(n);
  const at = new Date(0).toISOString();
  const consent = { textVersion: 'bench', purpose: 'bench', grantedAt: at, recordedBy: 'bench' };
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const personId = `person-${Math.floor(i / TEMPLATES_PER_PERSON)}`;
      if (i % TEMPLATES_PER_PERSON === 0) people.create(personId, personId, at, consent);
      templates.add({
        personId,
        modelId: MODEL_ID,
        vector: unitVector(rand),
        interEyePx: 60,
        createdAt: at,
      });
    }
  })();
}

interface SizeResult {
  n: number;
  indexBytes: number;
  search: Summary;
  searchWithNames: Summary;
  rows: [string, number][];
}

function openGallery(db: Db, indexFile: string): ReturnType<typeof Gallery.open> {
  const cipher = templateCipherFor(db);
  return Gallery.open({
    templates: new TemplatesRepository(db, cipher),
    factory: faissFlatFactory,
    sealer: cipher,
    indexFile,
    modelId: MODEL_ID,
    dim: DIM,
  });
}

function measureQueries(
  db: Db,
  gallery: Gallery,
  count: number,
): { search: Summary; searchWithNames: Summary } {
  const rand = rng(7);
  const queries = Array.from({ length: count + WARMUP_QUERIES }, () => unitVector(rand));
  const people = new PeopleRepository(db);
  const plain: number[] = [];
  const named: number[] = [];
  for (const [i, q] of queries.entries()) {
    const a = timed(() => gallery.search(q));
    const b = timed(() => gallery.search(q).map((m) => people.findById(m.personId)));
    if (i < WARMUP_QUERIES) continue;
    plain.push(a.ms);
    named.push(b.ms);
  }
  return { search: summarize(plain), searchWithNames: summarize(named) };
}

function measureSize(n: number, queries: number, repeats: number): SizeResult {
  const tmp = makeTempDir('station-bench-search-');
  try {
    const dbFile = join(tmp.dir, 'station.sqlite');
    const indexFile = join(tmp.dir, 'gallery.faiss');
    let db = openDatabase(dbFile);
    const seeded = timed(() => seed(db, n));
    const first = timed(() => openGallery(db, indexFile));
    if (first.value.report.rebuiltBecause === null)
      throw new Error('expected a rebuild on first open');
    const rebuilds: number[] = [];
    for (let r = 0; r < repeats; r++) rebuilds.push(timed(() => first.value.gallery.rebuild()).ms);
    db.close();

    const opens: { db: number; gallery: number; firstQuery: number }[] = [];
    let measured: ReturnType<typeof measureQueries> | undefined;
    for (let r = 0; r < repeats; r++) {
      const o = timed(() => openDatabase(dbFile));
      db = o.value;
      const g = timed(() => openGallery(db, indexFile));
      if (g.value.report.rebuiltBecause !== null)
        throw new Error(`saved index rejected: ${g.value.report.rebuiltBecause}`);
      if (g.value.gallery.size !== n)
        throw new Error(`gallery holds ${g.value.gallery.size}, expected ${n}`);
      const q = timed(() => g.value.gallery.search(unitVector(rng(99))));
      opens.push({ db: o.ms, gallery: g.ms, firstQuery: q.ms });
      if (r === repeats - 1) measured = measureQueries(db, g.value.gallery, queries);
      db.close();
    }
    const rows: [string, number][] = [
      ['seed SQLite (insert N templates, 1 transaction)', seeded.ms],
      ['Gallery.open, no index file (reads SQLite, builds, persists)', first.ms],
      [`Gallery.rebuild() (median of ${repeats})`, median(rebuilds)],
      [
        `openDatabase (quick_check + migrations; median of ${repeats})`,
        median(opens.map((o) => o.db)),
      ],
      [
        `Gallery.open from saved index file (median of ${repeats})`,
        median(opens.map((o) => o.gallery)),
      ],
      [`first search after open (median of ${repeats})`, median(opens.map((o) => o.firstQuery))],
    ];
    return { n, indexBytes: statSync(indexFile).size, ...measured!, rows };
  } finally {
    tmp.cleanup();
  }
}

function main(): void {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '1000,10000' },
      queries: { type: 'string', default: '1000' },
      repeats: { type: 'string', default: '3' },
    },
  });
  const sizes = values.sizes.split(',').map(Number);
  const loadAvg = readFileSync('/proc/loadavg', 'utf8').split(' ')[0] ?? '?';
  const load = timed(() => faissFlatFactory.create(DIM));
  const results = sizes.map((n) => measureSize(n, Number(values.queries), Number(values.repeats)));

  console.log(
    `### 1:N search through Gallery (faiss flat IP, ${DIM}-d, synthetic unit vectors, OMP_NUM_THREADS=${process.env.OMP_NUM_THREADS ?? 'unset'})\n`,
  );
  console.log(
    `faiss-node addon load: ${ms(load.ms)} ms (once per process); 1-min load average at start: ${loadAvg}\n`,
  );
  console.log(
    `Single query, ${values.queries} queries after ${WARMUP_QUERIES} warm-up, k=32, best per person:\n`,
  );
  console.log(
    '| templates | people | Gallery.search p50 ms | p99 ms | mean ms | + name lookup per match p50 ms | p99 ms |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const people = Math.ceil(r.n / TEMPLATES_PER_PERSON);
    console.log(
      `| ${r.n} | ${people} | ${ms(r.search.p50)} | ${ms(r.search.p99)} | ${ms(r.search.mean)} | ${ms(r.searchWithNames.p50)} | ${ms(r.searchWithNames.p99)} |`,
    );
  }
  console.log(
    '\nOpen and rebuild (ms; the index file is the faiss flat index, warm OS file cache):\n',
  );
  console.log(`| step | ${results.map((r) => `${r.n} templates`).join(' | ')} |`);
  console.log(`|---|${results.map(() => '---:').join('|')}|`);
  const labels = results[0]?.rows.map(([label]) => label) ?? [];
  for (const [i, label] of labels.entries()) {
    console.log(`| ${label} | ${results.map((r) => ms(r.rows[i]?.[1] ?? NaN)).join(' | ')} |`);
  }
  console.log(
    `| index file size (MB) | ${results.map((r) => (r.indexBytes / 1e6).toFixed(1)).join(' | ')} |`,
  );
}

main();
