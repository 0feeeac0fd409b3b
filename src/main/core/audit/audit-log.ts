import { StationError } from '../../../shared/errors';
import type { AuditEventView } from '../../../shared/domain';
import type {
  AuditChainRow,
  AuditCheckpointRow,
  AuditGenesisRow,
  AuditHeadRow,
  AuditRowStore,
  NewAuditEvent,
  SealedAuditAppend,
} from '../ports/audit-store';
import { AUDIT_GENESIS_MAC, macEquals, type AuditChainFields, type AuditMac } from './audit-mac';

/**
 * The tamper-evident audit log: each appended row carries the MAC of the previous one and its
 * own, and the head (newest MAC, row count) is MAC'd too. The chain is computed here; the store
 * only keeps rows (db/audit-log.repository.ts), inside one write transaction per append.
 */
export class AuditLog {
  constructor(
    private readonly store: AuditRowStore,
    private readonly mac: AuditMac,
    /**
     * Told the head once an append committed (not while an outer transaction holds it, e.g. a
     * batch of appends): the station moves the anchor outside the database (audit-anchor.ts).
     */
    private readonly onCommitted?: (head: AuditHeadRow) => void,
  ) {}

  /** Appends one event chained to the newest one; returns its id. */
  append(e: NewAuditEvent): number {
    const id = this.store.appendChained((head, hasRows) => this.seal(e, head, hasRows));
    if (!this.onCommitted) return id;
    // Inside a caller's transaction (an enrolment writes its row with its templates) the row
    // is not committed yet: tell after the transaction ended. Transactions are synchronous,
    // so a microtask runs after the commit (or the rollback, when the head did not move).
    if (this.store.inTransaction()) queueMicrotask(() => this.tellCommitted());
    else this.tellCommitted();
    return id;
  }

  /** Tells onCommitted the committed head now (also at close: the last append's anchor). */
  tellCommitted(): void {
    if (!this.onCommitted || !this.store.isOpen() || this.store.inTransaction()) return;
    const head = this.store.head();
    if (head) this.onCommitted(head);
  }

  private seal(
    e: NewAuditEvent,
    head: AuditHeadRow | undefined,
    hasRows: boolean,
  ): SealedAuditAppend {
    // Continuing from a forged or missing head would re-seal a truncated log as valid.
    if (head ? !macEquals(head.mac, this.mac.head(head)) : hasRows) {
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
    const m = this.mac.row(row);
    const next = { last_id: row.id, last_mac: m, rows: (head?.rows ?? 0) + 1 };
    return { row: { ...row, mac: m }, head: { ...next, mac: this.mac.head(next) } };
  }

  /** The stored MAC of row `id` (undefined: no such row). */
  rowMac(id: number): string | null | undefined {
    return this.store.rowMac(id);
  }

  /** The log's genesis record (migration 0180); undefined if someone deleted it. */
  genesis(): AuditGenesisRow | undefined {
    return this.store.genesis();
  }

  recent(limit: number): AuditEventView[] {
    return this.store.recent(limit);
  }

  /** All events logged under one subject HMAC, oldest first. */
  bySubject(subjectHmac: string): AuditEventView[] {
    return this.store.bySubject(subjectHmac);
  }

  head(): AuditHeadRow | undefined {
    return this.store.head();
  }

  latestCheckpoint(): AuditCheckpointRow | undefined {
    return this.store.latestCheckpoint();
  }

  /** Every row in id order, streamed (constant memory even at millions of rows). */
  chain(): IterableIterator<AuditChainRow> {
    return this.store.chain();
  }

  /** Rows with from <= at < to (ISO strings; null = open end), in id order, streamed. */
  range(from: string | null, to: string | null): IterableIterator<AuditChainRow> {
    return this.store.range(from, to);
  }

  /** Runs reads in one transaction: head, checkpoint and rows come from one snapshot. */
  snapshot<T>(read: () => T): T {
    return this.store.snapshot(read);
  }
}
