import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sitePaths } from '../../src/main/composition/site-files';
import { findNeedlesInFile, vectorNeedles } from '../../src/main/core/erasure/file-byte-scan';
import { cliCaller, dispatch } from '../../src/main/core/ipc/dispatch';
import type { SiteAuditLogPage } from '../../src/shared/site-contract';
import { createStationHandlers } from '../../src/main/core/ipc/station-handlers';
import type { Station } from '../../src/main/core/station.service';
import { dataPaths } from '../../src/main/core/util/data-dir';
import { createSitePool } from '../../src/main/db/site/site-pool';
import type { FrameResult } from '../../src/shared/contract';
import { frameFromPhoto } from '../support/frame-request';
import { startTestCluster, type TestCluster } from '../support/pg-cluster';
import { sharedDataPath } from '../support/shared-data';
import { twoStationSite, type TwoStations } from '../support/site-stations';
import { makeTempDir } from '../support/temp-dir';

const bbt = (who: string, i: number) =>
  sharedDataPath('small_identity_sets', 'faceapi_bbt', who, `${who}${i}.png`);

/** A supervised desk's rules: one still photo decides, no liveness, no lockout while waiting. */
function deskRules(station: Station): void {
  station.doorSettings.setAccessPolicy(
    {
      ...station.access.policy(),
      requireLiveness: false,
      agreeFrames: 1,
      lockout: { maxFailures: 1000, windowMs: 60_000, lockMs: 60_000 },
    },
    'test',
  );
  station.door.reportCamera('Desk Camera');
}

let frameId = 0;
/** One still at the door, seconds after the last: a new face track, decided afresh. */
async function doorDecision(station: Station, photo: string): Promise<FrameResult['decision']> {
  const frame = await frameFromPhoto(station, photo, frameId++);
  const r = await dispatch(createStationHandlers(station), 'access:frame', {
    ...frame,
    capturedAtMs: frameId * 5_000,
  });
  if (!r.ok) throw new Error(r.error.message);
  return (r.value as FrameResult).decision;
}

/** Polls `probe` until it returns true; the elapsed time is logged (figures go to the bench). */
async function until(
  what: string,
  probe: () => Promise<boolean>,
  limitMs = 120_000,
): Promise<number> {
  const t0 = performance.now();
  while (!(await probe())) {
    if (performance.now() - t0 > limitMs) throw new Error(`${what}: not within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const ms = performance.now() - t0;
  console.log(`[site-sync] ${what}: ${ms.toFixed(0)} ms`);
  return ms;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/**
 * Issue 16's evidence with two real stations (real models, SQLite, FAISS, faces) on a real
 * PostgreSQL: enrol at the desk, recognised at the door; erase at the door, refused at the
 * desk, both acknowledged; the site's log verifies both chains; the site stores no plaintext
 * template, no key and no name in audit rows; a station back after an absence erases first.
 */
describe('a site of two stations on PostgreSQL', () => {
  const tmp = makeTempDir('station-site-sync-');
  let pg: TestCluster;
  let site: TwoStations;
  let adminUrl: string;
  let a: Station;
  let b: Station;
  let amyId = '';
  const amyPhotos = [1, 2, 3].map((i) => bbt('amy', i));

  beforeAll(async () => {
    pg = await startTestCluster();
    adminUrl = await pg.createDatabase('site_sync');
    site = await twoStationSite(adminUrl, tmp.dir);
    a = await site.openA();
    b = await site.openB();
    deskRules(a);
    deskRules(b);
    a.site!.start();
    b.site!.start();
  }, 600_000);
  afterAll(async () => {
    await a?.site?.close();
    a?.close();
    await b?.site?.close();
    b?.close();
    pg?.destroy();
    tmp.cleanup();
  });

  it('enrol at the desk (A): the door (B) grants that person once its sync pulled them', async () => {
    expect(await doorDecision(b, bbt('amy', 4))).toBe('unknown_face');
    const images = amyPhotos.map((f) => ({ fileName: f, bytes: readFileSync(f) }));
    const t0 = performance.now();
    const r = await a.intake.enroll({ name: 'Amy', consent: true, images, recordedBy: 'test' });
    amyId = r.person?.id ?? '';
    expect(r.files.map((f) => f.status)).toEqual(['enrolled', 'enrolled', 'enrolled']);
    // The desk holds Amy at once: its own enrolment came back through the site.
    expect(a.directory.list().map((p) => p.name)).toEqual(['Amy']);
    await until(
      'door B grants Amy after enrolment at A',
      async () => (await doorDecision(b, bbt('amy', 4))) === 'granted',
    );
    console.log(`[site-sync] enrol call to grant at B: ${(performance.now() - t0).toFixed(0)} ms`);
    expect(b.directory.list()).toMatchObject([{ id: amyId, name: 'Amy', templates: 3 }]);
    // The same pseudonym at both doors: the site's pepper and Amy's link secret.
    expect(b.auditAdmin.subjectOf(amyId)).toBe(a.auditAdmin.subjectOf(amyId));
  });

  it('the site stores no plaintext template, no key, and no name in audit rows', async () => {
    const vectors = await Promise.all(
      amyPhotos.map(
        async (f) => (await a.recognition.analyzeFile(readFileSync(f), f))[0]!.embedding,
      ),
    );
    const needles = vectors.flatMap((v) => vectorNeedles(v));
    const keys = [
      readFileSync(sitePaths(site.dirA).siteKey),
      ...[site.dirA, site.dirB].flatMap((d) => [
        readFileSync(dataPaths(d).auditMacKey),
        readFileSync(dataPaths(d).templateKey),
        readFileSync(dataPaths(d).pepperKey),
      ]),
    ];
    const pool = createSitePool({ url: adminUrl, max: 1 });
    try {
      const tables = await pool.query<{ t: string }>(
        `SELECT tablename AS t FROM pg_tables WHERE schemaname = 'site' ORDER BY 1`,
      );
      for (const { t } of tables.rows) {
        const rows = await pool.query(`SELECT * FROM site.${t}`);
        for (const row of rows.rows as Record<string, unknown>[]) {
          for (const value of Object.values(row)) {
            const bytes = Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value) ?? '');
            for (const n of [...needles, ...keys])
              expect(bytes.includes(n), `site.${t}`).toBe(false);
          }
          if (t.startsWith('audit')) expect(JSON.stringify(row)).not.toMatch(/Amy/i);
        }
      }
      await pool.query('CHECKPOINT');
    } finally {
      await pool.end();
    }
    // Nor anywhere in the server's files (tables, indexes, WAL) on disk.
    const files = filesUnder(join(pg.info.dir, 'data'));
    expect(files.length).toBeGreaterThan(100);
    for (const f of files) {
      expect(findNeedlesInFile(f, [...needles, ...keys]).size, f).toBe(0);
    }
  });

  it('an employee id, groups and schedules set at the desk (A) reach the door (B), which decides by them', async () => {
    const images = [1, 2, 3].map((i) => ({
      fileName: `penny${i}.png`,
      bytes: readFileSync(bbt('penny', i)),
    }));
    const enrolled = await a.intake.enroll({
      name: 'Penny',
      consent: true,
      images,
      recordedBy: 'test',
      employeeId: 'HR-0042',
      groups: ['night'],
    });
    const penny = enrolled.person!.id;
    const handlersA = createStationHandlers(a);
    const call = async (channel: 'people:update' | 'schedules:set', req: unknown) => {
      const r = await dispatch(handlersA, channel, req);
      if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
      return r.value;
    };
    // The desk's admin view: a schedule that never opens for the day shift, an always-open
    // personal schedule, and Penny moved from the night group to the day shift.
    const always = [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }];
    await call('schedules:set', {
      schedules: { closed: [], always },
      groupSchedules: { 'day-shift': 'closed' },
    });
    await call('people:update', { personId: penny, groups: ['day-shift'], schedule: 'always' });

    await b.site!.sync.syncNow();
    const atB = () => b.directory.list().find((p) => p.id === penny);
    expect(atB()).toMatchObject({
      name: 'Penny',
      employeeId: 'HR-0042',
      groups: ['day-shift'],
      schedule: 'always',
    });
    expect(b.access.policy().groupSchedules).toEqual({ 'day-shift': 'closed' });
    // Her personal schedule overrides the group's: let in.
    expect(await doorDecision(b, bbt('penny', 4))).toBe('granted');

    // Without it, her group's closed schedule applies at B too.
    await call('people:update', { personId: penny, schedule: null });
    await b.site!.sync.syncNow();
    expect(atB()).toMatchObject({ groups: ['day-shift'], schedule: null });
    expect(await doorDecision(b, bbt('penny', 4))).toBe('outside_schedule');

    // An edit made on a version the site has moved past is a conflict, not an overwrite.
    const stale = b.site!.sync.editPerson(penny, { groups: ['night'] }, 1);
    await expect(stale).rejects.toMatchObject({ code: 'SITE_CONFLICT' });
    // A schedule change is several site records written together: B moved the day shift to
    // "always"; A, not synced since, adds "late" and moves the day shift to it. The group is
    // a conflict, so the new schedule is not written either (nothing half-applied).
    const atBHandlers = createStationHandlers(b);
    const setAtB = await dispatch(atBHandlers, 'schedules:set', {
      schedules: { closed: [], always },
      groupSchedules: { 'day-shift': 'always' },
    });
    expect(setAtB.ok).toBe(true);
    const late = [{ days: [1, 2, 3, 4, 5], from: '18:00', to: '22:00' }];
    await expect(
      call('schedules:set', {
        schedules: { closed: [], always, late },
        groupSchedules: { 'day-shift': 'late' },
      }),
    ).rejects.toThrow(/SITE_CONFLICT/);
    await a.site!.sync.syncNow();
    expect(Object.keys(a.access.policy().schedules).sort()).toEqual(['always', 'closed']);
    expect(a.access.policy().groupSchedules).toEqual({ 'day-shift': 'always' });

    // The erasure test below expects only Amy at the doors.
    a.eraser.erasePerson(penny);
    await a.site!.sync.syncNow();
    await b.site!.sync.syncNow();
    expect(atB()).toBeUndefined();
  });

  it('erase at the door (B): the desk (A) refuses, and both acknowledge with verification', async () => {
    const report = b.eraser.erasePerson(amyId);
    expect(report.verified).toBe(true);
    expect(await doorDecision(b, bbt('amy', 4))).toBe('unknown_face');
    await until(
      'desk A refuses Amy after erasure at B',
      async () => (await doorDecision(a, bbt('amy', 4))) === 'unknown_face',
    );
    expect(a.directory.list()).toEqual([]);
    await until('both stations acknowledged', async () => {
      const e = (await a.site!.overview()).erasures.find((x) => x.personId === amyId);
      return e?.acks.length === 2;
    });
    const e = (await a.site!.overview()).erasures.find((x) => x.personId === amyId)!;
    expect(e.pending).toEqual([]);
    expect(e.acks.map((k) => [k.label, k.held, k.verified]).sort()).toEqual([
      ['Door 2', true, true],
      ['HR desk', true, true],
    ]);
  });

  it("the site's log holds both stations' chains, row for row, verified", async () => {
    await a.site!.sync.syncNow();
    await b.site!.sync.syncNow();
    const report = await a.site!.review.verify();
    expect(report.ok).toBe(true);
    const local = (s: Station) => s.auditAdmin.recent(1)[0]!.id;
    const rows = new Map(report.stations.map((s) => [s.label, s.rows]));
    expect(rows.get('HR desk')).toBe(local(a));
    expect(rows.get('Door 2')).toBe(local(b));
    // The reviewer's site view: all doors, filters by door and station, names through HMACs.
    const page = await b.site!.review.query({ decision: 'granted' }, undefined, undefined, 50);
    expect(page.events.length).toBeGreaterThan(0);
    // B granted Amy (A may have too, before its pull brought the erasure).
    expect(page.events.some((e) => e.door === 'door-2' && e.station === 'Door 2')).toBe(true);
    expect(page.events.every((e) => e.decision === 'granted')).toBe(true);
    const doorA = await b.site!.review.query({ door: 'hr-desk' }, undefined, undefined, 200);
    expect(doorA.events.every((e) => e.station === 'HR desk')).toBe(true);
    expect(doorA.events.some((e) => e.decision === 'unknown_face')).toBe(true);
  });

  it('a station back after an absence applies the erasures before its first decision', async () => {
    const penny = [1, 2, 3].map((i) => ({
      fileName: `penny${i}`,
      bytes: readFileSync(bbt('penny', i)),
    }));
    const r = await a.intake.enroll({
      name: 'Penny',
      consent: true,
      images: penny,
      recordedBy: 'test',
    });
    await until('door B holds Penny', () =>
      Promise.resolve(b.directory.list().some((p) => p.name === 'Penny')),
    );
    await b.site!.close();
    b.close();
    a.eraser.erasePerson(r.person!.id);
    await a.site!.sync.syncNow();
    // B comes back (no background sync started): openStation applies tombstones first.
    b = await site.openB();
    expect(b.directory.list()).toEqual([]);
    deskRules(b);
    expect(await doorDecision(b, bbt('penny', 4))).toBe('unknown_face');
    await b.site!.sync.syncNow();
    const e = (await a.site!.overview()).erasures.find((x) => x.personId === r.person!.id)!;
    expect(e.acks.find((k) => k.label === 'Door 2')).toMatchObject({ held: true, verified: true });
  });

  it('a row edited or forged in the database is flagged with its station and row', async () => {
    await b.site!.sync.syncNow();
    const doorB = b.site!.sync.identity.stationId;
    let next = 0;
    const pool = createSitePool({ url: adminUrl, max: 1 });
    try {
      // Someone with database access but no station key: edits an old row, appends a new one.
      await pool.query('ALTER TABLE site.audit_events DISABLE TRIGGER audit_events_append_only');
      await pool.query(
        `UPDATE site.audit_events SET decision = 'granted' WHERE station_id = $1 AND seq = 2`,
        [doorB],
      );
      await pool.query('ALTER TABLE site.audit_events ENABLE TRIGGER audit_events_append_only');
      const head = await pool.query<{ last_seq: string; last_mac: string }>(
        'SELECT last_seq, last_mac FROM site.audit_chain WHERE station_id = $1',
        [doorB],
      );
      next = Number(head.rows[0]!.last_seq) + 1;
      await pool.query(
        `INSERT INTO site.audit_events (station_id, seq, at, kind, decision, details, prev_mac, mac)
         VALUES ($1, $2, '2099-01-01T00:00:00.000Z', 'decision', 'granted', '{"door":"door-2"}', $3, $4)`,
        [doorB, next, head.rows[0]!.last_mac, 'e'.repeat(64)],
      );
      await pool.query('UPDATE site.audit_chain SET last_seq = $2 WHERE station_id = $1', [
        doorB,
        next,
      ]);
    } finally {
      await pool.end();
    }
    // Arrivals are verified by key holders as they sync: the appended row is flagged.
    await a.site!.sync.syncNow();
    const flags = (await a.site!.overview()).flags.filter((f) => f.label === 'Door 2');
    const forged = flags.find((f) => f.problem === 'forged' && f.seq === next);
    expect(forged?.detail).toMatch(/does not verify under the station's audit key/);
    // The reviewer's full check names the first broken row of that station, and only there.
    const report = await a.site!.review.verify();
    expect(report.ok).toBe(false);
    const b2 = report.stations.find((x) => x.label === 'Door 2')!;
    expect(b2).toMatchObject({ ok: false, firstBrokenRow: 2 });
    expect(b2.reason).toMatch(/row 2: its MAC does not verify/);
    expect(report.stations.find((x) => x.label === 'HR desk')?.ok).toBe(true);
  });

  it("the site's log pages oldest first for a reviewer, every row once (audit query|export --site)", async () => {
    const handlers = createStationHandlers(a);
    const read = async (cursor?: string, limit?: number) => {
      const r = await dispatch(
        handlers,
        'site:audit-log',
        { filter: {}, ...(cursor ? { cursor } : {}), ...(limit ? { limit } : {}) },
        cliCaller('reviewer'),
      );
      if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
      return r.value as SiteAuditLogPage;
    };
    const whole = await read();
    expect(whole.nextCursor).toBeNull();
    expect(new Set(whole.rows.map((r) => r.stationId)).size).toBe(2);
    const paged: typeof whole.rows = [];
    let cursor: string | undefined;
    do {
      const page = await read(cursor, 3);
      expect(page.rows.length).toBeLessThanOrEqual(3);
      paged.push(...page.rows);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const key = (r: { stationId: string; seq: number }) => `${r.stationId}#${r.seq}`;
    expect(paged.map(key)).toEqual(whole.rows.map(key));
    const order = paged.map((r) => `${r.at}~${r.stationId}~${String(r.seq).padStart(9, '0')}`);
    expect(order).toEqual([...order].sort());
    // The rows carry no name: people are named only when a person filter asked for them.
    expect(JSON.stringify(paged)).not.toMatch(/Amy|Penny/);
    const bad = await dispatch(
      handlers,
      'site:audit-log',
      { filter: {}, cursor: 'x' },
      cliCaller('reviewer'),
    );
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });
});
