import { randomBytes } from 'node:crypto';
import type { Migration } from './migration.types';

/**
 * Anchors the audit chain outside the database (core/audit/audit-anchor.ts), so a log with deleted
 * rows or a rolled-back head fails verification. A valid anchor file already present is kept and its
 * genesis reused, so what it vouches for is still checked.
 */
export const migration0180: Migration = {
  version: 180,
  name: 'audit-anchor',
  up(db, ctx) {
    db.exec(`
      CREATE TABLE audit_anchor (
        id          INTEGER PRIMARY KEY CHECK (id = 1),
        genesis     TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        mac         TEXT NOT NULL
      );
      CREATE TRIGGER audit_anchor_no_update BEFORE UPDATE ON audit_anchor
      BEGIN SELECT RAISE(ABORT, 'audit_anchor cannot be changed'); END;
      CREATE TRIGGER audit_anchor_no_delete BEFORE DELETE ON audit_anchor
      BEGIN SELECT RAISE(ABORT, 'audit_anchor cannot be deleted'); END;
    `);
    const file = ctx.auditAnchor();
    if (file === null) return; // an in-memory schema (no data folder, no log to anchor)
    const mac = ctx.auditMac();
    const existing = file.existingGenesis();
    const genesis = existing ?? randomBytes(16).toString('hex');
    const createdAt = new Date().toISOString();
    db.prepare('INSERT INTO audit_anchor (id, genesis, created_at, mac) VALUES (1, ?, ?, ?)').run(
      genesis,
      createdAt,
      mac.genesis({ genesis, created_at: createdAt }),
    );
    if (existing !== null) return;
    const head = db
      .prepare<[], { rows: number; last_id: number; last_mac: string }>(
        'SELECT rows, last_id, last_mac FROM audit_head WHERE id = 1',
      )
      .get();
    file.write(genesis, head ?? { rows: 0, last_id: 0, last_mac: '' });
  },
};
