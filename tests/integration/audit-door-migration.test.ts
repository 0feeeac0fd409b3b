import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditChainVerifier } from '../../src/main/core/audit/audit-chain-verifier';
import { AuditMac } from '../../src/main/core/audit/audit-mac';
import { AuditReviewService } from '../../src/main/core/audit/audit-review.service';
import { dataPaths } from '../../src/main/core/util/data-dir';
import { loadOrCreateKey } from '../../src/main/core/util/key-file';
import { auditLogOver } from '../../src/main/composition/audit-log';
import type { AuditLog } from '../../src/main/core/audit/audit-log';
import { AuditQueryRepository } from '../../src/main/db/audit-query.repository';
import { makeTempDir } from '../support/temp-dir';
import { LATEST_VERSION, migrate } from '../../src/main/composition/station-database';

/**
 * Migration 0060 -> 0070 (the door of each audit row) on a real file with a chained log: the
 * stored rows and their MACs are untouched, the chain still verifies, older rows read door
 * NULL, new rows carry their door in `details` (so the MAC covers it) and are found by the door
 * filter, and editing a row's door inside `details` is reported by the verifier at that row.
 */

const STORED = `SELECT id, at, kind, decision, subject_hmac, similarity, details, prev_mac, mac
  FROM audit_events ORDER BY id`;

/** The data folder's database, migrated to `version` first (repositories need the tables). */
function open(
  dir: string,
  version = LATEST_VERSION,
): { db: Database.Database; log: AuditLog; mac: AuditMac } {
  const paths = dataPaths(dir);
  const db = new Database(paths.database);
  migrate(db, version);
  const mac = new AuditMac(loadOrCreateKey(paths.auditMacKey));
  return { db, log: auditLogOver(db, mac), mac };
}

function review(db: Database.Database): AuditReviewService {
  return new AuditReviewService({
    queries: new AuditQueryRepository(db),
    findPeople: () => [],
    subjectsOf: () => [],
  });
}

describe('migration 0060 -> 0070 (audit door) on a real file', () => {
  const tmp = makeTempDir('station-0070-');
  afterAll(() => tmp.cleanup());

  it('keeps old rows and the chain as they were (door NULL); new rows are filed by door', () => {
    const { db, log, mac } = open(tmp.dir, 60);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(60);
      for (let i = 0; i < 40; i++) {
        log.append({
          at: new Date(Date.UTC(2026, 0, 1, 8, i)).toISOString(),
          kind: i % 10 === 9 ? 'settings' : 'decision',
          decision: i % 10 === 9 ? null : i % 3 === 0 ? 'unknown_face' : 'granted',
          subjectHmac: null,
          similarity: i % 10 === 9 ? null : 0.5,
          details: i % 10 === 9 ? { setting: 'access_policy' } : { source: 'terminal', i },
        });
      }
      const before = db.prepare(STORED).all();
      expect(new AuditChainVerifier(log, mac).verify()).toMatchObject({ ok: true, rows: 40 });

      expect(migrate(db)).toBe(LATEST_VERSION);
      expect(LATEST_VERSION).toBeGreaterThanOrEqual(70);
      // Nothing stored changed; `door` is computed, not written.
      expect(db.prepare(STORED).all()).toEqual(before);
      const columns = db.pragma('table_xinfo(audit_events)') as { name: string; hidden: number }[];
      expect(columns.find((c) => c.name === 'door')?.hidden).toBe(2); // 2 = VIRTUAL generated
      const indexes = (db.pragma('index_list(audit_events)') as { name: string; partial: number }[])
        .filter((r) => r.name.startsWith('audit_door'))
        .map((r) => [r.name, r.partial]);
      expect(indexes.sort()).toEqual([
        ['audit_door_at', 1],
        ['audit_door_decision_at', 1],
      ]);
      expect(db.prepare('SELECT count(*) FROM audit_events WHERE door IS NULL').pluck().get()).toBe(
        40,
      );
      expect(new AuditChainVerifier(log, mac).verify()).toMatchObject({ ok: true, rows: 40 });

      // New rows, as the station writes them: the door inside details.
      for (let i = 0; i < 6; i++) {
        log.append({
          at: new Date(Date.UTC(2026, 0, 2, 8, i)).toISOString(),
          kind: i === 5 ? 'door' : 'decision',
          decision: i === 5 ? null : 'granted',
          subjectHmac: null,
          similarity: i === 5 ? null : 0.7,
          details: { door: i % 2 === 0 ? 'front' : 'back', source: 'terminal' },
        });
      }
      expect(new AuditChainVerifier(log, mac).verify()).toMatchObject({ ok: true, rows: 46 });
      const r = review(db);
      expect(r.doors()).toEqual(['back', 'front']);
      const front = r.query({ door: 'front' }, undefined, 50);
      expect(front.events.map((e) => e.id)).toEqual([45, 43, 41]);
      expect(front.events.every((e) => e.door === 'front')).toBe(true);
      const backGranted = r.query({ door: 'back', decision: 'granted' }, undefined, 50);
      expect(backGranted.events.map((e) => e.id)).toEqual([44, 42]);
      // An old row reads no door; its detail shows it as such, not as a fact.
      const old = r.detail(1);
      expect(old.event.door).toBeNull();
      expect(r.detail(41).event.door).toBe('front');
      expect(r.detail(41).facts).not.toHaveProperty('door');
    } finally {
      db.close();
    }
  });

  it('a door changed inside details is detected at that row (the MAC covers details)', () => {
    const { db, log, mac } = open(tmp.dir);
    try {
      db.exec(`DROP TRIGGER audit_events_no_update;
        UPDATE audit_events SET details = replace(details, '"door":"back"', '"door":"front"')
        WHERE id = 44`);
      // The moved row now shows up under the other door...
      expect(
        review(db)
          .query({ door: 'front' }, undefined, 50)
          .events.map((e) => e.id),
      ).toEqual([45, 44, 43, 41]);
      // ...and the verifier names exactly that row.
      expect(new AuditChainVerifier(log, mac).verify()).toMatchObject({
        ok: false,
        rows: 43,
        firstBrokenRow: 44,
      });
    } finally {
      db.close();
    }
  });

  it('a row whose details are not JSON reads door NULL instead of failing every read', () => {
    const { db, log, mac } = open(tmp.dir);
    try {
      db.exec(`UPDATE audit_events SET details = '{"door": broken' WHERE id = 42`);
      const r = review(db);
      expect(r.detail(42).event.door).toBeNull();
      // 44 was moved to 'front' above; 46 (the door command) is the last 'back' row left.
      expect(r.query({ door: 'back' }, undefined, 50).events.map((e) => e.id)).toEqual([46]);
      expect(r.query({}, undefined, 5).events).toHaveLength(5);
      expect(new AuditChainVerifier(log, mac).verify()).toMatchObject({
        ok: false,
        firstBrokenRow: 42,
      });
    } finally {
      db.close();
    }
  });
});
