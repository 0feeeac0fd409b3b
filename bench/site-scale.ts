/**
 * Issue 16's scale bench: a site of 100k people on PostgreSQL with 50 stations syncing.
 * One command:
 *
 *   npx tsx bench/site-scale.ts [--minutes 10] [--people 100000] [--templates 3] [--stations 50]
 *                               [--rate 10] [--vectors face-like|random] [--pg-dir DIR] [--keep]
 *                               [--index-save-every-ms N] [--first-sync-only] [--page-size N]
 *
 * A throwaway PostgreSQL (scripts/site/pg-cluster.ts, loopback) holding a site of `people`
 * people with `templates` face-like templates each, then:
 *  1. a new station's full first sync (pull everything, re-seal into SQLite, build the gallery
 *     index): the goal is <= 60 s for 100k people;
 *  2. `stations` simulated stations (their own logins, the real sync protocol, one process)
 *     each pushing `rate` audit rows per second and pulling every second for `minutes`, while a
 *     writer edits or enrols someone every 2 s, and the station of step 1 keeps syncing for
 *     real: change propagation (commit -> seen) p50/p95, the central insert rate, push latency;
 *  3. PostgreSQL's size per 1M audit events (table, indexes and TOAST).
 * Everything runs on this machine (2 shared cores): the load average is printed with the figures.
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { destroyCluster, startCluster } from '../scripts/site/pg-cluster';
import { stationAuditKey } from '../src/main/composition/site-composition';
import { withLogin, withoutLogin, writeSiteFiles } from '../src/main/composition/site-files';
import { SiteCipher } from '../src/main/core/site/site-cipher';
import {
  createSite,
  issuePairing,
  pairingPassword,
  redeemPairingCode,
} from '../src/main/core/site/site-pairing';
import type { PairingBundle } from '../src/main/core/site/pairing-code';
import { dataPaths } from '../src/main/core/util/data-dir';
import { migrateSite } from '../src/main/db/site/migrations';
import { SiteAdminRepository } from '../src/main/db/site/site-admin.repository';
import { SiteAuditRepository } from '../src/main/db/site/site-audit.repository';
import { SiteDirectoryRepository } from '../src/main/db/site/site-directory.repository';
import { redeemPairing } from '../src/main/db/site/site-pairing.repository';
import { createSitePool } from '../src/main/db/site/site-pool';
import { EMBEDDING_MODEL_ID, openSyncStation } from '../tests/support/site-stations';
import type { StationLogin } from '../tests/support/site-fixture';
import { load1, loadAverages, summarize } from './lib/bench-stats';
import {
  faceLikeTemplates,
  importDirectory,
  randomTemplates,
  useBenchCache,
} from './lib/site-bench-data';
import { DirectoryWriter, newCounters, SimStation, type CommitTimes } from './lib/site-bench-sim';

const { values: opts } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    people: { type: 'string', default: '100000' },
    templates: { type: 'string', default: '3' },
    stations: { type: 'string', default: '50' },
    rate: { type: 'string', default: '10' },
    vectors: { type: 'string', default: 'face-like' },
    'pg-dir': { type: 'string' },
    // How often the real station's pulls write its index file at most (default: the app's).
    'index-save-every-ms': { type: 'string' },
    // Changes per pulled page of the new station's first sync (default: the app's).
    'page-size': { type: 'string' },
    keep: { type: 'boolean', default: false },
    // Steps 1 only (seed + the new station's first sync): the one figure of issue 16's goal.
    'first-sync-only': { type: 'boolean', default: false },
  },
});
const MINUTES = Number(opts.minutes);
const PEOPLE = Number(opts.people);
const PER = Number(opts.templates);
const STATIONS = Number(opts.stations);
const RATE = Number(opts.rate);
const CHILD = join(__dirname, '..', 'tests', 'support', 'site-sync-child.ts');
const log = (l: string): void => void process.stderr.write(`[site-scale] ${l}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'station-site-bench-'));
  chmodSync(work, 0o755);
  const pgDir = opts['pg-dir'] ?? join(work, 'pg');
  log(
    `load ${loadAverages()}; ${PEOPLE} people x ${PER} templates, ${STATIONS} stations x ${RATE} ev/s, ${MINUTES} min`,
  );
  const cluster = await startCluster({ dir: pgDir, databases: ['site_bench'], log });
  const adminUrl = cluster.adminUrl('site_bench');
  const adminPool = createSitePool({ url: adminUrl, max: 4 });
  try {
    await migrateSite(adminPool);
    const admin = new SiteAdminRepository(adminPool);
    const deskBundle = await createSite(admin, { label: 'HR desk', doorId: 'hr-desk' }, null);
    const siteKey = Buffer.from(deskBundle.siteKey, 'base64');
    const cipher = new SiteCipher(siteKey);
    const joinUrl = withLogin(adminUrl, 'site_bench_pairing', pairingPassword(siteKey));
    const pair = async (label: string, doorId: string): Promise<PairingBundle> => {
      const issued = await issuePairing(admin, siteKey, { label, doorId }, 1, new Date());
      const pool = createSitePool({ url: joinUrl, max: 1 });
      try {
        return await redeemPairingCode((l) => redeemPairing(pool, l), issued.code);
      } finally {
        await pool.end();
      }
    };

    const seed = await seedDirectory(admin, cipher);
    const first = await firstSync(work, adminUrl, await pair('New door', 'door-new'), siteKey);
    if (opts['first-sync-only']) {
      await first.close();
      printFirstSync(seed, first);
      return;
    }
    const traffic = await runTraffic(adminUrl, adminPool, cipher, deskBundle, pair, first);
    const size = await storage(adminPool);
    printMarkdown(seed, first, traffic, size);
  } finally {
    await adminPool.end();
    if (!opts.keep && !opts['pg-dir']) destroyCluster(pgDir);
    if (!opts.keep) rmSync(work, { recursive: true, force: true });
  }
}

async function seedDirectory(admin: SiteAdminRepository, cipher: SiteCipher) {
  const t0 = performance.now();
  let vectors: Float32Array;
  let modelId = EMBEDDING_MODEL_ID;
  if (opts.vectors === 'random') vectors = randomTemplates(PEOPLE, PER);
  else {
    useBenchCache();
    const f = await faceLikeTemplates(PEOPLE, PER, log);
    vectors = f.vectors;
    modelId = f.modelId;
  }
  log(`vectors ready in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  const imported = await importDirectory(admin, cipher, vectors, PEOPLE, PER, modelId, log);
  log(`imported ${PEOPLE} people in ${imported.seconds.toFixed(1)} s`);
  return { importSeconds: imported.seconds, load: load1(), modelId };
}

/** A station paired like any other, then timed from its first sync's start to a ready gallery. */
async function firstSync(work: string, adminUrl: string, bundle: PairingBundle, siteKey: Buffer) {
  const dir = join(work, 'station-new');
  writeSiteFiles(
    dir,
    {
      v: 1,
      siteId: bundle.siteId,
      stationId: bundle.stationId,
      label: bundle.label,
      doorId: bundle.doorId,
      role: bundle.role,
      url: withoutLogin(adminUrl),
      keyId: new SiteCipher(siteKey).keyId,
      joinedAt: new Date().toISOString(),
    },
    { siteKey, password: bundle.password },
  );
  const pageSize = opts['page-size'];
  const station = await openSyncStation(dir, {
    intervalMs: 1000,
    ...(pageSize === undefined ? {} : { pageSize: Number(pageSize) }),
  });
  await station.site!.sync.register(stationAuditKey(dir), 'bench');
  const load = load1();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const r = await station.site!.sync.syncNow();
  const seconds = (performance.now() - t0) / 1000;
  // This process's CPU (user + system): less at the mercy of a shared machine than the wall.
  const used = process.cpuUsage(cpu0);
  const cpuSeconds = (used.user + used.system) / 1e6;
  // The station serves from here; its sealed index file is still being written meanwhile.
  await station.site!.sync.indexWritten();
  const fileSeconds = (performance.now() - t0) / 1000;
  const gallery = station.galleryAdmin.stats();
  log(
    `first full sync: ${r.pull.people} people, ${r.pull.templatesAdded} templates in ${seconds.toFixed(1)} s, index file written at ${fileSeconds.toFixed(1)} s (gallery ${gallery.index.kind}, ${gallery.templates})`,
  );
  return {
    station,
    dir,
    seconds,
    cpuSeconds,
    fileSeconds,
    timing: r.pull.timing,
    load,
    people: r.pull.people,
    templates: r.pull.templatesAdded,
    indexKind: String(gallery.index.kind),
    close: async () => {
      await station.site?.close();
      station.close();
    },
  };
}

type First = Awaited<ReturnType<typeof firstSync>>;

async function runTraffic(
  adminUrl: string,
  adminPool: ReturnType<typeof createSitePool>,
  cipher: SiteCipher,
  deskBundle: PairingBundle,
  pair: (label: string, doorId: string) => Promise<PairingBundle>,
  first: First,
) {
  const commits: CommitTimes = new Map();
  const c = newCounters();
  const pools: { end(): Promise<void> }[] = [];
  const login = (b: PairingBundle): StationLogin => {
    const pool = createSitePool({ url: withLogin(adminUrl, b.role, b.password), max: 1 });
    pools.push(pool);
    return {
      bundle: b,
      pool,
      dir: new SiteDirectoryRepository(pool),
      audit: new SiteAuditRepository(pool),
    };
  };
  const desk = login(deskBundle);
  const head = await desk.dir.head();
  const sims: SimStation[] = [];
  for (let i = 0; i < STATIONS; i++) {
    const sim = new SimStation(
      login(await pair(`Sim ${i}`, `sim-${i}`)),
      cipher,
      randomBytes(32),
      head,
      commits,
      c,
    );
    await sim.hello(cipher);
    sims.push(sim);
  }
  const sample = (
    await adminPool.query<{ person_id: string }>('SELECT person_id FROM site.people LIMIT 5000')
  ).rows;
  const writer = new DirectoryWriter(
    desk,
    cipher,
    EMBEDDING_MODEL_ID,
    () => Promise.resolve(sample[Math.floor(Math.random() * sample.length)]!.person_id),
    commits,
  );
  const real = { edit: [] as number[], enrolment: [] as number[], missed: 0 };
  const watchers: Promise<void>[] = [];
  // The real station syncs in a process of its own, as it would at a door: its applies (and
  // its index file writes) must not stall the simulated stations' event loop.
  await first.close();
  const save = opts['index-save-every-ms'];
  const args = [CHILD, first.dir, '2000', '--loop', ...(save === undefined ? [] : [save])];
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const replica = new Database(dataPaths(first.dir).database, { readonly: true });
  const versionOf = replica.prepare<[string], { version: number }>(
    'SELECT version FROM site_people WHERE person_id = ?',
  );

  const before = await centralRows(adminPool);
  const loads: number[] = [];
  const t0 = performance.now();
  const end = t0 + MINUTES * 60_000;
  const loops = sims.map(async (sim, i) => {
    await sleep((i * 1000) / STATIONS);
    while (performance.now() < end) {
      const s = performance.now();
      await sim.cycle(RATE);
      await sleep(Math.max(0, 1000 - (performance.now() - s)));
    }
  });
  const writing = (async () => {
    for (let i = 0; performance.now() < end; i++) {
      const s = performance.now();
      try {
        await writer.change(i);
        watchers.push(watchRealStation(commits, versionOf, real, end));
      } catch {
        c.errors++;
      }
      await sleep(Math.max(0, 2000 - (performance.now() - s)));
    }
  })();
  const sampling = (async () => {
    while (performance.now() < end) {
      await sleep(10_000);
      loads.push(load1());
    }
  })();
  await Promise.all([...loops, writing, sampling]);
  // Each watcher gives up 30 s after the end at the latest.
  await Promise.all(watchers);
  const seconds = (performance.now() - t0) / 1000;
  const after = await centralRows(adminPool);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  replica.close();
  await Promise.all(pools.map((p) => p.end()));
  return {
    c,
    real,
    seconds,
    inserted: after - before,
    loads,
    edits: writer.edits,
    enrolments: writer.enrolments,
  };
}

/** The real station of step 1 applies each change: when does its SQLite replica hold it? */
async function watchRealStation(
  commits: CommitTimes,
  versionOf: Database.Statement<[string], { version: number }>,
  real: { edit: number[]; enrolment: number[]; missed: number },
  end: number,
): Promise<void> {
  const last = [...commits.entries()].pop();
  if (!last) return;
  const [personId, commit] = last;
  const seenVersion = versionOf.get(personId)?.version ?? 0;
  while (performance.now() < end + 30_000) {
    const v = versionOf.get(personId)?.version ?? 0;
    if (v > seenVersion || (commit.kind === 'enrolment' && v > 0)) {
      real[commit.kind].push(performance.now() - commit.at);
      return;
    }
    await sleep(50);
  }
  real.missed++;
}

async function centralRows(pool: ReturnType<typeof createSitePool>): Promise<number> {
  const r = await pool.query<{ n: string }>('SELECT count(*) AS n FROM site.audit_events');
  return Number(r.rows[0]?.n ?? 0);
}

async function storage(pool: ReturnType<typeof createSitePool>) {
  const r = await pool.query<{
    rows: string;
    total: string;
    heap: string;
    idx: string;
    db: string;
  }>(
    `SELECT (SELECT count(*) FROM site.audit_events) AS rows,
            pg_total_relation_size('site.audit_events') AS total,
            pg_relation_size('site.audit_events') AS heap,
            pg_indexes_size('site.audit_events') AS idx,
            pg_database_size(current_database()) AS db`,
  );
  const x = r.rows[0]!;
  return {
    rows: Number(x.rows),
    total: Number(x.total),
    heap: Number(x.heap),
    idx: Number(x.idx),
    db: Number(x.db),
  };
}

type Seed = Awaited<ReturnType<typeof seedDirectory>>;

function firstSyncRows(seed: Seed, first: First): string[] {
  const s = (ms: number) => (ms / 1000).toFixed(1);
  return [
    `| directory import (${PEOPLE} people, ${PEOPLE * PER} sealed templates) | ${seed.importSeconds.toFixed(1)} s |`,
    `| new station's full first sync (${first.people} people, ${first.templates} templates, index ${first.indexKind}; goal <= 60 s) | ${first.seconds.toFixed(1)} s |`,
    `| ... the station process's CPU time meanwhile (PostgreSQL's not included) | ${first.cpuSeconds.toFixed(1)} s |`,
    `| ... of which waiting for the site / applying pages to SQLite / building the index | ${s(first.timing.waitMs)} / ${s(first.timing.applyMs)} / ${s(first.timing.indexMs)} s |`,
    `| ... its sealed index file written (in the background, the station serving) at | ${first.fileSeconds.toFixed(1)} s |`,
  ];
}

/** `--first-sync-only`: the import and the first sync, nothing else. */
function printFirstSync(seed: Seed, first: First): void {
  const lines = [
    `Run: ${new Date().toISOString()}, \`npx tsx bench/site-scale.ts --first-sync-only --people ${PEOPLE} --templates ${PER} --vectors ${opts.vectors}${opts['page-size'] ? ` --page-size ${opts['page-size']}` : ''}\``,
    `1-minute load average: ${seed.load.toFixed(1)} at import, ${first.load.toFixed(1)} at the first sync.`,
    '',
    '| measure | value |',
    '| --- | ---: |',
    ...firstSyncRows(seed, first),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function printMarkdown(
  seed: Seed,
  first: First,
  t: Awaited<ReturnType<typeof runTraffic>>,
  size: Awaited<ReturnType<typeof storage>>,
): void {
  const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : 'n/a');
  const prop = (kind: 'edit' | 'enrolment') =>
    summarize(t.c.propagation.filter((p) => p.kind === kind).map((p) => p.ms));
  const e = prop('edit');
  const n = prop('enrolment');
  const re = summarize(t.real.edit);
  const rn = summarize(t.real.enrolment);
  const push = summarize(t.c.pushMs);
  const pull = summarize(t.c.pullMs);
  const perM = (b: number) => ((b / Math.max(1, size.rows)) * 1e6) / 2 ** 30;
  const lines = [
    `Run: ${new Date().toISOString()}, \`npx tsx bench/site-scale.ts --minutes ${MINUTES} --people ${PEOPLE} --templates ${PER} --stations ${STATIONS} --rate ${RATE} --vectors ${opts.vectors}\``,
    `1-minute load average: ${seed.load.toFixed(1)} at import, ${first.load.toFixed(1)} at the first sync, ${Math.min(...t.loads).toFixed(1)}-${Math.max(...t.loads).toFixed(1)} during the traffic.`,
    '',
    '| measure | value |',
    '| --- | ---: |',
    ...firstSyncRows(seed, first),
    `| change propagation to ${STATIONS} stations, edits (n=${e.n}): p50 / p95 / max | ${ms(e.p50)} / ${ms(e.p95)} / ${ms(e.max)} ms |`,
    `| change propagation to ${STATIONS} stations, enrolments (n=${n.n}): p50 / p95 / max | ${ms(n.p50)} / ${ms(n.p95)} / ${ms(n.max)} ms |`,
    `| ... into the real station's SQLite replica, edits (n=${re.n}): p50 / p95 | ${ms(re.p50)} / ${ms(re.p95)} ms |`,
    `| ... into the real station's SQLite replica + index, enrolments (n=${rn.n}, missed ${t.real.missed}): p50 / p95 | ${ms(rn.p50)} / ${ms(rn.p95)} ms |`,
    `| central insert rate (offered ${STATIONS * RATE}/s) | ${(t.inserted / t.seconds).toFixed(0)} rows/s (${t.inserted} rows in ${t.seconds.toFixed(0)} s) |`,
    `| push of ${RATE} rows: p50 / p95 / p99 | ${ms(push.p50)} / ${ms(push.p95)} / ${ms(push.p99)} ms |`,
    `| pull (changes + changed people and templates): p50 / p95 | ${ms(pull.p50)} / ${ms(pull.p95)} ms |`,
    `| errors (failed cycles) | ${t.c.errors} |`,
    `| PostgreSQL per 1M audit events (table + 4 indexes + TOAST; ${size.rows} rows measured) | ${perM(size.total).toFixed(2)} GiB (heap ${perM(size.heap).toFixed(2)}, indexes ${perM(size.idx).toFixed(2)}) |`,
    `| whole site database after the run | ${(size.db / 2 ** 30).toFixed(2)} GiB |`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
