import { randomBytes, randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  migrateSite,
  SITE_LATEST_VERSION,
  SITE_MIGRATIONS,
  siteSchemaVersion,
} from '../../src/main/db/site/migrations';
import { createSitePool } from '../../src/main/db/site/site-pool';
import { StationError } from '../../src/shared/errors';
import { startTestCluster, type TestCluster } from '../support/pg-cluster';
import { siteWithStations } from '../support/site-fixture';

/**
 * The site schema on a real PostgreSQL (Debian's, started by scripts/site/pg-cluster.ts):
 * each numbered migration applied to a database holding the previous one's rows, the refusal
 * of a newer schema, and the change cursor's ordering under concurrent writers.
 */
describe('site schema (PostgreSQL migrations)', () => {
  let pg: TestCluster;

  beforeAll(async () => {
    pg = await startTestCluster();
  }, 300_000);
  afterAll(() => pg?.destroy());

  async function freshPool(db: string): Promise<Pool> {
    return createSitePool({ url: await pg.createDatabase(db), max: 2 });
  }

  it('has one migration per number, in order', () => {
    const versions = SITE_MIGRATIONS.map((m) => m.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
    expect(SITE_LATEST_VERSION).toBe(versions[versions.length - 1]);
  });

  it('migrates N-1 -> N with rows in place, each step keeping them', async () => {
    const pool = await freshPool('site_steps');
    try {
      expect(await migrateSite(pool, 10)).toBe(10);
      const station = randomUUID();
      const person = randomUUID();
      await pool.query(`INSERT INTO site.meta VALUES (1, $1, 'k', 'c', now())`, [randomUUID()]);
      await pool.query(
        `INSERT INTO site.stations (station_id, role_name, label, door_id) VALUES ($1, 'r1', 'Desk', 'desk')`,
        [station],
      );
      await pool.query(
        `INSERT INTO site.people (person_id, name, link_sealed) VALUES ($1, 'Ada', '\\x00')`,
        [person],
      );
      await pool.query(`SELECT site.record_change('person', $1, NULL)`, [person]);

      expect(await migrateSite(pool, 20)).toBe(20);
      const kept = await pool.query('SELECT name FROM site.people WHERE person_id = $1', [person]);
      expect(kept.rows).toEqual([{ name: 'Ada' }]);
      await pool.query(
        `INSERT INTO site.audit_events (station_id, seq, at, kind, details, prev_mac, mac)
         VALUES ($1, 1, '2026-12-07T10:00:00.000Z', 'decision', '{"door":"desk"}', 'p', 'm')`,
        [station],
      );
      const door = await pool.query('SELECT door FROM site.audit_events');
      expect(door.rows).toEqual([{ door: 'desk' }]);
      await expect(pool.query('DELETE FROM site.audit_events')).rejects.toThrow(/append-only/);

      expect(await migrateSite(pool, 30)).toBe(30);
      const cursor = await pool.query('SELECT cursor, entity FROM site.changes');
      expect(cursor.rows).toEqual([{ cursor: '1', entity: 'person' }]);

      expect(await migrateSite(pool)).toBe(SITE_LATEST_VERSION);
      const audit = await pool.query('SELECT count(*)::int AS n FROM site.audit_review');
      expect(audit.rows).toEqual([{ n: 1 }]); // the owner may review
      // Migrating again is a no-op.
      expect(await migrateSite(pool)).toBe(SITE_LATEST_VERSION);
    } finally {
      await pool.end();
    }
  });

  it('0050: employee ids unique without regard to case, a clear conflict for a held one', async () => {
    const pool = await freshPool('site_0050');
    try {
      expect(await migrateSite(pool, 40)).toBe(40);
      const [ada, bob] = [randomUUID(), randomUUID()];
      const person = `INSERT INTO site.people (person_id, name, employee_id, link_sealed)
                      VALUES ($1, $2, $3, '\\x00')`;
      await pool.query(person, [ada, 'Ada', 'E17']);
      await pool.query(person, [bob, 'Bob', 'e17']);
      // A pair that differs only in case is refused with its people, and nothing changes.
      const err = await migrateSite(pool).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StationError);
      expect((err as StationError).message).toContain(`"e17" (${[ada, bob].sort().join(', ')})`);
      expect(await siteSchemaVersion(pool)).toBe(40);

      await pool.query(`UPDATE site.people SET employee_id = 'B2' WHERE person_id = $1`, [bob]);
      expect(await migrateSite(pool)).toBe(SITE_LATEST_VERSION);
      const kept = await pool.query('SELECT name, employee_id FROM site.people ORDER BY name');
      expect(kept.rows).toEqual([
        { name: 'Ada', employee_id: 'E17' },
        { name: 'Bob', employee_id: 'B2' },
      ]);
      await expect(pool.query(person, [randomUUID(), 'Cy', 'e17'])).rejects.toThrow(/unique/);
      await expect(
        pool.query(`INSERT INTO site.person_groups VALUES ($1, '')`, [ada]),
      ).rejects.toThrow(/person_groups_name_length/);
    } finally {
      await pool.end();
    }
  });

  it('0050: a station writing an employee id another person holds gets a clear conflict', async () => {
    const site = await siteWithStations(pg, 'site_0050_station', ['A', 'B']);
    try {
      const [a, b] = site.stations.map((s) => s.dir);
      const write = (name: string, employeeId: string) => ({
        personId: randomUUID(),
        name,
        employeeId,
        groups: ['night'],
        linkSealed: Buffer.alloc(60),
      });
      const ada = write('Ada', 'E17');
      expect(await a!.putPerson(ada, null)).toBe(1);
      const err = await b!.putPerson(write('Bob', 'e17'), null).catch((e: unknown) => e);
      expect((err as StationError).code).toBe('SITE_CONFLICT');
      expect((err as StationError).message).toContain('employee id e17 is already held');
      // The holder itself may keep or re-case its own id.
      expect(await b!.putPerson({ personId: ada.personId, employeeId: 'e17' }, 1)).toBe(2);
      const [held] = await b!.people([ada.personId]);
      expect(held).toMatchObject({ employeeId: 'e17', groups: ['night'], version: 2 });
    } finally {
      await site.close();
    }
  });

  it('0060: a sealed template stays in its row, not in the TOAST table', async () => {
    const pool = await freshPool('site_0060');
    // A 512-d template as the stations seal it: 12 + 2048 + 16 bytes that never compress.
    const insert = async () => {
      const person = randomUUID();
      await pool.query(
        `INSERT INTO site.people (person_id, name, link_sealed) VALUES ($1, 'Ada', '\\x00')`,
        [person],
      );
      await pool.query(
        `INSERT INTO site.templates (template_id, person_id, model_id, dim, key_id, sealed,
           inter_eye_px, created_at) VALUES ($1, $2, 'm', 512, 'k', $3, 60, 'now')`,
        [randomUUID(), person, randomBytes(2076)],
      );
    };
    const toasted = async () => {
      const r = await pool.query<{ n: string }>(
        `SELECT pg_relation_size(reltoastrelid) AS n FROM pg_class
         WHERE oid = 'site.templates'::regclass`,
      );
      return Number(r.rows[0]!.n);
    };
    try {
      expect(await migrateSite(pool, 50)).toBe(50);
      await insert();
      expect(await toasted()).toBeGreaterThan(0);
      expect(await migrateSite(pool)).toBe(SITE_LATEST_VERSION);
      await pool.query('TRUNCATE site.templates');
      for (let i = 0; i < 20; i++) await insert();
      expect(await toasted()).toBe(0);
      const kept = await pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM site.templates WHERE length(sealed) = 2076',
      );
      expect(kept.rows).toEqual([{ n: 20 }]);
    } finally {
      await pool.end();
    }
  });

  it('refuses a site schema newer than the app', async () => {
    const pool = await freshPool('site_newer');
    try {
      await migrateSite(pool);
      await pool.query(`INSERT INTO site.migrations (version, name) VALUES (9999, 'future')`);
      expect(await siteSchemaVersion(pool)).toBe(9999);
      const err = await migrateSite(pool).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StationError);
      expect((err as StationError).code).toBe('DB_TOO_NEW');
    } finally {
      await pool.end();
    }
  });

  it('hands out change cursors in commit order: a reader by cursor misses no change', async () => {
    const site = await siteWithStations(pg, 'site_cursor', ['A', 'B', 'C']);
    try {
      const writers = site.stations;
      const reader = writers[0]!.dir;
      const seen = new Set<string>();
      let cursor = 0;
      let done = false;
      const read = (async () => {
        while (!done) {
          const changes = await reader.changesSince(cursor, 1000);
          for (const c of changes) seen.add(c.entityId);
          cursor = changes[changes.length - 1]?.cursor ?? cursor;
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
      // Each writer holds its transaction open a little after taking a cursor, so commits
      // overlap: with a plain sequence the reader would step over a slow one's cursor.
      const write = async (w: (typeof writers)[number], i: number, k: number) => {
        const client = await w.pool.connect();
        try {
          await client.query('BEGIN');
          await client.query('SELECT site.station_put_access($1, $2, $3::jsonb, NULL)', [
            'schedule',
            `s-${i}-${k}`,
            JSON.stringify([{ days: [1], from: '08:00', to: '17:00' }]),
          ]);
          await client.query('SELECT pg_sleep($1)', [(k % 3) * 0.02]);
          await client.query('COMMIT');
        } finally {
          client.release();
        }
      };
      await Promise.all(
        writers.map(async (w, i) => {
          for (let k = 0; k < 15; k++) await write(w, i, k);
        }),
      );
      done = true;
      await read;
      // One last read from where the reader stood: a change committed under a cursor the
      // reader had already passed would be missing for good.
      for (const c of await reader.changesSince(cursor, 1000)) seen.add(c.entityId);
      expect(seen.size).toBe(45);
    } finally {
      await site.close();
    }
  });
});
