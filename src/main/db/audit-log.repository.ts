import { StationError } from '../../shared/errors';
import type { AuditEventView, DecisionReason } from '../../shared/domain';
import {
  AUDIT_GENESIS_MAC,
  macEquals,
  type AuditChainFields,
  type AuditCheckpointFields,
  type AuditGenesisFields,
  type AuditHeadFields,
  type AuditMac,
} from '../core/audit/audit-mac';
import type { Db } from './sqlite';

export interface NewAuditEvent {
  at: string;
  kind: AuditEventView['kind'];
  decision: DecisionReason | null;
  subjectHmac: string | null;
  similarity: number | null;
  details: Record<string, unknown>;
}

/** A stored row with its chain columns (prev_mac/mac are NULL only if someone cleared them). */
export interface AuditChainRow extends Omit<AuditChainFields, 'prev_mac'> {
  prev_mac: string | null;
  mac: string | null;
}

export interface AuditHeadRow extends AuditHeadFields {
  mac: string;
}

export interface AuditCheckpointRow extends AuditCheckpointFields {
  mac: string;
}

export interface AuditGenesisRow extends AuditGenesisFields {
  mac: string;
}

interface AuditRow {
  id: number;
  at: string;
  kind: AuditEventView['kind'];
  decision: DecisionReason | null;
  subject_hmac: string | null;
  similarity: number | null;
}

const CHAIN_COLUMNS = 'id, at, kind, decision, subject_hmac, similarity, details, prev_mac, mac';

/**
 * Append-only: this repository can add and read events, never change or remove them.
 * Each append chains to the previous row's MAC inside BEGIN IMMEDIATE, so appends from several
 * processes (Electron app, CLI, browser host) are serialised and the chain never forks.
 */
export class AuditLogRepository {
  private readonly selectRecent;
  private readonly selectBySubject;
  private readonly selectHead;
  private readonly selectCheckpoint;
  private readonly selectChain;
  private readonly selectRange;
  private readonly appendTx;

  constructor(
    private readonly db: Db,
    mac: AuditMac,
    /**
     * Told the head once an append committed (not while an outer transaction holds it, e.g. a
     * batch of appends): the station moves the anchor outside the database (audit-anchor.ts).
     */
    private readonly onCommitted?: (head: AuditHeadRow) => void,
  ) {
    this.selectRecent = db.prepare<[number], AuditRow>(
      'SELECT id, at, kind, decision, subject_hmac, similarity FROM audit_events ORDER BY id DESC LIMIT ?',
    );
    this.selectBySubject = db.prepare<[string], AuditRow>(
      `SELECT id, at, kind, decision, subject_hmac, similarity FROM audit_events
       WHERE subject_hmac = ? ORDER BY at, id`,
    );
    this.selectHead = db.prepare<[], AuditHeadRow>(
      'SELECT last_id, last_mac, rows, mac FROM audit_head WHERE id = 1',
    );
    this.selectCheckpoint = db.prepare<[], AuditCheckpointRow>(
      `SELECT boundary_id, boundary_mac, purged_rows, at, mac FROM audit_checkpoints
       ORDER BY id DESC LIMIT 1`,
    );
    this.selectChain = db.prepare<[], AuditChainRow>(
      `SELECT ${CHAIN_COLUMNS} FROM audit_events ORDER BY id`,
    );
    // Plain bounds (no "IS NULL OR" forms) so SQLite can use the audit_at index: one hour of a
    // 1M-row log took 177 ms as a full scan, 3.4 ms through the index (bench/audit-log.ts).
    this.selectRange = db.prepare<[{ from: string; to: string }], AuditChainRow>(
      `SELECT ${CHAIN_COLUMNS} FROM audit_events WHERE at >= @from AND at < @to ORDER BY id`,
    );
    this.appendTx = this.buildAppend(mac);
  }

  /** Appends one event chained to the newest one; returns its id. */
  append(e: NewAuditEvent): number {
    const id = this.appendTx.immediate(e);
    if (!this.onCommitted) return id;
    // Inside a caller's transaction (an enrolment writes its row with its templates) the row
    // is not committed yet: tell after the transaction ended. Transactions are synchronous,
    // so a microtask runs after the commit (or the rollback, when the head did not move).
    if (this.db.inTransaction) queueMicrotask(() => this.tellCommitted());
    else this.tellCommitted();
    return id;
  }

  /** Tells onCommitted the committed head now (also at close: the last append's anchor). */
  tellCommitted(): void {
    if (!this.onCommitted || !this.db.open || this.db.inTransaction) return;
    const head = this.selectHead.get();
    if (head) this.onCommitted(head);
  }

  /** The stored MAC of row `id` (undefined: no such row). */
  rowMac(id: number): string | null | undefined {
    return this.db
      .prepare<[number], { mac: string | null }>('SELECT mac FROM audit_events WHERE id = ?')
      .get(id)?.mac;
  }

  /** The log's genesis record (migration 0180); undefined if someone deleted it. */
  genesis(): AuditGenesisRow | undefined {
    // Prepared here, not in the constructor: tests build this repository on older schemas.
    return this.db
      .prepare<[], AuditGenesisRow>(
        'SELECT genesis, created_at, mac FROM audit_anchor WHERE id = 1',
      )
      .get();
  }

  recent(limit: number): AuditEventView[] {
    return this.selectRecent.all(limit).map(toView);
  }

  /** All events logged under one subject HMAC, oldest first (index audit_subject). */
  bySubject(subjectHmac: string): AuditEventView[] {
    return this.selectBySubject.all(subjectHmac).map(toView);
  }

  head(): AuditHeadRow | undefined {
    return this.selectHead.get();
  }

  latestCheckpoint(): AuditCheckpointRow | undefined {
    return this.selectCheckpoint.get();
  }

  /** Every row in id order, streamed (constant memory even at millions of rows). */
  chain(): IterableIterator<AuditChainRow> {
    return this.selectChain.iterate();
  }

  /** Rows with from <= at < to (ISO strings; null = open end), in id order, streamed. */
  range(from: string | null, to: string | null): IterableIterator<AuditChainRow> {
    // Unbounded: the id-ordered chain scan, which needs no sort at all.
    if (from === null && to === null) return this.chain();
    // ISO timestamps sort as strings; '' and U+FFFF stand for the open ends.
    return this.selectRange.iterate({ from: from ?? '', to: to ?? '\uffff' });
  }

  /** Runs reads in one transaction: head, checkpoint and rows come from one snapshot. */
  snapshot<T>(read: () => T): T {
    return this.db.transaction(read).deferred();
  }

  private buildAppend(mac: AuditMac) {
    const anyRow = this.db.prepare('SELECT 1 FROM audit_events LIMIT 1');
    const insert = this.db.prepare(
      `INSERT INTO audit_events (${CHAIN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const upsertHead = this.db.prepare(
      `INSERT INTO audit_head (id, last_id, last_mac, rows, mac) VALUES (1, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET last_id = excluded.last_id, last_mac = excluded.last_mac,
         rows = excluded.rows, mac = excluded.mac`,
    );
    return this.db.transaction((e: NewAuditEvent): number => {
      const head = this.selectHead.get();
      // Continuing from a forged or missing head would re-seal a truncated log as valid.
      if (head ? !macEquals(head.mac, mac.head(head)) : anyRow.get() !== undefined) {
        throw new StationError(
          'DB_CORRUPT',
          'The audit log head is missing or altered; run `station audit verify`.',
        );
      }
      const row: AuditChainFields = {
        id: (head?.last_id ?? 0) + 1,
        at: e.at,
        kind: e.kind,
        decision: e.decision,
        subject_hmac: e.subjectHmac,
        similarity: e.similarity,
        details: JSON.stringify(e.details),
        prev_mac: head?.last_mac ?? AUDIT_GENESIS_MAC,
      };
      const m = mac.row(row);
      insert.run(
        row.id,
        row.at,
        row.kind,
        row.decision,
        row.subject_hmac,
        row.similarity,
        row.details,
        row.prev_mac,
        m,
      );
      const next = { last_id: row.id, last_mac: m, rows: (head?.rows ?? 0) + 1 };
      upsertHead.run(next.last_id, next.last_mac, next.rows, mac.head(next));
      return row.id;
    });
  }
}

function toView(r: AuditRow): AuditEventView {
  return {
    id: r.id,
    at: r.at,
    kind: r.kind,
    decision: r.decision,
    subject: r.subject_hmac,
    similarity: r.similarity,
  };
}
