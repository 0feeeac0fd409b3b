import type { AuditFilter } from '../../../shared/audit-review';
import type { PersonRef, PersonSummary } from '../../../shared/domain';
import { StationError } from '../../../shared/errors';
import {
  encodeSiteCursor,
  type SiteAuditCursor,
  type SiteAuditEvent,
  type SiteAuditLogPage,
  type SiteAuditPage,
  type SiteChainReportView,
  type SiteErasureView,
  type SiteOverview,
  type SiteStatusView,
} from '../../../shared/site-contract';
import type { SiteChainVerifier } from './site-chain-verifier';
import type { CentralAuditRow, SiteAuditPort, SiteAuditQuery, SiteStationRow } from './site-ports';

/** Subjects one query may name (each person has 1 or 2), as in the station's own review. */
const MAX_SUBJECTS = 16;

export interface SiteReviewDeps {
  audit: SiteAuditPort;
  verifier: SiteChainVerifier;
  /** Exact id first, then case-insensitive name, in this station's replica. */
  findPeople: (nameOrId: string) => PersonSummary[];
  /** Every subject a person's rows may carry (the site pepper + their link secret). */
  subjectsOf: (personId: string) => string[];
}

/**
 * The site's review, read from the central log: all doors, filterable by door and station,
 * with the station's own rules for people. A name becomes subject HMACs through this station's
 * replica (every station of a site derives the same subject for a person), the log itself
 * holds no names, and an erased person can no longer be found.
 */
export class SiteReviewService {
  constructor(private readonly d: SiteReviewDeps) {}

  async query(
    filter: AuditFilter,
    station: string | undefined,
    cursor: SiteAuditCursor | undefined,
    limit: number,
  ): Promise<SiteAuditPage> {
    const { subjects, people } = this.subjects(filter.person);
    const [rows, stations, doors] = await Promise.all([
      this.d.audit.page({
        ...this.spec(filter, station, subjects),
        after: cursor ?? null,
        order: 'newest',
        limit: limit + 1,
      }),
      this.d.audit.stations(),
      this.d.audit.doors(),
    ]);
    const labels = new Map(stations.map((s) => [s.stationId, s.label]));
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      events: page.map((r) => toEvent(r, labels)),
      nextCursor:
        rows.length > limit && last
          ? encodeSiteCursor({ at: last.at, stationId: last.stationId, seq: last.seq })
          : null,
      people,
      stations: stations.map((s) => ({ stationId: s.stationId, label: s.label })),
      doors,
    };
  }

  /**
   * One page of the matching rows oldest first (CLI query and CSV export): the caller pages
   * with `nextCursor`, so a large log is never held whole.
   */
  async logPage(
    filter: AuditFilter,
    station: string | undefined,
    cursor: SiteAuditCursor | undefined,
    limit: number,
  ): Promise<SiteAuditLogPage> {
    const { subjects, people } = this.subjects(filter.person);
    const rows = await this.d.audit.page({
      ...this.spec(filter, station, subjects),
      after: cursor ?? null,
      order: 'oldest',
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      people,
      rows: page.map(({ receivedAt: _r, stationRevoked: _s, ...row }) => row),
      nextCursor:
        rows.length > limit && last
          ? encodeSiteCursor({ at: last.at, stationId: last.stationId, seq: last.seq })
          : null,
    };
  }

  async verify(): Promise<SiteChainReportView> {
    const report = await this.d.verifier.verifyAll();
    return {
      ok: report.ok,
      stations: report.stations.map(({ problems: _p, ...s }) => s),
    };
  }

  /** The admin's site panel: stations (last seen, lag), erasures with their acks, flags. */
  async overview(status: SiteStatusView): Promise<SiteOverview> {
    const [stations, erasures, flags] = await Promise.all([
      this.d.audit.stations(),
      this.d.audit.erasures(50),
      this.d.audit.flags(50),
    ]);
    const head = status.head ?? status.cursor;
    const labels = new Map(stations.map((s) => [s.stationId, s.label]));
    return {
      status,
      head,
      stations: stations.map((s) => ({
        stationId: s.stationId,
        label: s.label,
        doorId: s.doorId,
        lastSeenAt: s.lastSeenAt,
        lag: Math.max(0, head - s.pulledCursor),
        revokedAt: s.revokedAt,
        revokedReason: s.revokedReason,
        auditRows: s.auditRows,
        unverified: Math.max(0, s.auditLastSeq - s.verifiedSeq),
      })),
      erasures: erasures.map((e) => erasureView(e, stations, labels)),
      flags: flags.map((f) => ({
        stationId: f.stationId,
        label: labels.get(f.stationId) ?? f.stationId,
        seq: f.seq,
        problem: f.problem,
        detail: f.detail,
        flaggedAt: f.flaggedAt ?? null,
      })),
    };
  }

  private spec(
    filter: AuditFilter,
    station: string | undefined,
    subjects: string[] | null,
  ): Omit<SiteAuditQuery, 'after' | 'order' | 'limit'> {
    // The site's log has no replay column (a station's own log has, migration 0225): refused
    // rather than ignored, so "replays only" never shows every door's real events.
    if (filter.source !== undefined)
      throw new StationError(
        'BAD_REQUEST',
        "The site log cannot be filtered by source: only this station's log keeps replays apart. Clear the Source filter to search the site.",
      );
    return {
      from: filter.from ?? null,
      to: filter.to ?? null,
      kind: filter.kind ?? null,
      decision: filter.decision ?? null,
      subjects,
      door: filter.door ?? null,
      station: station ?? null,
    };
  }

  private subjects(person: string | undefined): { subjects: string[] | null; people: PersonRef[] } {
    if (person === undefined) return { subjects: null, people: [] };
    const found = this.d.findPeople(person);
    if (found.length === 0) {
      throw new StationError(
        'PERSON_NOT_FOUND',
        `No enrolled person matches "${person}". Events of an erased person can no longer be linked to them.`,
      );
    }
    const subjects = found.flatMap((p) => this.d.subjectsOf(p.id));
    if (subjects.length > MAX_SUBJECTS) {
      throw new StationError(
        'BAD_REQUEST',
        `${found.length} people are named "${person}"; search by person id instead.`,
      );
    }
    return { subjects, people: found.map((p) => ({ id: p.id, name: p.name })) };
  }
}

function toEvent(r: CentralAuditRow, labels: Map<string, string>): SiteAuditEvent {
  return {
    stationId: r.stationId,
    station: labels.get(r.stationId) ?? r.stationId,
    seq: r.seq,
    at: r.at,
    kind: r.kind,
    decision: r.decision,
    subject: r.subjectHmac,
    similarity: r.similarity,
    door: r.door,
    stationRevoked: r.stationRevoked,
  };
}

function erasureView(
  e: Awaited<ReturnType<SiteAuditPort['erasures']>>[number],
  stations: SiteStationRow[],
  labels: Map<string, string>,
): SiteErasureView {
  const acked = new Set(e.acks.map((a) => a.stationId));
  return {
    personId: e.personId,
    erasedAt: e.erasedAt,
    erasedBy: e.erasedBy === null ? null : (labels.get(e.erasedBy) ?? e.erasedBy),
    acks: e.acks.map((a) => ({ ...a, label: labels.get(a.stationId) ?? a.stationId })),
    pending: stations
      .filter((s) => s.revokedAt === null && s.pairedAt !== null && !acked.has(s.stationId))
      .map((s) => ({ stationId: s.stationId, label: s.label })),
  };
}
