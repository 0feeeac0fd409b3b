import type { Pool } from 'pg';
import type {
  AuditPushResult,
  CentralAuditRow,
  SiteAuditFlag,
  SiteAuditPort,
  SiteAuditQuery,
  SiteAuditRow,
  SiteErasureRow,
  SiteStationRow,
} from '../../core/site/site-ports';
import { siteQuery } from './site-pool';

interface EventRow {
  station_id: string;
  seq: string;
  at: string;
  kind: string;
  decision: string | null;
  subject_hmac: string | null;
  similarity: number | null;
  details: string;
  prev_mac: string;
  mac: string;
  door: string | null;
  received_at: Date;
  station_revoked: boolean;
}

const COLUMNS = `station_id, seq, at, kind, decision, subject_hmac, similarity, details, prev_mac,
  mac, door, received_at, station_revoked`;

/** Distinct doors one listing returns (as the station's own review does). */
const MAX_DOORS = 200;
/** Subjects one query may name (each person has 1 or 2). */
const MAX_SUBJECTS = 16;

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

/**
 * Every station's audit log, central: arrival through site.station_push_audit (migration
 * 0040: dedupe and arrival checks there), reads through the review views (only an active
 * station or the owner sees rows). Reads are plain parameterised SQL; the WHERE text depends
 * only on which filters are set, never on their values.
 */
export class SiteAuditRepository implements SiteAuditPort {
  constructor(private readonly pool: Pool) {}

  async position(): Promise<number> {
    const rows = await siteQuery<{ seq: string }>(
      this.pool,
      'site_audit_position',
      'SELECT site.station_audit_position() AS seq',
    );
    return Number(rows[0]?.seq ?? 0);
  }

  async push(rows: readonly SiteAuditRow[]): Promise<AuditPushResult> {
    const payload = rows.map((r) => ({
      station_id: r.stationId,
      seq: r.seq,
      at: r.at,
      kind: r.kind,
      decision: r.decision,
      subject_hmac: r.subjectHmac,
      similarity: r.similarity,
      details: r.details,
      prev_mac: r.prevMac,
      mac: r.mac,
    }));
    const out = await siteQuery<{ result: AuditPushResult }>(
      this.pool,
      'site_push_audit',
      'SELECT site.station_push_audit($1::jsonb) AS result',
      [JSON.stringify(payload)],
    );
    const r = out[0]?.result;
    return {
      inserted: r?.inserted ?? 0,
      duplicates: r?.duplicates ?? 0,
      flagged: r?.flagged ?? 0,
      lastSeq: Number(r?.lastSeq ?? 0),
    };
  }

  async stations(): Promise<SiteStationRow[]> {
    const rows = await siteQuery<Record<string, unknown>>(
      this.pool,
      'site_stations',
      `SELECT station_id, label, door_id, paired_at, revoked_at, revoked_reason, last_seen_at,
              pulled_cursor, audit_key_sealed, start_seq, start_mac, audit_last_seq, audit_rows,
              verified_seq, verified_mac, verified_at
       FROM site.station_review ORDER BY label, station_id`,
    );
    return rows.map((r) => ({
      stationId: r.station_id as string,
      label: r.label as string,
      doorId: r.door_id as string,
      pairedAt: iso(r.paired_at as Date | null),
      revokedAt: iso(r.revoked_at as Date | null),
      revokedReason: r.revoked_reason as string | null,
      lastSeenAt: iso(r.last_seen_at as Date | null),
      pulledCursor: Number(r.pulled_cursor),
      auditKeySealed: r.audit_key_sealed as Buffer | null,
      startSeq: Number(r.start_seq),
      startMac: r.start_mac as string,
      auditLastSeq: Number(r.audit_last_seq),
      auditRows: Number(r.audit_rows),
      verifiedSeq: Number(r.verified_seq),
      verifiedMac: r.verified_mac as string,
      verifiedAt: iso(r.verified_at as Date | null),
    }));
  }

  async erasures(limit: number): Promise<SiteErasureRow[]> {
    const rows = await siteQuery<{
      person_id: string;
      erased_at: Date;
      erased_by: string | null;
      acks: SiteErasureRow['acks'];
    }>(
      this.pool,
      'site_erasures',
      `SELECT person_id, erased_at, erased_by, acks FROM site.erasure_review
       ORDER BY erased_at DESC LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({
      personId: r.person_id,
      erasedAt: r.erased_at.toISOString(),
      erasedBy: r.erased_by,
      acks: r.acks,
    }));
  }

  async flags(limit: number): Promise<SiteAuditFlag[]> {
    const rows = await siteQuery<{
      station_id: string;
      seq: string;
      problem: SiteAuditFlag['problem'];
      detail: string;
      flagged_at: Date;
    }>(
      this.pool,
      'site_flags',
      `SELECT station_id, seq, problem, detail, flagged_at FROM site.audit_flags_review
       ORDER BY id DESC LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({
      stationId: r.station_id,
      seq: Number(r.seq),
      problem: r.problem,
      detail: r.detail,
      flaggedAt: r.flagged_at.toISOString(),
    }));
  }

  async chainRows(stationId: string, afterSeq: number, limit: number): Promise<CentralAuditRow[]> {
    const rows = await siteQuery<EventRow>(
      this.pool,
      'site_chain_rows',
      `SELECT ${COLUMNS} FROM site.audit_review WHERE station_id = $1 AND seq > $2
       ORDER BY seq LIMIT $3`,
      [stationId, afterSeq, limit],
    );
    return rows.map(toRow);
  }

  async recordVerification(
    stationId: string,
    fromSeq: number,
    toSeq: number,
    toMac: string,
    flags: readonly SiteAuditFlag[],
  ): Promise<boolean> {
    const rows = await siteQuery<{ ok: boolean }>(
      this.pool,
      'site_record_verification',
      'SELECT site.station_record_verification($1, $2, $3, $4, $5::jsonb) AS ok',
      [stationId, fromSeq, toSeq, toMac, JSON.stringify(flags)],
    );
    return rows[0]?.ok === true;
  }

  async page(spec: SiteAuditQuery): Promise<CentralAuditRow[]> {
    const { sql, values } = buildSiteQuery(spec);
    const rows = await siteQuery<EventRow>(this.pool, `site_page_${shapeOf(spec)}`, sql, values);
    return rows.map(toRow);
  }

  async doors(): Promise<string[]> {
    const rows = await siteQuery<{ door: string }>(
      this.pool,
      'site_doors',
      `SELECT DISTINCT door FROM site.audit_review WHERE door IS NOT NULL ORDER BY door LIMIT ${MAX_DOORS}`,
    );
    return rows.map((r) => r.door);
  }

  async row(stationId: string, seq: number): Promise<CentralAuditRow | undefined> {
    const rows = await siteQuery<EventRow>(
      this.pool,
      'site_audit_row',
      `SELECT ${COLUMNS} FROM site.audit_review WHERE station_id = $1 AND seq = $2`,
      [stationId, seq],
    );
    return rows[0] ? toRow(rows[0]) : undefined;
  }
}

/** Which filters are set: one prepared statement per shape. */
function shapeOf(spec: SiteAuditQuery): string {
  const keys = ['from', 'to', 'kind', 'decision', 'subjects', 'door', 'station', 'after'] as const;
  return `${keys.map((k) => (spec[k] === null ? '0' : '1')).join('')}${spec.order[0]}${spec.subjects?.length ?? 0}`;
}

/** Parameterised SQL for a page of the site's review; values are never spliced in. */
export function buildSiteQuery(spec: SiteAuditQuery): { sql: string; values: unknown[] } {
  const where: string[] = [];
  const values: unknown[] = [];
  const param = (v: unknown): string => {
    values.push(v);
    return `$${values.length}`;
  };
  if (spec.subjects !== null) {
    if (spec.subjects.length > MAX_SUBJECTS)
      throw new RangeError(`more than ${MAX_SUBJECTS} subjects`);
    where.push(
      spec.subjects.length === 0
        ? 'false'
        : `subject_hmac IN (${spec.subjects.map((s) => param(s)).join(', ')})`,
    );
  }
  if (spec.door !== null) where.push(`door = ${param(spec.door)}`);
  if (spec.station !== null) where.push(`station_id = ${param(spec.station)}::uuid`);
  if (spec.decision !== null) where.push(`decision = ${param(spec.decision)}`);
  if (spec.kind !== null) where.push(`kind = ${param(spec.kind)}`);
  if (spec.from !== null) where.push(`at >= ${param(spec.from)}`);
  if (spec.to !== null) where.push(`at < ${param(spec.to)}`);
  const newest = spec.order === 'newest';
  if (spec.after !== null) {
    const op = newest ? '<' : '>';
    where.push(
      `(at, station_id, seq) ${op} (${param(spec.after.at)}, ${param(spec.after.stationId)}::uuid, ${param(spec.after.seq)})`,
    );
  }
  const dir = newest ? 'DESC' : 'ASC';
  const sql =
    `SELECT ${COLUMNS} FROM site.audit_review` +
    (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
    ` ORDER BY at ${dir}, station_id ${dir}, seq ${dir} LIMIT ${param(spec.limit)}`;
  return { sql, values };
}

function toRow(r: EventRow): CentralAuditRow {
  return {
    stationId: r.station_id,
    seq: Number(r.seq),
    at: r.at,
    kind: r.kind,
    decision: r.decision,
    subjectHmac: r.subject_hmac,
    similarity: r.similarity,
    details: r.details,
    prevMac: r.prev_mac,
    mac: r.mac,
    door: r.door,
    receivedAt: r.received_at.toISOString(),
    stationRevoked: r.station_revoked,
  };
}
