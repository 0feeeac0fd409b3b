import type { AuditEventView, DecisionReason } from '../../../shared/domain';
import type { AuditLogRepository } from '../../db/audit-log.repository';
import type { IdentityHasher } from './identity-hasher';

export interface AuditInput {
  kind: AuditEventView['kind'];
  decision: DecisionReason | null;
  /** Hashed before it is stored; the raw id never reaches the log. */
  personId: string | null;
  similarity: number | null;
  details: Record<string, unknown>;
}

/** Turns domain events into audit rows, hashing identities on the way in. */
export class AuditRecorder {
  constructor(
    private readonly repo: AuditLogRepository,
    private readonly hasher: IdentityHasher,
    private readonly now: () => Date,
  ) {}

  record(e: AuditInput): number {
    return this.repo.append({
      at: this.now().toISOString(),
      kind: e.kind,
      decision: e.decision,
      subjectHmac: e.personId === null ? null : this.hasher.subject(e.personId),
      similarity: e.similarity === null ? null : Math.round(e.similarity * 1e4) / 1e4,
      details: e.details,
    });
  }

  recent(limit: number): AuditEventView[] {
    return this.repo.recent(limit);
  }

  subjectOf(personId: string): string {
    return this.hasher.subject(personId);
  }
}
