import type { AuditInput } from '../audit/audit-recorder';
import type { ErasureOutcome } from '../../../shared/audit-review';
import type { SiteAuditRow, SiteConsent, TombstoneAck } from './site-ports';

/** Where this station's replica stands against the site. */
export interface ReplicaState {
  /** Every site change up to this cursor is applied locally. */
  cursor: number;
  /** Every local audit row up to this id reached the site. */
  pushedSeq: number;
  lastPullAt: string | null;
  lastPushAt: string | null;
  lastError: string | null;
}

/** A site template to store locally (decrypted from the site, re-sealed by the station). */
export interface ReplicaTemplate {
  uid: string;
  modelId: string;
  /**
   * The local embedding space of a template of this station's own model (the site records
   * the model id only); absent, the model id stands for it (never indexed here).
   */
  embeddingSpace?: string;
  vector: Float32Array;
  interEyePx: number;
  createdAt: string;
}

/** One person's site state to make local, in the replica's transaction. */
export interface ReplicaPerson {
  personId: string;
  name: string;
  employeeId: string | null;
  schedule: string | null;
  groups: string[];
  version: number;
  consents: SiteConsent[];
  linkSecret: Buffer;
  addTemplates: ReplicaTemplate[];
  removeTemplateUids: string[];
}

/** A template the replica stored: its local id, and the vector for the gallery. */
export interface ReplicaAdded {
  id: number;
  personId: string;
  vector: Float32Array;
  modelId: string;
  embeddingSpace: string;
}

export interface LocalPersonVersion {
  version: number;
  templateUids: Set<string>;
  /** The person is in a group or has a schedule (the door policy depends on them). */
  hasMembership: boolean;
}

/** An erasure this station made or applied, until the site has its tombstone and ack. */
export interface PendingErasure {
  personId: string;
  origin: 'local' | 'site';
  ack: TombstoneAck;
  tombstoneSent: boolean;
}

export interface Membership {
  personId: string;
  groups: string[];
  schedule: string | null;
}

/** The station's SQLite replica of the site (db/site-replica.repository.ts). */
export interface LocalReplicaPort {
  state(): ReplicaState;
  /** Runs `fn` in one local transaction (all of a pulled page, or nothing). */
  transaction<T>(fn: () => T): T;
  setCursor(cursor: number): void;
  setPushedSeq(seq: number): void;
  noteSync(patch: Partial<Pick<ReplicaState, 'lastPullAt' | 'lastPushAt' | 'lastError'>>): void;
  /** Site version and template uids of the given people this station holds. */
  versions(personIds: readonly string[]): Map<string, LocalPersonVersion>;
  /** Creates or updates the people; returns the local templates added and removed. */
  applyPeople(
    people: readonly ReplicaPerson[],
    at: string,
  ): { added: ReplicaAdded[]; removedIds: number[] };
  holds(personId: string): boolean;
  sitePeople(): number;
  pendingErasures(): PendingErasure[];
  recordErasure(e: PendingErasure): void;
  markTombstoneSent(personId: string): void;
  /** The site has the tombstone and this station's ack: nothing left to send. */
  markAcked(personId: string): void;
  /** This station erased or applied the person's erasure already (acknowledged or not). */
  knowsErasure(personId: string): boolean;
  accessVersions(): Map<string, number>;
  setAccessVersion(entity: string, name: string, version: number | null): void;
  memberships(): Membership[];
  /** Changes whenever the site people change (count, versions, cursor): a cached copy's check. */
  membershipFingerprint(): string;
  /** Local audit rows after `seq`, in id order, as the site stores them. */
  auditRowsAfter(seq: number, limit: number): Omit<SiteAuditRow, 'stationId'>[];
  /** How many local audit rows come after `seq` (not pushed yet). */
  auditBacklog(seq: number): number;
  /** Where the local chain starts (genesis, or the last retention checkpoint). */
  auditChainStart(): { seq: number; mac: string };
  /** Forgets the site bookkeeping (after leaving; the people were erased before). */
  clear(): void;
}

/** The station's gallery, as the site pull updates it (Gallery implements it). */
export interface LocalGalleryPort {
  /** Templates in the index now. */
  readonly size: number;
  addCommitted(added: { personId: string; vector: Float32Array; embeddingSpace: string }[]): void;
  removeTemplates(templateIds: readonly number[]): { rebuilt: boolean };
  /**
   * From the database, or from `stored` when it is every template of the model, in id order.
   * `deferWrite` (inside holdWrites): the file is written at the release, not now.
   */
  rebuild(stored?: ReplicaAdded[], opts?: { deferWrite?: boolean }): void;
  /**
   * Additions until the release stay in memory; the release writes the index file once, or
   * leaves that to a later release while the last write is younger than `coalesceMs`.
   * `background`: the release copies the index and seals and writes the copy while the
   * station goes on (the file is a cache: until then a restart rebuilds it from the database).
   */
  holdWrites(): (coalesceMs?: number, opts?: { background?: boolean }) => void;
  /** Resolves once no background write of the index file is running. */
  writesSettled(): Promise<void>;
}

/** The station's erasure with its on-disk verification (ErasureService implements it). */
export interface LocalErasurePort {
  eraseMany(personIds: readonly string[], details: Record<string, unknown>): ErasureOutcome[];
}

export interface LocalAuditPort {
  record(e: AuditInput): number;
}
