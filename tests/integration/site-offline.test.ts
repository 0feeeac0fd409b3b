import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinSite, pairStation } from '../../src/main/composition/site-membership';
import { dispatch } from '../../src/main/core/ipc/dispatch';
import { createStationHandlers } from '../../src/main/core/ipc/station-handlers';
import type { Station } from '../../src/main/core/station.service';
import { dataPaths } from '../../src/main/core/util/data-dir';
import { createSitePool } from '../../src/main/db/site/site-pool';
import type { FrameResult } from '../../src/shared/contract';
import { frameFromPhoto } from '../support/frame-request';
import { startTestCluster, type TestCluster } from '../support/pg-cluster';
import { sharedDataPath } from '../support/shared-data';
import { openSyncStation, twoStationSite, type TwoStations } from '../support/site-stations';
import { importSitePeople, type ImportedPeople } from '../support/site-import';
import { makeTempDir } from '../support/temp-dir';

const bbt = (who: string, i: number) =>
  sharedDataPath('small_identity_sets', 'faceapi_bbt', who, `${who}${i}.png`);
const CHILD = resolve(__dirname, '../support/site-sync-child.ts');

let frameId = 0;
async function timedDecision(station: Station, photo: string) {
  const frame = {
    ...(await frameFromPhoto(station, photo, frameId++)),
    capturedAtMs: frameId * 5_000,
  };
  const t0 = performance.now();
  const r = await dispatch(createStationHandlers(station), 'access:frame', frame);
  const ms = performance.now() - t0;
  if (!r.ok) throw new Error(r.error.message);
  return { decision: (r.value as FrameResult).decision, ms };
}

async function until(
  what: string,
  probe: () => boolean | Promise<boolean>,
  limitMs = 120_000,
): Promise<void> {
  const t0 = performance.now();
  while (!(await probe())) {
    if (performance.now() - t0 > limitMs) throw new Error(`${what}: not within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
  console.log(`[site-offline] ${what}: ${(performance.now() - t0).toFixed(0)} ms`);
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? NaN;

/**
 * Offline-first, with a real PostgreSQL stopped and restarted under the stations, and a
 * station process killed with SIGKILL in the middle of applying pages.
 */
describe('site stations when the site goes away, and when a station dies mid-sync', () => {
  const tmp = makeTempDir('station-site-offline-');
  let pg: TestCluster;
  let adminUrl: string;
  let site: TwoStations;

  beforeAll(async () => {
    pg = await startTestCluster();
    adminUrl = await pg.createDatabase('site_offline');
    site = await twoStationSite(adminUrl, tmp.dir);
  }, 600_000);
  afterAll(() => {
    pg?.destroy();
    tmp.cleanup();
  });

  it('PostgreSQL stopped during door traffic: every decision made locally, every event arrives once', async () => {
    const a = await site.openA();
    const b = await site.openB();
    try {
      const images = [1, 2, 3].map((i) => ({
        fileName: `amy${i}`,
        bytes: readFileSync(bbt('amy', i)),
      }));
      const amy = await a.intake.enroll({ name: 'Amy', consent: true, images, recordedBy: 'test' });
      expect(amy.person).not.toBeNull();
      await b.site!.sync.syncNow();
      b.doorSettings.setAccessPolicy(
        {
          ...b.access.policy(),
          requireLiveness: false,
          agreeFrames: 1,
          lockout: { maxFailures: 1000, windowMs: 60_000, lockMs: 60_000 },
        },
        'test',
      );
      b.door.reportCamera('Desk Camera');
      b.site!.start();
      const online: number[] = [];
      for (let i = 0; i < 3; i++) online.push((await timedDecision(b, bbt('amy', 4))).ms);

      pg.stop('fast');
      const traffic = ['amy', 'penny', 'amy', 'penny', 'amy', 'penny'];
      const offline: number[] = [];
      for (const who of traffic) {
        const r = await timedDecision(b, bbt(who, 4));
        expect(r.decision).toBe(who === 'amy' ? 'granted' : 'unknown_face');
        offline.push(r.ms);
      }
      console.log(
        `[site-offline] door decision median: site up ${median(online).toFixed(0)} ms, site down ${median(offline).toFixed(0)} ms`,
      );
      await until('B notices the site is down', () => !b.site!.status().online);
      expect(b.site!.status().auditPending).toBeGreaterThan(0);

      await pg.start();
      await until(
        'B pushed everything after the restart',
        () => b.site!.status().auditPending === 0,
      );
      const last = b.auditAdmin.recent(1)[0]!.id;
      const pool = createSitePool({ url: adminUrl, max: 1 });
      try {
        const r = await pool.query<{ n: number; d: number; m: string }>(
          `SELECT count(*)::int AS n, count(DISTINCT seq)::int AS d, max(seq) AS m
           FROM site.audit_events WHERE station_id = $1`,
          [b.site!.sync.identity.stationId],
        );
        expect(r.rows[0]).toEqual({ n: last, d: last, m: String(last) });
      } finally {
        await pool.end();
      }
      expect((await b.site!.review.verify()).ok).toBe(true);
    } finally {
      await a.site?.close();
      a.close();
      await b.site?.close();
      b.close();
    }
  });

  it('kill -9 during a pull: the station resumes at its cursor and applies nothing twice', async () => {
    const dirC = join(tmp.dir, 'station-c');
    const pair = await pairStation(site.dirA, adminUrl, { label: 'Door 3', doorId: 'door-3' });
    await joinSite(
      await openSyncStation(dirC),
      () => openSyncStation(dirC),
      dirC,
      pair.joinUrl,
      pair.code,
    );
    const imported = await importPeople(1500);

    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dirC, '100'], {
      stdio: 'pipe',
    });
    const exited = new Promise<NodeJS.Signals | null>((res) =>
      child.on('exit', (_c, sig) => res(sig)),
    );
    const cursorOf = (): number => {
      const db = new Database(dataPaths(dirC).database, { readonly: true, fileMustExist: true });
      try {
        return (db.prepare('SELECT cursor FROM site_replica').get() as { cursor: number }).cursor;
      } finally {
        db.close();
      }
    };
    const before = cursorOf();
    await until('the child committed a page', () => cursorOf() > before, 300_000);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const atKill = cursorOf();
    expect(atKill).toBeLessThan(imported.head);

    const c = await openSyncStation(dirC, { pageSize: 100 });
    try {
      const r = await c.site!.sync.syncNow();
      expect(r.pull.cursor).toBe(imported.head);
      expect(c.galleryAdmin.stats().templates).toBe(imported.templates);
    } finally {
      await c.site?.close();
      c.close();
    }
    const db = new Database(dataPaths(dirC).database, { readonly: true });
    try {
      const one = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
      expect(one('SELECT count(*) AS n FROM people')).toBe(imported.people);
      expect(one('SELECT count(*) AS n FROM templates')).toBe(imported.templates);
      expect(one('SELECT count(DISTINCT template_uid) AS n FROM site_templates')).toBe(
        imported.templates,
      );
      // The applied pages' audit rows add up to each person once: no page was applied twice.
      expect(
        one(`SELECT sum(json_extract(details, '$.people')) AS n FROM audit_events
             WHERE kind = 'enrolment' AND json_extract(details, '$.source') = 'site'`),
      ).toBe(imported.people);
    } finally {
      db.close();
    }
    console.log(`[site-offline] killed at cursor ${atKill} of ${imported.head}`);
  });

  it('rows pushed again after a lost answer are recognised, not stored twice', async () => {
    const dirC = join(tmp.dir, 'station-c');
    const db = new Database(dataPaths(dirC).database);
    const local = (db.prepare('SELECT max(id) AS n FROM audit_events').get() as { n: number }).n;
    db.prepare('UPDATE site_replica SET pushed_seq = 0').run();
    db.close();
    const c = await openSyncStation(dirC);
    try {
      const r = await c.site!.sync.syncNow();
      expect(r.push.events).toBe(0);
      expect(r.push.duplicates).toBe(local);
      expect((await c.site!.review.verify()).ok).toBe(true);
    } finally {
      await c.site?.close();
      c.close();
    }
  });

  it("a new station's first sync builds its index once from the pulled vectors, as the database holds them", async () => {
    const dirD = join(tmp.dir, 'station-d');
    const central = await importPeople(50);
    const pair = await pairStation(site.dirA, adminUrl, { label: 'Door 4', doorId: 'door-4' });
    // Pages of 100: the first page is full, so the pull defers the index to one build.
    const joined = await joinSite(
      await openSyncStation(dirD),
      () => openSyncStation(dirD, { pageSize: 100 }),
      dirD,
      pair.joinUrl,
      pair.code,
    );
    expect(joined.syncError).toBeNull();
    expect(joined.sync!.pull.templatesAdded).toBe(central.templates);
    // Reopened, the saved index is used as is: its label map is the database's rows.
    const d = await openSyncStation(dirD);
    try {
      expect(d.galleryReport.rebuiltBecause).toBeNull();
      expect(d.galleryAdmin.stats().templates).toBe(central.templates);
    } finally {
      await d.site?.close();
      d.close();
    }
  });

  /** People imported in bulk (sealed under the site key), as an admin's HR import would. */
  function importPeople(n: number): Promise<ImportedPeople> {
    return importSitePeople(site.dirA, adminUrl, n);
  }
});
