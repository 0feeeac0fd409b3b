import type { AuditGenesisRow } from '../ports/audit-store';
import type { AnchorFileState } from './audit-anchor';
import { macEquals, type AuditMac } from './audit-mac';

/** How far the chain walk got: what the anchor is compared with. */
export interface WalkedLog {
  /** Rows ever appended (the head's count, or purged + present without a head). */
  rows: number;
  /** Id of the newest row present. */
  lastId: number;
  /** The MAC of row `anchorRow` as the walk found it (undefined: not present). */
  macAtAnchorRow: string | undefined;
  /** Rows up to this id were removed by a retention purge (0: none). */
  purgedUpTo: number;
}

/**
 * Why the log does not reach as far as its anchor says it was written, or null. Run after the
 * chain itself verified (every row's MAC, the links, the head), so what is left to catch is a
 * log cut short with a head to match: every row and the head deleted, or the newest rows
 * deleted and an older genuine head put back.
 */
export function anchorProblem(
  mac: AuditMac,
  genesis: AuditGenesisRow | undefined,
  anchor: AnchorFileState,
  anchorPath: string,
  log: WalkedLog,
): string | null {
  if (!genesis) {
    return 'the audit anchor record is missing from the database: the log was replaced or rewritten';
  }
  if (!macEquals(genesis.mac, mac.genesis(genesis))) return 'the audit anchor record was altered';
  if (anchor === 'missing') {
    return `the audit anchor ${anchorPath} is missing: deleted rows cannot be ruled out`;
  }
  if (anchor === 'invalid') {
    return `the audit anchor ${anchorPath} was altered or belongs to another station`;
  }
  if (anchor.genesis !== genesis.genesis) {
    return 'the audit log and its anchor belong to different databases: the database was replaced';
  }
  if (anchor.rows > log.rows || anchor.last_id > log.lastId) {
    return (
      `the log was written up to row ${anchor.last_id} (${anchor.rows} rows) but ends at row ` +
      `${log.lastId} (${log.rows} rows): rows were deleted and the head set back`
    );
  }
  if (anchor.last_id > log.purgedUpTo && log.macAtAnchorRow !== anchor.last_mac) {
    return (
      `row ${anchor.last_id} is not the row the station wrote there: the log was cut back ` +
      '(rows deleted) and written again from that point'
    );
  }
  return null;
}

/**
 * Every enrolment is logged in the same transaction as the person: fewer enrolment rows in the
 * log than people enrolled within its span means rows were deleted (a log emptied and its
 * anchor put back from before, which the anchor alone cannot tell).
 */
export function enrolmentProblem(enrolmentRows: number, enrolledInSpan: number): string | null {
  return enrolledInSpan > enrolmentRows
    ? `the log holds ${enrolmentRows} enrolment row(s) but ${enrolledInSpan} people still ` +
        'enrolled were enrolled within its span (each enrolment is logged): rows were deleted'
    : null;
}
