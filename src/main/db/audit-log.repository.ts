import type { Db } from './connection';
import type { AuditEventView, DecisionReason } from '../../shared/domain';

export interface NewAuditEvent {
  at: string;
  kind: AuditEventView['kind'];
  decision: DecisionReason | null;
  subjectHmac: string | null;
  similarity: number | null;
  details: Record<string, unknown>;
}

interface AuditRow {
  id: number;
  at: string;
  kind: AuditEventView['kind'];
  decision: DecisionReason | null;
  subject_hmac: string | null;
  similarity: number | null;
}

/** Append-only: this repository can add and read events, never change or remove them. */
export class AuditLogRepository {
  private readonly insert;
  private readonly selectRecent;

  constructor(db: Db) {
    this.insert = db.prepare(
      `INSERT INTO audit_events (at, kind, decision, subject_hmac, similarity, details)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.selectRecent = db.prepare<[number], AuditRow>(
      'SELECT id, at, kind, decision, subject_hmac, similarity FROM audit_events ORDER BY id DESC LIMIT ?',
    );
  }

  append(e: NewAuditEvent): number {
    const info = this.insert.run(
      e.at,
      e.kind,
      e.decision,
      e.subjectHmac,
      e.similarity,
      JSON.stringify(e.details),
    );
    return Number(info.lastInsertRowid);
  }

  recent(limit: number): AuditEventView[] {
    return this.selectRecent.all(limit).map((r) => ({
      id: r.id,
      at: r.at,
      kind: r.kind,
      decision: r.decision,
      subject: r.subject_hmac,
      similarity: r.similarity,
    }));
  }
}
