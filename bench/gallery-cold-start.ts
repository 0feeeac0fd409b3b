/**
 * Cold start of a station whose gallery holds 10k / 100k / 300k templates (issue 5 goal: a
 * 100k gallery ready in <= 3 s on this 2-core machine), measured end to end on a real data
 * folder: a real SQLite file written through the product's repositories and migrations,
 * templates sealed as enrolment seals them, and the sealed index file the station's own
 * Gallery built and saved (bench/lib/gallery-cold-start-setup.ts; at 100k the size policy picks
 * pq; that first build is set-up, not timed, and reused across runs).
 *
 *   npx tsx bench/gallery-cold-start.ts [--sizes 10000,100000] [--repeats 5] [--cold 1]
 *       [--variants gallery,station,models,cli,host] [--root DIR]
 *
 * Every timed start is a FRESH Node process (bench/lib/gallery-cold-start-child.ts), the variants
 * interleaved so they share the machine's other load:
 * - gallery: openDatabase + key unlock + Gallery.open (saved index reused) + first search,
 *   with the stage breakdown.
 * - station: Station.create, the composition root minus the ONNX models, + first 1:N search.
 * - models: openStation (station-factory.ts, models hash-checked and loaded) + first 1:N
 *   search; then the first photo through the whole pipeline.
 * - cli: `station --data-dir DIR --json identify PHOTO` as a user runs it, wall time from
 *   spawn to exit, including the photo (bin/station.cjs: the out/node bundle while it is up to
 *   date, else tsx; run `npm run build:node` first).
 * - host: browser mode as the kiosk starts it (`node bin/browser-mode.cjs --data-dir DIR
 *   --port 0`, the same bundle rule): spawn -> the door terminal's URL printed, i.e. the
 *   station open (models loaded, gallery loaded, database checked) and the host listening.
 * The OS page cache stays warm between runs (drop_caches would empty it for every job on a
 * shared machine). --cold N adds N runs of gallery and models after evicting the data folder's
 * files (for models also the model files and native libraries) from the page cache with
 * posix_fadvise(DONTNEED) (`dd iflag=nocache count=0`, checked with fincore): a first start
 * after boot, as far as a virtual disk (itself cached by the host) allows.
 * Data folders live under --root (default: $TMPDIR/station-bench-cold-start), kept for the
 * next run: delete them to rebuild, or after changing the data generator.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { listFaceImages } from '../tests/support/face-embeddings';
import { sharedDataPath } from '../tests/support/shared-data';
import { load1, loadAverages, ms, summarize } from './lib/bench-stats';
import { fittedFaceModel } from './lib/face-like-dataset';
import { type PreparedDir, prepareStationDir } from './lib/gallery-cold-start-setup';

const ROOT = resolve(__dirname, '..');
const VARIANTS = ['gallery', 'station', 'models', 'cli', 'host'] as const;
type Variant = (typeof VARIANTS)[number];

interface Run {
  variant: Variant;
  cold: boolean;
  load1: number;
  /** Parent's view: spawn to exit. */
  wallMs: number;
  /** Child's own figures (absent for cli and host). */
  child?: Record<string, unknown> & {
    bootMs: number;
    answeredMs: number;
    openToAnswerMs: number;
    cpuMs: number;
    firstSearchMs: number;
    secondSearchMs: number;
    topIsProbePerson: boolean;
    rssMb: number;
    stages: Record<string, number>;
  };
}

const log = (l: string): void => console.error(`[gallery-cold-start] ${l}`);

/** Files of the data folder plus, for a whole-app start, the models and native libraries. */
function coldFiles(dir: string, app: boolean): string[] {
  const inDir = (d: string, keep: (f: string) => boolean = () => true): string[] =>
    existsSync(d)
      ? readdirSync(d)
          .filter(keep)
          .map((f) => join(d, f))
      : [];
  const files = inDir(dir, (f) => f.startsWith('station.sqlite') || f.startsWith('gallery.faiss'));
  if (!app) return files;
  const nm = join(ROOT, 'node_modules');
  return [
    ...files,
    ...inDir(join(ROOT, 'resources', 'models')),
    ...inDir(join(nm, 'faiss-node', 'build', 'Release'), (f) => f.endsWith('.node')),
    join(nm, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'),
    ...inDir(join(nm, 'onnxruntime-node', 'bin', 'napi-v6', 'linux', 'x64')),
    ...inDir(join(nm, '@img', 'sharp-linux-x64', 'lib')),
    ...inDir(join(nm, '@img', 'sharp-libvips-linux-x64', 'lib')),
  ].filter((f) => existsSync(f));
}

/** Evicts the files' pages from the page cache; returns the MB still resident afterwards. */
function evict(files: string[]): number {
  spawnSync('sync', files);
  for (const f of files) spawnSync('dd', [`if=${f}`, 'iflag=nocache', 'count=0', 'status=none']);
  const r = spawnSync('fincore', ['--bytes', '--noheadings', '--output', 'RES', ...files], {
    encoding: 'utf8',
  });
  return r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .reduce((a, l) => a + Number(l.trim()) / 1e6, 0);
}

/** Browser mode from spawn to its URL line (the station ready to serve), then stopped. */
function hostReadyMs(dir: string): Promise<number> {
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin', 'browser-mode.cjs'), '--data-dir', dir, '--port', '0'],
    { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  let readyMs: number | null = null;
  return new Promise<number>((resolveReady, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (readyMs === null && /http:\/\/127\.0\.0\.1:\d+/.test(out)) {
        readyMs = performance.now() - t0;
        child.kill('SIGTERM');
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => {
      if (readyMs !== null) resolveReady(readyMs);
      else reject(new Error(`host exited (${code}) before ready: ${err}${out}`));
    });
  });
}

async function runOnce(
  variant: Variant,
  p: PreparedDir,
  image: string,
  cold: boolean,
): Promise<Run> {
  if (cold) {
    const left = evict(coldFiles(p.dir, variant !== 'gallery'));
    if (left > 1) log(`after eviction ${left.toFixed(1)} MB were still cached`);
  }
  if (variant === 'host') {
    const load = load1();
    return { variant, cold, load1: load, wallMs: await hostReadyMs(p.dir) };
  }
  const args =
    variant === 'cli'
      ? [join(ROOT, 'bin', 'station.cjs'), '--data-dir', p.dir, '--json', 'identify', image]
      : [
          '--import',
          'tsx',
          join(__dirname, 'lib', 'gallery-cold-start-child.ts'),
          '--variant',
          variant,
          '--dir',
          p.dir,
          '--image',
          image,
        ];
  const load = load1();
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: process.env, cwd: ROOT });
  const wallMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${variant} failed (${r.status}): ${r.stderr}${r.stdout}`);
  const run: Run = { variant, cold, load1: load, wallMs };
  if (variant !== 'cli') {
    run.child = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as NonNullable<Run['child']>;
  }
  return run;
}

const num = (runs: Run[], f: (r: Run) => unknown): number[] =>
  runs.map(f).filter((v): v is number => typeof v === 'number');

function cell(values: number[]): string {
  if (values.length === 0) return '-';
  const s = summarize(values);
  return values.length === 1 ? ms(s.p50) : `${ms(s.p50)} / ${ms(s.max)}`;
}

function loadRange(runs: Run[]): string {
  const l = runs.map((r) => r.load1);
  return `${Math.min(...l).toFixed(1)}-${Math.max(...l).toFixed(1)}`;
}

/** What the first-answer column means for the variants timed from outside. */
const SPAWNED_NOTE: Partial<Record<Variant, string>> = {
  cli: ' (spawn -> exit, incl. photo)',
  host: ' (spawn -> URL printed: ready to serve)',
};

function printSize(p: PreparedDir, runs: Run[]): void {
  console.log(`\n#### ${p.templates.toLocaleString('en')} templates (${p.dir})\n`);
  if (p.firstOpenMs > 0) {
    console.log(
      `Set-up: insert ${(p.insertMs / 1000).toFixed(1)} s; first open built and saved the index in ${(p.firstOpenMs / 1000).toFixed(1)} s (${p.firstOpenReport}).\n`,
    );
  }
  console.log(
    '| start (fresh process) | runs | load avg 1-min | process start -> first 1:N answer ms, p50 / max | open -> answer ms | CPU ms | first search ms | 2nd search ms | RSS MB | top-1 = probe person |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const cold of [false, true]) {
    for (const v of VARIANTS) {
      const rs = runs.filter((r) => r.variant === v && r.cold === cold);
      if (rs.length === 0) continue;
      const c = (f: (r: NonNullable<Run['child']>) => unknown): number[] =>
        num(rs, (r) => (r.child ? f(r.child) : undefined));
      const start = v === 'cli' || v === 'host' ? num(rs, (r) => r.wallMs) : c((x) => x.answeredMs);
      const hits = rs.filter((r) => r.child?.topIsProbePerson).length;
      console.log(
        `| ${v}${cold ? ' (page cache evicted)' : ''}${SPAWNED_NOTE[v] ?? ''} | ${rs.length} | ${loadRange(rs)} | ${cell(start)} | ${cell(c((x) => x.openToAnswerMs))} | ${cell(c((x) => x.cpuMs))} | ${cell(c((x) => x.firstSearchMs))} | ${cell(c((x) => x.secondSearchMs))} | ${cell(c((x) => x.rssMb))} | ${rs[0]?.child ? `${hits}/${rs.length}` : '-'} |`,
      );
    }
  }
  const models = runs.filter((r) => r.variant === 'models' && !r.cold);
  const img = num(models, (r) => r.child?.firstImageMs);
  if (img.length > 0)
    console.log(`\nFirst photo through the whole pipeline after start (models): ${cell(img)} ms.`);
  for (const cold of [false, true]) {
    const g = runs.filter((r) => r.variant === 'gallery' && r.cold === cold && r.child);
    if (g.length === 0) continue;
    console.log(
      `\nStages, gallery variant${cold ? ', page cache evicted' : ''} (ms, p50 / max over ${g.length}):\n`,
    );
    console.log('| stage | ms |\n|---|---:|');
    console.log(`| Node + tsx boot | ${cell(num(g, (r) => r.child?.bootMs))} |`);
    const names = [...new Set(g.flatMap((r) => Object.keys(r.child!.stages)))];
    for (const name of names)
      console.log(`| ${name} | ${cell(num(g, (r) => r.child!.stages[name]))} |`);
    const wrapped = (r: Run): number => {
      const s = r.child!.stages;
      return Object.entries(s)
        .filter(
          ([k]) =>
            k.startsWith('sql.') ||
            k.includes('AES-GCM open') ||
            k.startsWith('faiss fromBuffer') ||
            k.startsWith('index create'),
        )
        .reduce((a, [, v]) => a + v, 0);
    };
    console.log(`| Gallery.open total | ${cell(num(g, (r) => r.child!.galleryOpenMs))} |`);
    console.log(
      `| of which not wrapped (meta, label map decode, label check, zeroing) | ${cell(g.map((r) => (r.child!.galleryOpenMs as number) - wrapped(r)))} |`,
    );
    console.log(`| first search | ${cell(num(g, (r) => r.child!.firstSearchMs))} |`);
    console.log(
      `| **process start -> first answer** | **${cell(num(g, (r) => r.child!.answeredMs))}** |`,
    );
    const redo = g.map((r) => r.child!.redo as Record<string, number>);
    const steps = Object.keys(redo[0] ?? {});
    console.log(
      `\nUnwrapped steps re-timed in the same process afterwards (warm): ${steps.map((s) => `${s} ${cell(redo.map((x) => x[s]!))}`).join('; ')} ms. Index file ${(g[0]!.child!.indexFileMb as number).toFixed(0)} MB, kind ${String(g[0]!.child!.kind)}.`,
    );
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '10000,100000' },
      repeats: { type: 'string', default: '5' },
      cold: { type: 'string', default: '1' },
      variants: { type: 'string', default: VARIANTS.join(',') },
      root: { type: 'string', default: join(tmpdir(), 'station-bench-cold-start') },
    },
  });
  const sizes = values.sizes.split(',').map(Number);
  const variants = values.variants.split(',') as Variant[];
  const repeats = Number(values.repeats);
  const coldRuns = Number(values.cold);
  const fitted = await fittedFaceModel(log);
  const face = listFaceImages('lfw')[0];
  if (!face) throw new Error('no LFW image found');
  const image = sharedDataPath(face.file);
  const loadAtStart = loadAverages();
  const results: { p: PreparedDir; runs: Run[] }[] = [];
  for (const n of sizes) {
    const p = prepareStationDir(values.root, n, fitted, log);
    const runs: Run[] = [];
    for (let r = 0; r < repeats; r++) {
      for (const v of variants) {
        runs.push(await runOnce(v, p, image, false));
        log(
          `${n} ${v} run ${r + 1}: ${ms(runs.at(-1)!.child?.answeredMs ?? runs.at(-1)!.wallMs)} ms (load ${runs.at(-1)!.load1})`,
        );
      }
    }
    for (let r = 0; r < coldRuns; r++) {
      for (const v of variants.filter((x) => x === 'gallery' || x === 'models')) {
        runs.push(await runOnce(v, p, image, true));
        log(`${n} ${v} cold run ${r + 1}: ${ms(runs.at(-1)!.child?.answeredMs ?? 0)} ms`);
      }
    }
    results.push({ p, runs });
  }
  console.log(`### Cold start of the gallery (${new Date().toISOString()})\n`);
  console.log(
    `\`npx tsx bench/gallery-cold-start.ts --sizes ${values.sizes} --repeats ${repeats} --cold ${coldRuns}\`; load average (1/5/15 min) at start ${loadAtStart}; OMP_NUM_THREADS=${process.env.OMP_NUM_THREADS ?? 'unset (the addon sets 1)'}. Cells: p50 / max.`,
  );
  for (const { p, runs } of results) printSize(p, runs);
  console.log(
    `\n<!-- json ${JSON.stringify(results.map(({ p, runs }) => ({ n: p.templates, runs })))} -->`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
