import type { AuditEventView, DecisionReason } from '../../../shared/domain';
import type { IdentityHasher } from './identity-hasher';
import type { AuditLog } from './audit-log';

export interface AuditInput {
  kind: AuditEventView['kind'];
  decision: DecisionReason | null;
  /** Hashed before it is stored; the raw id never reaches the log. An erased id logs null. */
  personId: string | null;
  similarity: number | null;
  details: Record<string, unknown>;
}

/** The details of a settings-change row: `setting` names what changed. */
export type SettingsChange = { setting: string } & Record<string, unknown>;

/**
 * The one shape of a settings-change row: which setting, and what the caller says about it
 * (who changed it, the door, the new value). It names no person and carries no decision.
 */
export function settingsChange(details: SettingsChange): AuditInput {
  return { kind: 'settings', decision: null, personId: null, similarity: null, details };
}

/** Turns domain events into audit rows, hashing identities on the way in. */
export class AuditRecorder {
  constructor(
    private readonly repo: AuditLog,
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

  /** A settings change (settingsChange); returns the row id. */
  recordSettings(details: SettingsChange): number {
    return this.record(settingsChange(details));
  }

  recent(limit: number): AuditEventView[] {
    return this.repo.recent(limit);
  }

  /** The subject new rows of this person carry; null once the person was erased. */
  subjectOf(personId: string): string | null {
    return this.hasher.subject(personId);
  }

  /** Every subject under which this person's rows may be stored (see migration 0030). */
  subjectsOf(personId: string): string[] {
    return this.hasher.subjectsOf(personId);
  }
}
