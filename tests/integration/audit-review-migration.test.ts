import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditChainVerifier } from '../../src/main/core/audit/audit-chain-verifier';
import { AuditMac } from '../../src/main/core/audit/audit-mac';
import { dataPaths } from '../../src/main/core/util/data-dir';
import { loadOrCreateKey } from '../../src/main/core/util/key-file';
import { auditLogOver } from '../../src/main/composition/audit-log';
import { AuditQueryRepository } from '../../src/main/db/audit-query.repository';
import { makeTempDir } from '../support/temp-dir';
import { LATEST_VERSION, migrate } from '../../src/main/composition/station-database';

describe('migration 0030 -> 0050 (audit review indexes) on a real file', () => {
  const tmp = makeTempDir('station-0050-');
  afterAll(() => tmp.cleanup());

  it('adds the decision and kind indexes over existing rows; rows and chain unchanged', () => {
    const paths = dataPaths(tmp.dir);
    const db = new Database(paths.database);
    try {
      expect(migrate(db, 30)).toBe(30);
      const mac = new AuditMac(loadOrCreateKey(paths.auditMacKey));
      const log = auditLogOver(db, mac);
      for (let i = 0; i < 30; i++) {
        log.append({
          at: new Date(Date.UTC(2026, 0, 1, 8, i)).toISOString(),
          kind: i % 10 === 9 ? 'erasure' : 'decision',
          decision: i % 10 === 9 ? null : i % 3 === 0 ? 'unknown_face' : 'granted',
          subjectHmac: null,
          similarity: i % 10 === 9 ? null : 0.5,
          details: { i },
        });
      }
      // The stored columns (0070 adds a generated `door`, read from details; tested there).
      const stored = `SELECT id, at, kind, decision, subject_hmac, similarity, details, prev_mac, mac
        FROM audit_events ORDER BY id`;
      const before = db.prepare(stored).all();

      expect(migrate(db)).toBe(LATEST_VERSION);
      const indexes = (db.pragma('index_list(audit_events)') as { name: string }[]).map(
        (r) => r.name,
      );
      expect(indexes).toEqual(expect.arrayContaining(['audit_decision_at', 'audit_kind_at']));
      expect(db.prepare(stored).all()).toEqual(before);
      expect(new AuditChainVerifier(log, mac).verify()).toMatchObject({ ok: true, rows: 30 });

      const erasures = new AuditQueryRepository(db).page({
        from: null,
        to: null,
        kind: 'erasure',
        decision: null,
        subjects: null,
        door: null,
        after: null,
        order: 'oldest',
        limit: 10,
      });
      expect(erasures.map((r) => r.id)).toEqual([10, 20, 30]);
    } finally {
      db.close();
    }
  });
});
