import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditMac, AUDIT_GENESIS_MAC } from '../../src/main/core/audit/audit-mac';
import { createSite, issuePairing, redeemPairingCode } from '../../src/main/core/site/site-pairing';
import type { SiteAuditRow } from '../../src/main/core/site/site-ports';
import { redeemPairing } from '../../src/main/db/site/site-pairing.repository';
import { createSitePool } from '../../src/main/db/site/site-pool';
import { StationError } from '../../src/shared/errors';
import { startTestCluster, type TestCluster } from '../support/pg-cluster';
import { siteWithStations, type SiteFixture } from '../support/site-fixture';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return err instanceof StationError ? err.code : `not a StationError: ${String(err)}`;
  }
  return 'no error';
}

/** A station's audit rows chained with `mac` from `prev` (as AuditLogRepository writes them). */
function chain(
  mac: AuditMac,
  stationId: string,
  from: number,
  n: number,
  prev: string,
): SiteAuditRow[] {
  const rows: SiteAuditRow[] = [];
  for (let i = 0; i < n; i++) {
    const seq = from + i;
    const r = {
      id: seq,
      at: new Date(Date.UTC(2026, 11, 7, 10, 0, seq)).toISOString(),
      kind: 'decision',
      decision: 'unknown_face',
      subject_hmac: null,
      similarity: 0.1234,
      details: JSON.stringify({ door: 'door-2', frameId: seq }),
      prev_mac: prev,
    };
    const m = mac.row(r);
    rows.push({
      stationId,
      seq,
      at: r.at,
      kind: r.kind,
      decision: r.decision,
      subjectHmac: null,
      similarity: r.similarity,
      details: r.details,
      prevMac: prev,
      mac: m,
    });
    prev = m;
  }
  return rows;
}

/**
 * Who may do what on the site, against a real PostgreSQL: stations act only as themselves,
 * touch no table directly, a revoked station receives nothing new, pairing codes work once.
 */
describe('site security (PostgreSQL, real logins)', () => {
  let pg: TestCluster;
  let site: SiteFixture;

  beforeAll(async () => {
    pg = await startTestCluster({ tls: true });
    site = await siteWithStations(pg, 'site_sec', ['HR desk', 'Door 2', 'Door 3']);
    for (const s of site.stations) await s.dir.hello(null, 'test', null);
  }, 300_000);
  afterAll(async () => {
    await site?.close();
    pg?.destroy();
  });

  it('talks TLS with a verified server certificate', async () => {
    expect(site.adminUrl).toMatch(/sslmode=verify-full/);
    const r = await site.stations[1]!.pool.query<{ ssl: boolean }>(
      'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
    );
    expect(r.rows).toEqual([{ ssl: true }]);
  });

  it('a pairing code works once, and only before it expires', async () => {
    const issued = await issuePairing(
      site.admin,
      site.siteKey,
      { label: 'Door 9', doorId: 'door-9' },
      1,
      new Date(),
    );
    const pool = createSitePool({ url: site.joinUrl, max: 1 });
    try {
      const redeem = (l: string) => redeemPairing(pool, l);
      const bundle = await redeemPairingCode(redeem, issued.code.toLowerCase());
      expect(bundle.stationId).toBe(issued.stationId);
      expect(Buffer.from(bundle.siteKey, 'base64').equals(site.siteKey)).toBe(true);
      expect(await codeOf(redeemPairingCode(redeem, issued.code))).toBe('SITE_PAIRING_INVALID');
      expect(await codeOf(redeemPairingCode(redeem, 'ABCD-EFGH-JKMN-PQRS-TVWX'))).toBe(
        'SITE_PAIRING_INVALID',
      );
      const past = new Date(Date.now() - 2 * 3_600_000);
      const stale = await issuePairing(
        site.admin,
        site.siteKey,
        { label: 'Door 10', doorId: 'door-10' },
        1,
        past,
      );
      expect(await codeOf(redeemPairingCode(redeem, stale.code))).toBe('SITE_PAIRING_INVALID');
      // The pairing login can do nothing else.
      expect(
        await codeOf(
          pool.query('SELECT * FROM site.station_head()').catch((e: unknown) => {
            throw toStation(e);
          }),
        ),
      ).toBe('SITE_REFUSED');
    } finally {
      await pool.end();
    }
  });

  it('a second site init on the same database is refused, naming the site', async () => {
    const err = await createSite(site.admin, { label: 'Other desk', doorId: 'other' }, null).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StationError);
    expect((err as StationError).message).toMatch(/already holds site .*pairing code/);
  });

  it('stations reach no table directly', async () => {
    const b = site.stations[1]!.pool;
    for (const sql of [
      'SELECT * FROM site.people',
      'SELECT * FROM site.templates',
      'SELECT * FROM site.pairings',
      `INSERT INTO site.tombstones (person_id) VALUES ('${randomUUID()}')`,
      'SELECT site.record_change($$person$$, $$x$$, NULL)',
    ]) {
      const err = (await b.query(sql).catch((e: unknown) => e)) as { code?: string };
      expect(err.code, sql).toBe('42501');
    }
  });

  it('refuses a forged station id, storing nothing of the batch', async () => {
    const [a, b] = [site.stations[0]!, site.stations[1]!];
    const mac = new AuditMac(randomBytes(32));
    const rows = chain(mac, a.bundle.stationId, 1, 3, AUDIT_GENESIS_MAC);
    expect(await codeOf(b.audit.push(rows))).toBe('SITE_REFUSED');
    const mixed = [...chain(mac, b.bundle.stationId, 1, 2, AUDIT_GENESIS_MAC), ...rows.slice(2)];
    expect(await codeOf(b.audit.push(mixed))).toBe('SITE_REFUSED');
    const stored = await site.adminPool.query('SELECT count(*)::int AS n FROM site.audit_events');
    expect(stored.rows).toEqual([{ n: 0 }]);
  });

  it('stores each row once, and flags a gap, a broken link and a conflicting duplicate', async () => {
    const c = site.stations[2]!;
    const id = c.bundle.stationId;
    const mac = new AuditMac(randomBytes(32));
    const rows = chain(mac, id, 1, 6, AUDIT_GENESIS_MAC);
    expect(await c.audit.push(rows.slice(0, 3))).toMatchObject({
      inserted: 3,
      duplicates: 0,
      flagged: 0,
    });
    // At least once: the same rows again are recognised, not stored twice.
    expect(await c.audit.push(rows.slice(0, 3))).toMatchObject({ inserted: 0, duplicates: 3 });
    // Row 4 never arrives: row 5 follows row 3.
    expect(await c.audit.push([rows[4]!])).toMatchObject({ inserted: 1, flagged: 1 });
    // A row 6 that does not chain to row 5.
    const bad = { ...rows[5]!, prevMac: 'f'.repeat(64) };
    expect(await c.audit.push([bad])).toMatchObject({ inserted: 1, flagged: 1 });
    // Row 2 again, edited: refused and flagged, the stored row kept.
    const edited = { ...rows[1]!, decision: 'granted' };
    expect(await c.audit.push([edited])).toMatchObject({ inserted: 0, flagged: 1 });
    const flags = await site.adminPool.query<{ seq: string; problem: string; detail: string }>(
      'SELECT seq, problem, detail FROM site.audit_flags WHERE station_id = $1 ORDER BY seq',
      [id],
    );
    expect(flags.rows.map((f) => [Number(f.seq), f.problem])).toEqual([
      [2, 'conflict'],
      [5, 'gap'],
      [6, 'chain'],
    ]);
    expect(flags.rows[1]!.detail).toMatch(/row 4 is missing/);
    const kept = await site.adminPool.query(
      'SELECT decision FROM site.audit_events WHERE station_id = $1 AND seq = 2',
      [id],
    );
    expect(kept.rows).toEqual([{ decision: 'unknown_face' }]);
    expect(await c.audit.position()).toBe(6);
  });

  it('a single writer per record: an edit on a stale version is a conflict naming who changed it', async () => {
    const [a, b] = [site.stations[0]!, site.stations[1]!];
    const personId = randomUUID();
    await a.dir.putPerson({ personId, name: 'Grace', linkSealed: randomBytes(60) }, null);
    expect(await a.dir.putPerson({ personId, employeeId: 'E-1' }, 1)).toBe(2);
    const err = await b.dir.putPerson({ personId, employeeId: 'E-2' }, 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StationError);
    expect((err as StationError).code).toBe('SITE_CONFLICT');
    expect((err as StationError).message).toMatch(/version 2 .*by station .*made on version 1/);
    expect(await codeOf(b.dir.putPerson({ personId, name: 'Twice' }, null))).toBe('SITE_CONFLICT');
    // Erased people cannot be written back.
    await b.dir.erasePerson(personId);
    expect(await codeOf(a.dir.putPerson({ personId, employeeId: 'E-3' }, 2))).toBe('SITE_CONFLICT');
    const people = await site.adminPool.query(
      'SELECT count(*)::int AS n FROM site.people WHERE person_id = $1',
      [personId],
    );
    expect(people.rows).toEqual([{ n: 0 }]);
  });

  it('a revoked station receives nothing new, but its events are still taken and marked', async () => {
    const b = site.stations[1]!;
    const id = b.bundle.stationId;
    expect(await site.admin.revoke(id, 'stolen')).toBe(true);
    await site.stations[0]!.dir.putPerson(
      { personId: randomUUID(), name: 'After', linkSealed: randomBytes(60) },
      null,
    );
    expect(await codeOf(b.dir.changesSince(0, 100))).toBe('SITE_REVOKED');
    expect(await codeOf(b.dir.people([randomUUID()]))).toBe('SITE_REVOKED');
    expect(await codeOf(b.dir.head())).toBe('SITE_REVOKED');
    // Erasures still reach it (they only remove data).
    expect((await b.dir.tombstonesAfter(0)).length).toBeGreaterThan(0);
    const mac = new AuditMac(randomBytes(32));
    expect(await b.audit.push(chain(mac, id, 1, 2, AUDIT_GENESIS_MAC))).toMatchObject({
      inserted: 2,
    });
    const marked = await site.adminPool.query<{ station_revoked: boolean }>(
      'SELECT station_revoked FROM site.audit_events WHERE station_id = $1',
      [id],
    );
    expect(marked.rows.map((r) => r.station_revoked)).toEqual([true, true]);
    // Nor can it read the site's log any more.
    const visible = await b.pool.query('SELECT count(*)::int AS n FROM site.audit_review');
    expect(visible.rows).toEqual([{ n: 0 }]);
  });
});

function toStation(e: unknown): unknown {
  const code = (e as { code?: string }).code;
  return code === '42501' ? new StationError('SITE_REFUSED', String(e)) : e;
}
