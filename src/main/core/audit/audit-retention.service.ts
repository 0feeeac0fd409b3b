import { StationError } from '../../../shared/errors';
import type { AuditPurgeStore } from '../ports/audit-store';
import type { UnitOfWork } from '../ports/storage';
import type { AuditLog } from './audit-log';
import type { AuditChainVerifier } from './audit-chain-verifier';
import { macEquals, type AuditCheckpointFields, type AuditMac } from './audit-mac';
import type { AuditRecorder } from './audit-recorder';

/** What `station audit purge` reports. */
export interface PurgeReport {
  olderThanDays: number;
  /** Events logged before this instant were due for deletion. */
  cutoff: string;
  /** Rows deleted by this purge. */
  purged: number;
  /** The newest checkpoint after the purge (null: nothing was ever purged). */
  checkpoint: { boundaryId: number; purgedRows: number; at: string } | null;
  /** Id of the audit row that records this purge. */
  auditEventId: number;
  /** The database was compacted and its WAL emptied, so deleted rows left no copy behind. */
  compacted: boolean;
}

export interface AuditRetentionDeps {
  unitOfWork: UnitOfWork;
  log: AuditLog;
  purge: AuditPurgeStore;
  verifier: AuditChainVerifier;
  mac: AuditMac;
  audit: AuditRecorder;
  now: () => Date;
  /** VACUUM + WAL truncation after deleting (storage-maintenance.ts). */
  compact: () => { walTruncated: boolean };
  /** Rows per transaction (default BATCH_ROWS; tests use a small one). */
  batchRows?: number;
}

/**
 * Rows per purge transaction. Each batch holds the write lock only briefly, so door decisions
 * keep being logged during a long purge (busy_timeout is 5 s; deleting 1M rows in one
 * transaction would exceed it). Each batch is complete on its own: checkpoint + delete commit
 * together, so a purge killed half-way leaves a shorter, still verifiable log.
 */
const BATCH_ROWS = 10_000;

const DAY_MS = 86_400_000;

/**
 * Deletes audit events older than N days while the chain stays verifiable: a MAC'd checkpoint holds
 * the last deleted row's MAC and audit_head still counts every row, so later edits, deletions or
 * truncation are still detected.
 */
export class AuditRetentionService {
  constructor(private readonly d: AuditRetentionDeps) {}

  purge(olderThanDays: number, requestedBy: string): PurgeReport {
    if (!Number.isInteger(olderThanDays) || olderThanDays < 1) {
      throw new StationError(
        'BAD_REQUEST',
        'Retention must be a whole number of days, at least 1.',
      );
    }
    // A broken chain is evidence: refuse to delete any of it (and to re-seal it as valid).
    const check = this.d.verifier.verify();
    if (!check.ok) {
      throw new StationError(
        'DB_CORRUPT',
        `The audit log does not verify (row ${check.firstBrokenRow}: ${check.reason}); nothing was purged.`,
      );
    }
    const started = this.d.now();
    const cutoff = new Date(started.getTime() - olderThanDays * DAY_MS).toISOString();
    let purged = 0;
    for (;;) {
      const n = this.d.unitOfWork.immediate(() => this.purgeBatch(cutoff, started));
      if (n === 0) break;
      purged += n;
    }
    const last = this.d.log.latestCheckpoint();
    const auditEventId = this.d.audit.record({
      kind: 'retention',
      decision: null,
      personId: null,
      similarity: null,
      details: {
        operation: 'purge',
        olderThanDays,
        cutoff,
        purgedRows: purged,
        boundaryId: last?.boundary_id ?? null,
        requestedBy,
      },
    });
    return {
      ...this.report(olderThanDays, cutoff, purged, auditEventId),
      compacted: this.compact(purged),
    };
  }

  /**
   * Deleted rows are zeroed (secure_delete) but their pages may live on in the WAL; compacting
   * removes them. The purge itself is already committed: a busy database only means the copies
   * go at the next checkpoint, so a failure here is reported, not thrown.
   */
  private compact(purged: number): boolean {
    if (purged === 0) return false;
    try {
      return this.d.compact().walTruncated;
    } catch {
      return false;
    }
  }

  private report(olderThanDays: number, cutoff: string, purged: number, auditEventId: number) {
    const last = this.d.log.latestCheckpoint();
    return {
      olderThanDays,
      cutoff,
      purged,
      checkpoint: last
        ? { boundaryId: last.boundary_id, purgedRows: last.purged_rows, at: last.at }
        : null,
      auditEventId,
    };
  }

  /** One batch inside an IMMEDIATE transaction; returns the rows deleted (0 = done). */
  private purgeBatch(cutoff: string, at: Date): number {
    const head = this.d.log.head();
    if (!head || !macEquals(head.mac, this.d.mac.head(head))) {
      throw new StationError(
        'DB_CORRUPT',
        'The audit log head is missing or altered; the purge stopped. Run `station audit verify`.',
      );
    }
    const prev = this.d.log.latestCheckpoint();
    const done = prev?.boundary_id ?? 0;
    const firstKept = this.d.purge.firstKeptId(cutoff);
    const due = firstKept === undefined ? head.last_id : firstKept - 1;
    const boundaryId = Math.min(due, done + (this.d.batchRows ?? BATCH_ROWS));
    if (boundaryId <= done) return 0;
    const row = this.d.purge.row(boundaryId);
    // Rows are never renumbered, so the boundary row exists unless the file was edited.
    if (
      !row?.mac ||
      !row.prev_mac ||
      !macEquals(row.mac, this.d.mac.row({ ...row, prev_mac: row.prev_mac }))
    ) {
      throw new StationError(
        'DB_CORRUPT',
        `Audit row ${boundaryId} is missing or altered; run \`station audit verify\`. Nothing more was purged.`,
      );
    }
    const count = this.d.purge.countThroughId(boundaryId);
    const cp: AuditCheckpointFields = {
      boundary_id: boundaryId,
      boundary_mac: row.mac,
      purged_rows: (prev?.purged_rows ?? 0) + count,
      at: at.toISOString(),
    };
    const deleted = this.d.purge.purgeThrough(cp, this.d.mac.checkpoint(cp));
    if (deleted !== count) {
      // Cannot happen inside one IMMEDIATE transaction; throwing rolls the batch back.
      throw new StationError('INTERNAL', `purge counted ${count} rows but deleted ${deleted}`);
    }
    return deleted;
  }
}
