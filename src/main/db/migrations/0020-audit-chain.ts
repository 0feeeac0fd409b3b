import type Database from 'better-sqlite3';
import { AUDIT_GENESIS_MAC } from '../../../shared/audit-constants';
import type { AuditChainSealer, Migration, MigratedAuditRow } from './migration.types';

const BATCH = 1000;

/**
 * Tamper-evident audit log: each row's MAC chains to the previous one and audit_head keeps the
 * newest MAC and count. Triggers refuse UPDATE and DELETE so our own code cannot rewrite history;
 * direct file edits are caught by the MACs.
 */
export const migration0020: Migration = {
  version: 20,
  name: 'audit-chain',
  up(db, ctx) {
    db.exec(`
      ALTER TABLE audit_events ADD COLUMN prev_mac TEXT;
      ALTER TABLE audit_events ADD COLUMN mac TEXT;
      CREATE TABLE audit_head (
        id        INTEGER PRIMARY KEY CHECK (id = 1),
        last_id   INTEGER NOT NULL,
        last_mac  TEXT NOT NULL,
        rows      INTEGER NOT NULL,
        mac       TEXT NOT NULL
      );
      CREATE TABLE audit_checkpoints (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        boundary_id  INTEGER NOT NULL,
        boundary_mac TEXT NOT NULL,
        purged_rows  INTEGER NOT NULL,
        at           TEXT NOT NULL,
        mac          TEXT NOT NULL
      );
    `);
    const hasRows = db.prepare('SELECT 1 FROM audit_events LIMIT 1').get() !== undefined;
    // The key is only needed (and only created) when there are rows to chain.
    if (hasRows) chainExistingRows(db, ctx.auditMac());
    db.exec(`
      CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
      BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
      CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
      WHEN OLD.id > (SELECT coalesce(max(boundary_id), 0) FROM audit_checkpoints)
      BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
      CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
      BEGIN SELECT RAISE(ABORT, 'audit_head cannot be deleted'); END;
    `);
  },
};

/** Chains rows in id order, in batches (an iterator cannot run while this connection updates). */
function chainExistingRows(db: Database.Database, mac: AuditChainSealer): void {
  const page = db.prepare<[number, number], Omit<MigratedAuditRow, 'prev_mac'>>(
    `SELECT id, at, kind, decision, subject_hmac, similarity, details
     FROM audit_events WHERE id > ? ORDER BY id LIMIT ?`,
  );
  const update = db.prepare('UPDATE audit_events SET prev_mac = ?, mac = ? WHERE id = ?');
  let prev = AUDIT_GENESIS_MAC;
  let lastId = 0;
  let rows = 0;
  for (;;) {
    const batch = page.all(lastId, BATCH);
    if (batch.length === 0) break;
    for (const r of batch) {
      const m = mac.row({ ...r, prev_mac: prev });
      update.run(prev, m, r.id);
      prev = m;
      lastId = r.id;
      rows++;
    }
  }
  const head = { last_id: lastId, last_mac: prev, rows };
  db.prepare(
    'INSERT INTO audit_head (id, last_id, last_mac, rows, mac) VALUES (1, ?, ?, ?, ?)',
  ).run(head.last_id, head.last_mac, head.rows, mac.head(head));
}
