/**
 * What the site rules (this folder) need from storage, as ports: the site's PostgreSQL as one
 * station sees it (db/site/ implements these with node-postgres), and the station's own
 * SQLite replica (db/site-replica.repository.ts). Nothing here knows SQL or a driver.
 */

import type { SiteAuditLogRow } from '../../../shared/site-contract';

export type SiteEntity = 'person' | 'tombstone' | 'schedule' | 'group' | 'door';

export interface SiteChange {
  cursor: number;
  entity: SiteEntity;
  entityId: string;
}

export interface SiteConsent {
  consentId: string;
  textVersion: string;
  purpose: string;
  grantedAt: string;
  recordedBy: string;
}

/** A person as the site directory holds them (the link secret sealed under the site key). */
export interface CentralPerson {
  personId: string;
  name: string;
  employeeId: string | null;
  schedule: string | null;
  linkSealed: Buffer;
  version: number;
  updatedBy: string | null;
  groups: string[];
  consents: SiteConsent[];
}

/** A template as the site holds it: sealed under the site key, bound to its row. */
export interface CentralTemplate {
  templateId: string;
  personId: string;
  modelId: string;
  dim: number;
  keyId: string;
  sealed: Buffer;
  interEyePx: number;
  createdAt: string;
}

export type AccessEntity = 'schedule' | 'group' | 'door';

export interface CentralAccessRecord {
  entity: AccessEntity;
  name: string;
  /** schedule: weekly windows; group: { schedule }; door: { policy?, liveness? }. */
  value: unknown;
  version: number;
}

/** One write of a person, single-writer: applied only on the version it was made on. */
export interface PersonWrite {
  personId: string;
  name?: string;
  employeeId?: string | null;
  schedule?: string | null;
  /** Replaces the person's groups when given. */
  groups?: string[];
  /** New people only: their audit link secret, sealed. */
  linkSealed?: Buffer;
  consents?: SiteConsent[];
  templates?: Omit<CentralTemplate, 'personId'>[];
  removeTemplates?: string[];
}

export interface StationHello {
  stationId: string;
  label: string;
  doorId: string;
  siteId: string;
  keyId: string;
  keyCheck: string;
  revokedAt: string | null;
}

export interface TombstoneAck {
  /** The station held the person when the tombstone arrived. */
  held: boolean;
  /** The station's own erasure verification passed (search + files). */
  verified: boolean;
  problems: string[];
}

/** The site directory, as one paired station may use it. */
export interface SiteDirectoryPort {
  hello(
    auditKeySealed: Buffer | null,
    appVersion: string,
    chainStart: { seq: number; mac: string } | null,
  ): Promise<StationHello>;
  head(): Promise<number>;
  changesSince(cursor: number, limit: number): Promise<SiteChange[]>;
  people(ids: readonly string[]): Promise<CentralPerson[]>;
  templates(personIds: readonly string[]): Promise<CentralTemplate[]>;
  access(
    schedules: readonly string[],
    groups: readonly string[],
    doors: readonly string[],
  ): Promise<CentralAccessRecord[]>;
  tombstonesAfter(cursor: number): Promise<{ cursor: number; personId: string }[]>;
  putPerson(write: PersonWrite, expectedVersion: number | null): Promise<number>;
  erasePerson(personId: string): Promise<number>;
  ack(personId: string, ack: TombstoneAck): Promise<void>;
  putAccess(
    entity: AccessEntity,
    name: string,
    value: unknown,
    expectedVersion: number | null,
  ): Promise<number>;
  /** Several access records in one site transaction: all written, or none (SITE_CONFLICT). */
  putAccessAll(writes: readonly AccessWrite[]): Promise<number[]>;
  leave(): Promise<void>;
}

/** One schedule, group or door record to write (null value deletes) on a version. */
export interface AccessWrite {
  entity: AccessEntity;
  name: string;
  value: unknown;
  expectedVersion: number | null;
}

/**
 * One audit row as a station logged it (its chain MACs included), keyed by station + seq: the
 * row the CLI's site log shows (site-contract.ts), before the site adds the door.
 */
export type SiteAuditRow = Omit<SiteAuditLogRow, 'door'>;

export interface CentralAuditRow extends SiteAuditLogRow {
  receivedAt: string;
  stationRevoked: boolean;
}

export interface AuditPushResult {
  inserted: number;
  duplicates: number;
  flagged: number;
  lastSeq: number;
}

export interface SiteStationRow {
  stationId: string;
  label: string;
  doorId: string;
  pairedAt: string | null;
  revokedAt: string | null;
  revokedReason: string | null;
  lastSeenAt: string | null;
  pulledCursor: number;
  auditKeySealed: Buffer | null;
  startSeq: number;
  startMac: string;
  auditLastSeq: number;
  auditRows: number;
  verifiedSeq: number;
  verifiedMac: string;
  verifiedAt: string | null;
}

export interface SiteErasureRow {
  personId: string;
  erasedAt: string;
  erasedBy: string | null;
  acks: {
    stationId: string;
    ackedAt: string;
    held: boolean;
    verified: boolean;
    problems: string[];
  }[];
}

export type AuditFlagProblem = 'gap' | 'chain' | 'conflict' | 'forged' | 'revoked';

export interface SiteAuditFlag {
  stationId: string;
  seq: number;
  problem: AuditFlagProblem;
  detail: string;
  flaggedAt?: string;
}

/** Filters of the site's audit review; keyset position (at, station, seq). */
export interface SiteAuditQuery {
  from: string | null;
  to: string | null;
  kind: string | null;
  decision: string | null;
  subjects: readonly string[] | null;
  door: string | null;
  station: string | null;
  after: { at: string; stationId: string; seq: number } | null;
  order: 'newest' | 'oldest';
  limit: number;
}

/** Every station's audit events, central: push, review, chain verification. */
export interface SiteAuditPort {
  position(): Promise<number>;
  push(rows: readonly SiteAuditRow[]): Promise<AuditPushResult>;
  stations(): Promise<SiteStationRow[]>;
  erasures(limit: number): Promise<SiteErasureRow[]>;
  flags(limit: number): Promise<SiteAuditFlag[]>;
  chainRows(stationId: string, afterSeq: number, limit: number): Promise<CentralAuditRow[]>;
  recordVerification(
    stationId: string,
    fromSeq: number,
    toSeq: number,
    toMac: string,
    flags: readonly SiteAuditFlag[],
  ): Promise<boolean>;
  page(spec: SiteAuditQuery): Promise<CentralAuditRow[]>;
  doors(): Promise<string[]>;
  row(stationId: string, seq: number): Promise<CentralAuditRow | undefined>;
}
