import type { AuditChainRow, AuditHeadRow } from '../ports/audit-store';
import type { AuditAnchorFile } from './audit-anchor';
import { anchorProblem, enrolmentProblem } from './audit-anchor-check';
import { AUDIT_GENESIS_MAC, macEquals, type AuditMac } from './audit-mac';
import type { AuditLog } from './audit-log';

/** Result of `station audit verify`; firstBrokenRow is an audit row id. */
export interface AuditChainReport {
  ok: boolean;
  /** Rows present and checked (up to the first break). */
  rows: number;
  firstBrokenRow: number | null;
  reason: string | null;
}

interface Cursor {
  prevId: number;
  prevMac: string;
  /** Rows before the chain start (removed by a retention purge). */
  purged: number;
  rows: number;
}

/** What the station checks beyond the database itself (absent: the chain alone). */
export interface AuditAnchorCheck {
  file: AuditAnchorFile;
  /**
   * People enrolled now whose enrolment falls within the log's span: all of them (`since`
   * null, nothing was purged) or those created at or after `since` (the oldest row kept).
   */
  enrolledSince: (since: string | null) => number;
}

/**
 * Walks the audit chain in id order in one read snapshot, recomputing every MAC. An edited row
 * fails its own MAC; a deleted or reordered row breaks the next row's prev_mac; deleting the
 * newest rows disagrees with audit_head, whose own MAC stops it being rewritten to match.
 */
export class AuditChainVerifier {
  constructor(
    private readonly repo: AuditLog,
    private readonly mac: AuditMac,
    private readonly anchor?: AuditAnchorCheck,
  ) {}

  verify(): AuditChainReport {
    return this.repo.snapshot(() => this.walk());
  }

  private walk(): AuditChainReport {
    const anchor = this.anchor?.file.read();
    const anchorRow = typeof anchor === 'object' ? anchor.last_id : -1;
    let macAtAnchorRow: string | undefined;
    let enrolments = 0;
    let firstAt: string | null = null;
    const head = this.repo.head();
    const headOk = head !== undefined && macEquals(head.mac, this.mac.head(head));
    const cur: Cursor = { prevId: 0, prevMac: AUDIT_GENESIS_MAC, purged: 0, rows: 0 };
    const cp = this.repo.latestCheckpoint();
    if (cp) {
      if (!macEquals(cp.mac, this.mac.checkpoint(cp))) {
        return broken(0, cp.boundary_id + 1, 'the retention checkpoint was altered');
      }
      Object.assign(cur, {
        prevId: cp.boundary_id,
        prevMac: cp.boundary_mac,
        purged: cp.purged_rows,
      });
    }
    const purgedUpTo = cur.prevId;
    for (const row of this.repo.chain()) {
      const failure = this.checkRow(row, cur, headOk);
      if (failure) return broken(cur.rows, failure.id, failure.reason);
      if (row.id === anchorRow) macAtAnchorRow = row.mac ?? undefined;
      if (row.kind === 'enrolment') enrolments++;
      firstAt ??= row.at;
      cur.prevId = row.id;
      cur.prevMac = row.mac ?? '';
      cur.rows++;
    }
    const tail = this.checkTail(head, headOk, cur);
    if (!tail.ok || !this.anchor || anchor === undefined) return tail;
    const total = cur.purged + cur.rows;
    const genesis = this.repo.genesis();
    // Enrolments are counted from when anchoring started (0180 trusts the log before it as it
    // was) and, after a purge, from the oldest row kept.
    const since = [genesis?.created_at, cp ? (firstAt ?? '\uffff') : undefined]
      .filter((t): t is string => t !== undefined)
      .sort()
      .at(-1);
    const problem =
      anchorProblem(this.mac, genesis, anchor, this.anchor.file.path, {
        rows: total,
        lastId: cur.prevId,
        macAtAnchorRow,
        purgedUpTo,
      }) ?? enrolmentProblem(enrolments, this.anchor.enrolledSince(since ?? null));
    return problem === null ? tail : broken(cur.rows, cur.prevId + 1, problem);
  }

  private checkRow(
    row: AuditChainRow,
    cur: Cursor,
    headOk: boolean,
  ): { id: number; reason: string } | null {
    if (row.id <= cur.prevId) {
      return { id: row.id, reason: `row ${row.id} lies before the retention checkpoint` };
    }
    if (!macEquals(row.prev_mac, cur.prevMac)) {
      if (row.id > cur.prevId + 1) {
        const missing =
          cur.prevId + 1 === row.id - 1
            ? `row ${cur.prevId + 1} is`
            : `rows ${cur.prevId + 1}-${row.id - 1} are`;
        return {
          id: cur.prevId + 1,
          reason: `${missing} missing (row ${row.id} does not chain to row ${cur.prevId})`,
        };
      }
      return {
        id: row.id,
        reason: `row ${row.id} does not chain to row ${cur.prevId} (rows moved, replaced or deleted)`,
      };
    }
    if (row.mac === null || !macEquals(row.mac, this.mac.row({ ...row, prev_mac: cur.prevMac }))) {
      // A wrong key fails the first row and the head alike; an edit fails one row only.
      const wrongKey = cur.rows === 0 && !headOk;
      return {
        id: row.id,
        reason: wrongKey
          ? `row ${row.id}: MAC mismatch and the head does not verify either: the audit MAC key is not the one that wrote this log (or the log was rewritten)`
          : `row ${row.id} was altered (MAC mismatch)`,
      };
    }
    return null;
  }

  private checkTail(
    head: AuditHeadRow | undefined,
    headOk: boolean,
    cur: Cursor,
  ): AuditChainReport {
    const total = cur.purged + cur.rows;
    const next = cur.prevId + 1;
    if (!head) {
      return total === 0
        ? { ok: true, rows: 0, firstBrokenRow: null, reason: null }
        : broken(
            cur.rows,
            next,
            'the audit head record is missing: the newest rows cannot be confirmed',
          );
    }
    if (!headOk) {
      return broken(
        cur.rows,
        next,
        'the audit head record was altered: the newest rows cannot be confirmed',
      );
    }
    if (head.last_id > cur.prevId || head.rows > total) {
      return broken(
        cur.rows,
        next,
        `the log ends at row ${cur.prevId} (${total} rows) but was written up to row ${head.last_id} (${head.rows} rows): newest rows deleted`,
      );
    }
    if (
      head.last_id !== cur.prevId ||
      head.rows !== total ||
      !macEquals(head.last_mac, cur.prevMac)
    ) {
      return broken(
        cur.rows,
        head.last_id + 1,
        `rows after row ${head.last_id} were not written by the station`,
      );
    }
    return { ok: true, rows: cur.rows, firstBrokenRow: null, reason: null };
  }
}

function broken(rows: number, firstBrokenRow: number, reason: string): AuditChainReport {
  return { ok: false, rows, firstBrokenRow, reason };
}
