/**
 * Cost of templates encrypted at rest, and the choice for the FAISS index file: keep it on
 * disk sealed with the template key, or never persist it and rebuild it in memory from the
 * (encrypted) database at every start.
 *
 *   npx tsx bench/template-encryption.ts [--templates 10000] [--repeats 5]
 *
 * SYNTHETIC 512-d unit vectors, 3 per person (cost does not depend on the values). Every
 * start-up variant runs in a FRESH Node process (nothing cached in the process, the faiss addon
 * load included; the OS file cache stays warm, which the bench cannot drop), timed from just
 * before openDatabase to the first search answered. Besides wall time, the process's CPU time
 * (user + system) over the same span is printed: on a shared 2-core machine wall time of the
 * same step swung 10x between runs, CPU time much less. Real code throughout: openDatabase,
 * unlockTemplateCipher, TemplatesRepository, Gallery, faissFlatFactory.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { faissFlatFactory } from '../src/main/adapters/faiss-vector-index';
import { Gallery, type IndexFileSealer } from '../src/main/core/gallery/gallery.service';
import { type Db } from '../src/main/db/connection';
import { PeopleRepository } from '../src/main/db/people.repository';
import { TemplatesRepository } from '../src/main/db/templates.repository';
import { templateCipherFor } from '../tests/support/template-cipher';
import { makeTempDir } from '../tests/support/temp-dir';
import { median, ms, timed } from './lib/bench-stats';
import { openDatabase, migrate } from '../src/main/composition/station-database';

const DIM = 512;
const MODEL_ID = 'bench-synthetic@512';
const PER_PERSON = 3;
const consent = { textVersion: 'bench', purpose: 'bench', grantedAt: 't', recordedBy: 'bench' };

type Variant = 'sealed-file' | 'plain-file' | 'rebuild-in-memory' | 'rebuild-and-persist';
const VARIANTS: Record<Variant, string> = {
  'sealed-file': 'saved index file, sealed (AES-256-GCM) — chosen',
  'plain-file': 'saved index file, NOT encrypted (the pre-0040 behaviour, for comparison)',
  'rebuild-in-memory': 'no index file: decrypt all rows, build the index in memory',
  'rebuild-and-persist': 'index file missing: decrypt all rows, build, seal, write',
};

/** Deterministic PRNG (mulberry32) and uniform unit vectors. */
function unitVectors(n: number, seed: number): Float32Array[] {
  let a = seed >>> 0;
  const rand = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: n }, () => {
    const v = Float32Array.from({ length: DIM }, () => rand() - 0.5);
    const inv = 1 / Math.hypot(...v);
    return v.map((x) => x * inv);
  });
}

/** The unsealed baseline: a plain file, named by its SHA-256 where a sealing has its tag. */
const sha256Hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const identitySealer: IndexFileSealer = {
  sealFile: (parts) => Buffer.concat(parts),
  sealedTag: sha256Hex,
  openFileAt: (path, _context, tag) => {
    const bytes = readFileSync(path);
    return sha256Hex(bytes) === tag ? bytes : null;
  },
};

function gallery(db: Db, indexFile: string, sealer?: IndexFileSealer) {
  const cipher = templateCipherFor(db);
  return Gallery.open({
    templates: new TemplatesRepository(db, cipher),
    factory: faissFlatFactory,
    sealer: sealer ?? cipher,
    indexFile,
    modelId: MODEL_ID,
    dim: DIM,
  });
}

/** One start-up in this (fresh) process; prints JSON timings. */
function child(dir: string, variant: Variant): void {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const db = openDatabase(join(dir, 'station.sqlite'));
  const tDb = performance.now();
  const query = unitVectors(1, 99)[0]!;
  let size: number;
  if (variant === 'rebuild-in-memory') {
    const templates = new TemplatesRepository(db, templateCipherFor(db));
    const stored = templates.allForModel(MODEL_ID);
    const index = faissFlatFactory.create(DIM);
    const all = new Float32Array(stored.length * DIM);
    stored.forEach((t, i) => all.set(t.vector, i * DIM));
    index.add(all);
    index.search(query, 32);
    size = index.size;
  } else {
    const file = join(dir, variant === 'plain-file' ? 'plain.faiss' : 'gallery.faiss');
    if (variant === 'rebuild-and-persist') rmSync(file, { force: true });
    const g = gallery(db, file, variant === 'plain-file' ? identitySealer : undefined);
    if ((g.report.rebuiltBecause === null) !== (variant !== 'rebuild-and-persist'))
      throw new Error(`${variant}: unexpected rebuild state ${String(g.report.rebuiltBecause)}`);
    g.gallery.search(query);
    size = g.gallery.size;
  }
  const tEnd = performance.now();
  const cpu = process.cpuUsage(cpu0);
  db.close();
  const cpuMs = (cpu.user + cpu.system) / 1000;
  console.log(JSON.stringify({ openDb: tDb - t0, total: tEnd - t0, cpu: cpuMs, size }));
}

interface ChildTimes {
  openDb: number;
  total: number;
  cpu: number;
}

function runChild(dir: string, variant: Variant): ChildTimes {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', __filename, '--child', variant, '--dir', dir],
    { encoding: 'utf8', env: process.env },
  );
  if (r.status !== 0) throw new Error(`${variant} child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as ChildTimes;
}

function seedEncrypted(dir: string, vectors: Float32Array[]): number {
  const db = openDatabase(join(dir, 'station.sqlite'));
  const people = new PeopleRepository(db);
  const templates = new TemplatesRepository(db, templateCipherFor(db));
  const t = timed(() =>
    db.transaction(() => {
      vectors.forEach((vector, i) => {
        const personId = `person-${Math.floor(i / PER_PERSON)}`;
        if (i % PER_PERSON === 0) people.create(personId, personId, 't', consent);
        templates.add({
          personId,
          modelId: MODEL_ID,
          vector,
          interEyePx: 60,
          createdAt: 't',
        });
      });
    })(),
  );
  gallery(db, join(dir, 'gallery.faiss'));
  gallery(db, join(dir, 'plain.faiss'), identitySealer);
  db.close();
  return t.ms;
}

/** A schema-30 database with plaintext rows, then the timed upgrade (0040 + VACUUM). */
function migrationMs(dir: string, vectors: Float32Array[]): number {
  const file = join(dir, 'station.sqlite');
  const raw = new Database(file);
  migrate(raw, 30);
  const people = new PeopleRepository(raw);
  const insert = raw.prepare(
    `INSERT INTO templates (person_id, model_id, dim, vector, image_sha256, inter_eye_px, created_at)
     VALUES (?, ?, ?, ?, ?, 60, 't')`,
  );
  raw.transaction(() => {
    vectors.forEach((v, i) => {
      const personId = `person-${Math.floor(i / PER_PERSON)}`;
      if (i % PER_PERSON === 0) people.create(personId, personId, 't', consent);
      insert.run(personId, MODEL_ID, DIM, Buffer.from(v.buffer), `img-${i}`);
    });
  })();
  raw.close();
  const t = timed(() => openDatabase(file));
  t.value.close();
  return t.ms;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      templates: { type: 'string', default: '10000' },
      repeats: { type: 'string', default: '5' },
      child: { type: 'string' },
      dir: { type: 'string' },
    },
  });
  if (values.child && values.dir) return child(values.dir, values.child as Variant);
  const n = Number(values.templates);
  const repeats = Number(values.repeats);
  const vectors = unitVectors(n, n);
  const tmp = makeTempDir('station-bench-enc-');
  try {
    const seedMs = seedEncrypted(tmp.dir, vectors);
    const variants = Object.keys(VARIANTS) as Variant[];
    // Interleaved (A B C D, A B C D, ...) so every variant sees the same share of the
    // machine's other load; the sealed file is rewritten by the 'persist' variant each round.
    const byVariant = new Map<Variant, ChildTimes[]>(variants.map((v) => [v, []]));
    for (let r = 0; r < repeats; r++) {
      for (const v of variants) byVariant.get(v)?.push(runChild(tmp.dir, v));
    }
    const rows: string[] = [];
    for (const variant of variants) {
      const runs = byVariant.get(variant) ?? [];
      rows.push(
        `| ${VARIANTS[variant]} | ${ms(median(runs.map((r) => r.total)))} | ${ms(Math.min(...runs.map((r) => r.total)))} | ${ms(median(runs.map((r) => r.cpu)))} |`,
      );
    }
    const sealedMb = statSync(join(tmp.dir, 'gallery.faiss')).size / 1e6;
    const migTmp = makeTempDir('station-bench-0040-');
    const migration = timed(() => migrationMs(migTmp.dir, vectors)).value;
    migTmp.cleanup();
    const loadAvg = readFileSync('/proc/loadavg', 'utf8').split(' ')[0] ?? '?';
    console.log(`### Templates encrypted at rest: ${n} templates, ${DIM}-d\n`);
    console.log(`1-min load average at start: ${loadAvg}; ${repeats} fresh processes per row.\n`);
    console.log(
      '| station start (openDatabase -> first search answered) | wall median ms | wall min ms | CPU median ms |',
    );
    console.log('|---|---:|---:|---:|');
    for (const r of rows) console.log(r);
    console.log(`\n| other | value |\n|---|---:|`);
    console.log(`| seal + insert ${n} templates, 1 transaction | ${ms(seedMs)} ms |`);
    console.log(
      `| migration 0040 of ${n} plaintext rows (openDatabase incl. VACUUM) | ${ms(migration)} ms |`,
    );
    console.log(`| sealed index file size | ${sealedMb.toFixed(1)} MB |`);
  } finally {
    tmp.cleanup();
  }
}

main();
