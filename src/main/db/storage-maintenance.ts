import type { CompactReport } from '../core/ports/storage';
import type { Db } from './sqlite';

export type { CompactReport };

/**
 * VACUUM, then checkpoint and truncate the WAL, because secure_delete zeroes freed pages but their
 * copies live on in the WAL. If another reader holds an old snapshot, walTruncated is false and the
 * caller's byte scan reports what remains.
 */
export function compactDatabase(db: Db): CompactReport {
  db.exec('VACUUM');
  const rows = db.pragma('wal_checkpoint(TRUNCATE)') as {
    busy: number;
    log: number;
    checkpointed: number;
  }[];
  const r = rows[0];
  return { walTruncated: r !== undefined && r.busy === 0 && r.log === r.checkpointed };
}
