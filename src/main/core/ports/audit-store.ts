import type { AuditCursor, AuditKind, AuditSource } from '../../../shared/audit-review';
import type { AuditEventView, DecisionReason } from '../../../shared/domain';
import type {
  AuditChainFields,
  AuditCheckpointFields,
  AuditGenesisFields,
  AuditHeadFields,
} from '../audit/audit-mac';

export type { AuditChainFields, AuditCheckpointFields, AuditHeadFields };

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

/** What to read: all given constraints hold; `after` continues a keyset walk. */
export interface AuditQuerySpec {
  from: string | null;
  to: string | null;
  kind: AuditKind | null;
  decision: DecisionReason | null;
  /** Subject HMACs (one person's current + legacy subject); null = any subject. */
  subjects: readonly string[] | null;
  /** Door id (`details.door`, generated column `door` since 0070); null = any door or none. */
  door: string | null;
  /** Station events only (`replay IS NULL`), replays only, or null = both (migration 0225). */
  source?: AuditSource | null;
  /** Continue after this (at, id) position in `order`. */
  after: AuditCursor | null;
  order: 'newest' | 'oldest';
  limit: number;
}

/**
 * A stored row as the reviewer reads it. kind and decision are typed like AuditEventView's: the
 * only writer (AuditLogRepository.append) takes them typed, and the MAC chain catches edits.
 */
export interface AuditReviewRow extends AuditChainRow {
  kind: AuditKind;
  decision: DecisionReason | null;
  /** Read from `details` (migration 0070); null for rows about no door and older rows. */
  door: string | null;
  /** The replayed recording's file name (migration 0225); null for station events. */
  replay: string | null;
}

/** Filters of an id-ordered walk (the CLI's query and export): all given ones hold. */
export type AuditLogOrderSpec = Pick<AuditQuerySpec, 'from' | 'to' | 'subjects' | 'door'>;

/** A row the audit chain computed, ready to store, and the head that follows it. */
export interface SealedAuditAppend {
  row: AuditChainFields & { mac: string };
  head: AuditHeadRow;
}

/**
 * Stores and reads audit rows; never changes or removes them (db/audit-log.repository.ts). The
 * MAC chain is computed in core (audit/audit-log.ts): `appendChained` hands it the current head
 * inside one write transaction taken up front and stores what it returns.
 */
export interface AuditRowStore {
  appendChained(
    seal: (head: AuditHeadRow | undefined, hasRows: boolean) => SealedAuditAppend,
  ): number;
  /** True while a caller's transaction is open on this connection. */
  inTransaction(): boolean;
  /** False once the connection closed. */
  isOpen(): boolean;
  rowMac(id: number): string | null | undefined;
  genesis(): AuditGenesisRow | undefined;
  recent(limit: number): AuditEventView[];
  bySubject(subjectHmac: string): AuditEventView[];
  head(): AuditHeadRow | undefined;
  latestCheckpoint(): AuditCheckpointRow | undefined;
  chain(): IterableIterator<AuditChainRow>;
  range(from: string | null, to: string | null): IterableIterator<AuditChainRow>;
  snapshot<T>(read: () => T): T;
}

/** The only removal of audit rows: the retention purge (db/audit-purge.repository.ts). */
export interface AuditPurgeStore {
  firstKeptId(at: string): number | undefined;
  row(id: number): AuditChainRow | undefined;
  countThroughId(boundaryId: number): number;
  purgeThrough(cp: AuditCheckpointFields, mac: string): number;
}

/** The reviewer's reads of the audit log (db/audit-query.repository.ts). */
export interface AuditQueryStore {
  page(spec: AuditQuerySpec): AuditReviewRow[];
  byId(id: number): AuditReviewRow | undefined;
  doors(): string[];
  logPage(spec: AuditLogOrderSpec, afterId: number, limit: number): AuditReviewRow[];
  decisionsAfter(
    afterId: number | null,
    limit: number,
    f: { door: string | null; source: AuditSource | null },
  ): AuditReviewRow[];
  lastId(): number;
  grants(
    from: string,
    to: string,
    door: string | null,
  ): IterableIterator<{ at: string; subject_hmac: string | null; door: string | null }>;
  plan(spec: AuditQuerySpec): string;
}
