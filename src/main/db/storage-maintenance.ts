import type { CompactReport } from '../core/ports/storage';
import type { Db } from './sqlite';

export type { CompactReport };

/**
 * Rewrites the database file without free pages (VACUUM), then copies the WAL back into it and
 * truncates the WAL. secure_delete already zeroes pages freed by a DELETE, but copies of those
 * pages live on in the WAL until a checkpoint; TRUNCATE leaves the -wal file empty. The
 * checkpoint waits (busy_timeout) for readers in other processes; if one still holds an old
 * snapshot, walTruncated is false and the caller's byte scan reports what remains.
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
