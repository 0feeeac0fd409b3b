import { StationError } from '../../../shared/errors';
import type { AuditEventView } from '../../../shared/domain';
import type { AuditChainRow } from '../ports/audit-store';
import type { AuditChainReport, AuditChainVerifier } from './audit-chain-verifier';
import type { AuditLog } from './audit-log';
import type { AuditRecorder } from './audit-recorder';
import type { AuditRetentionService, PurgeReport } from './audit-retention.service';

export interface AuditAdminDeps {
  log: AuditLog;
  recorder: AuditRecorder;
  verifier: AuditChainVerifier;
  retention: AuditRetentionService;
  /** The retention setting in days (a purge without its own age uses it). */
  retentionDays: () => number;
}

/** The log as a whole: recent rows, one person's rows, verification, export and purge. */
export class AuditAdmin {
  constructor(private readonly d: AuditAdminDeps) {}

  recent(limit: number): AuditEventView[] {
    return this.d.recorder.recent(limit);
  }

  /** The HMAC under which a person's new events are logged (reviewer search). */
  subjectOf(personId: string): string {
    const subject = this.d.recorder.subjectOf(personId);
    if (subject === null) {
      throw new StationError('PERSON_NOT_FOUND', `No enrolled person has id ${personId}`);
    }
    return subject;
  }

  /** Every audit event of one person, oldest first, found through their subject HMAC. */
  eventsOf(personId: string): AuditEventView[] {
    // Pre-0030 rows of a migrated person carry the legacy subject (see migration 0030).
    return this.d.recorder
      .subjectsOf(personId)
      .flatMap((s) => this.d.log.bySubject(s))
      .sort((a, b) => a.at.localeCompare(b.at) || a.id - b.id);
  }

  /** Recomputes the whole audit MAC chain (streams rows; see AuditChainVerifier). */
  verifyChain(): AuditChainReport {
    return this.d.verifier.verify();
  }

  /**
   * Retention purge (audited): deletes audit events older than `olderThanDays` (default: the
   * retention setting) and checkpoints the chain so it still verifies. Refuses a broken log.
   */
  purge(olderThanDays: number | undefined, requestedBy: string): PurgeReport {
    return this.d.retention.purge(olderThanDays ?? this.d.retentionDays(), requestedBy);
  }

  /** Audit rows with from <= at < to (ISO; null = open), streamed in id order, no names. */
  range(from: string | null, to: string | null): IterableIterator<AuditChainRow> {
    return this.d.log.range(from, to);
  }
}
