import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditChainVerifier } from '../../src/main/core/audit/audit-chain-verifier';
import { AuditMac } from '../../src/main/core/audit/audit-mac';
import { dataPaths } from '../../src/main/core/util/data-dir';
import { loadOrCreateKey } from '../../src/main/core/util/key-file';
import { auditLogOver } from '../../src/main/composition/audit-log';
import { AuditQueryRepository } from '../../src/main/db/audit-query.repository';
import { makeTempDir } from '../support/temp-dir';
import { migrate } from '../../src/main/composition/station-database';

const STORED = `SELECT id, at, kind, decision, subject_hmac, similarity, details, prev_mac, mac
  FROM audit_events ORDER BY id`;

/**
 * Migration 0220 -> 0225 on a real file with a chained log: `replay` is computed from the
 * existing `details.source` (nothing stored changes, the chain still verifies), a malformed
 * `details` reads NULL instead of failing, and the source filter keeps replays of
 * `station access` apart from events at the station, through the partial index.
 */
describe('migration 0225 (replays kept apart from door events)', () => {
  const tmp = makeTempDir('station-0225-');
  afterAll(() => tmp.cleanup());

  it('derives replay from details.source without rewriting a row', () => {
    const paths = dataPaths(tmp.dir);
    const db = new Database(paths.database);
    try {
      migrate(db, 220);
      const mac = new AuditMac(loadOrCreateKey(paths.auditMacKey));
      const log = auditLogOver(db, mac);
      const sources = ['terminal', 'video:door-clip.mp4', 'terminal', 'video:other.webm', 7];
      sources.forEach((source, i) =>
        log.append({
          at: new Date(Date.UTC(2026, 11, 6, 18, i)).toISOString(),
          kind: 'decision',
          decision: 'granted',
          subjectHmac: null,
          similarity: 0.6,
          details: {
            source,
            door: typeof source === 'string' && source.startsWith('video:') ? null : 'door-1',
          },
        }),
      );
      const before = db.prepare(STORED).all();

      migrate(db, 225);
      expect(db.prepare(STORED).all()).toEqual(before);
      expect(new AuditChainVerifier(log, mac).verify()).toMatchObject({ ok: true, rows: 5 });
      expect(db.prepare('SELECT replay FROM audit_events ORDER BY id').pluck().all()).toEqual([
        null,
        'door-clip.mp4',
        null,
        'other.webm',
        null,
      ]);

      const queries = new AuditQueryRepository(db);
      const page = (source: 'station' | 'replay' | null) =>
        queries
          .page({
            from: null,
            to: null,
            kind: null,
            decision: null,
            subjects: null,
            door: null,
            source,
            after: null,
            order: 'oldest',
            limit: 50,
          })
          .map((r) => r.id);
      expect(page('replay')).toEqual([2, 4]);
      expect(page('station')).toEqual([1, 3, 5]);
      expect(page(null)).toEqual([1, 2, 3, 4, 5]);
      // Attendance never counts replays.
      expect([
        ...queries.grants('2026-12-01T00:00:00Z', '2026-12-31T00:00:00Z', null),
      ]).toHaveLength(3);

      // A row whose details are not JSON reads NULL rather than failing every query.
      db.prepare(
        "INSERT INTO audit_events (at, kind, details, prev_mac, mac) VALUES ('2026-12-06T19:00:00.000Z', 'settings', 'not json', x'00', x'00')",
      ).run();
      expect(
        db.prepare('SELECT replay FROM audit_events ORDER BY id DESC LIMIT 1').pluck().get(),
      ).toBeNull();
    } finally {
      db.close();
    }
  });
});
