import type {
  AuditChainRow,
  AuditCheckpointFields,
  AuditPurgeStore,
} from '../core/ports/audit-store';
import type { Db } from './sqlite';

/**
 * The only SQL that removes audit rows (migration 0060 refuses every other DELETE). It is kept
 * out of AuditLogRepository, which can append and read only, so removing history is one
 * visible, separately reviewed path: the retention purge in core/audit/audit-retention.service.ts.
 */
export class AuditPurgeRepository implements AuditPurgeStore {
  private readonly firstAtOrAfter;
  private readonly rowById;
  private readonly countThrough;
  private readonly arm;
  private readonly insertCheckpoint;
  private readonly deleteThrough;

  constructor(private readonly db: Db) {
    // Walks the primary key from the oldest row: the rows it passes are the ones to purge.
    this.firstAtOrAfter = db
      .prepare<[string], number>('SELECT id FROM audit_events WHERE at >= ? ORDER BY id LIMIT 1')
      .pluck();
    this.rowById = db.prepare<[number], AuditChainRow>(
      `SELECT id, at, kind, decision, subject_hmac, similarity, details, prev_mac, mac
       FROM audit_events WHERE id = ?`,
    );
    this.countThrough = db
      .prepare<[number], number>('SELECT count(*) FROM audit_events WHERE id <= ?')
      .pluck();
    this.arm = db.prepare<[number]>('UPDATE audit_purge_guard SET armed = ? WHERE id = 1');
    this.insertCheckpoint = db.prepare(
      `INSERT INTO audit_checkpoints (boundary_id, boundary_mac, purged_rows, at, mac)
       VALUES (?, ?, ?, ?, ?)`,
    );
    this.deleteThrough = db.prepare<[number]>('DELETE FROM audit_events WHERE id <= ?');
  }

  /** Id of the oldest row logged at or after `at` (ISO), or undefined when every row is older. */
  firstKeptId(at: string): number | undefined {
    return this.firstAtOrAfter.get(at);
  }

  row(id: number): AuditChainRow | undefined {
    return this.rowById.get(id);
  }

  /** Rows still stored with id <= boundaryId. */
  countThroughId(boundaryId: number): number {
    return this.countThrough.get(boundaryId) ?? 0;
  }

  /**
   * In one transaction: arms the guard, records the checkpoint, deletes every row up to its
   * boundary, disarms. Returns the number of rows deleted. The caller computed and MACed the
   * checkpoint; the triggers of migration 0060 refuse a checkpoint that does not move forward.
   */
  purgeThrough(cp: AuditCheckpointFields, mac: string): number {
    return this.db.transaction(() => {
      this.arm.run(1);
      this.insertCheckpoint.run(cp.boundary_id, cp.boundary_mac, cp.purged_rows, cp.at, mac);
      const deleted = this.deleteThrough.run(cp.boundary_id).changes;
      this.arm.run(0);
      return deleted;
    })();
  }
}
