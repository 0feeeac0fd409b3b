import { z } from 'zod';
import { AUDIT_PAGE } from './audit-review';
import { auditFilterSchema, auditLogFilterSchema } from './audit-contract';
import type { PersonRef } from './domain';

/**
 * The site channels: the admin's site panel and the reviewer's site-wide audit.
 * Merged into the contract in contract.ts; roles in operator-roles.ts.
 */

/** Where this station stands with its site. */
export interface SiteStatusView {
  joined: boolean;
  siteId: string | null;
  stationId: string | null;
  label: string | null;
  doorId: string | null;
  /** The last sync attempt reached the site. */
  online: boolean;
  revoked: boolean;
  lastError: string | null;
  /** Site changes applied here, the site's newest, and how many behind (null: unknown). */
  cursor: number;
  head: number | null;
  lag: number | null;
  /** Local audit rows pushed so far, and how many wait. */
  pushedSeq: number;
  auditPending: number;
  /** Erasures made or applied here that the site has not acknowledged yet. */
  pendingErasures: number;
  lastPullAt: string | null;
  lastPushAt: string | null;
  people: number;
}

export interface SiteStationView {
  stationId: string;
  label: string;
  doorId: string;
  lastSeenAt: string | null;
  /** Site changes this station has not pulled yet. */
  lag: number;
  revokedAt: string | null;
  revokedReason: string | null;
  auditRows: number;
  /** Rows arrived but not yet verified with the station's key. */
  unverified: number;
}

export interface SiteErasureView {
  /** The erased person's random id: nothing is left to link it to anyone. */
  personId: string;
  erasedAt: string;
  erasedBy: string | null;
  acks: {
    stationId: string;
    label: string;
    ackedAt: string;
    held: boolean;
    verified: boolean;
    problems: string[];
  }[];
  /** Active stations that have not acknowledged yet. */
  pending: { stationId: string; label: string }[];
}

export interface SiteFlagView {
  stationId: string;
  label: string;
  seq: number;
  problem: string;
  detail: string;
  flaggedAt: string | null;
}

export interface SiteOverview {
  status: SiteStatusView;
  head: number;
  stations: SiteStationView[];
  erasures: SiteErasureView[];
  flags: SiteFlagView[];
}

/** One row of the site's log: the station's own row id (seq) under the station's id. */
export interface SiteAuditEvent {
  stationId: string;
  station: string;
  seq: number;
  at: string;
  kind: string;
  decision: string | null;
  subject: string | null;
  similarity: number | null;
  door: string | null;
  /** The station was revoked when this row arrived. */
  stationRevoked: boolean;
}

export interface SiteAuditPage {
  events: SiteAuditEvent[];
  nextCursor: string | null;
  people: PersonRef[];
  /** The stations of the site, for the station filter (id -> label). */
  stations: { stationId: string; label: string }[];
  /** The doors found in the site's log, for the door filter. */
  doors: string[];
}

export interface SiteChainReportView {
  ok: boolean;
  stations: {
    stationId: string;
    label: string;
    doorId: string;
    rows: number;
    ok: boolean;
    firstBrokenRow: number | null;
    reason: string | null;
  }[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SITE_CURSOR =
  /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z)~([0-9a-f-]{36})~(\d{1,15})$/i;

export interface SiteAuditCursor {
  at: string;
  stationId: string;
  seq: number;
}

export function encodeSiteCursor(c: SiteAuditCursor): string {
  return `${c.at}~${c.stationId}~${c.seq}`;
}

export function decodeSiteCursor(value: string): SiteAuditCursor | null {
  const m = SITE_CURSOR.exec(value);
  if (!m?.[1] || !m[2] || !m[3] || !UUID.test(m[2])) return null;
  return { at: m[1], stationId: m[2].toLowerCase(), seq: Number(m[3]) };
}

const siteCursor = z
  .string()
  .max(100)
  .transform((value, ctx): SiteAuditCursor => {
    const c = decodeSiteCursor(value);
    if (c === null) {
      ctx.addIssue({ code: 'custom', message: 'not a cursor returned by a previous page' });
      return z.NEVER;
    }
    return c;
  });

export const siteContract = {
  /** refreshHead: ask the site for its newest change first, so the lag is current (the CLI). */
  'site:status': z.object({ refreshHead: z.boolean().optional() }).strict(),
  'site:overview': z.object({}).strict(),
  /** Sync now (push, pull, verify arrivals), instead of waiting for the next cycle. */
  'site:sync': z.object({}).strict(),
  /** One page of the site's log (all doors), newest first; same filters as audit:query. */
  'site:audit-query': z
    .object({
      filter: auditFilterSchema,
      station: z.string().regex(UUID, 'a station id').optional(),
      cursor: siteCursor.optional(),
      limit: z.number().int().min(1).max(AUDIT_PAGE.maxLimit).default(AUDIT_PAGE.defaultLimit),
    })
    .strict(),
  /** Every station's chain in the site's log, verified with the stations' own keys. */
  'site:audit-verify': z.object({}).strict(),
  /** The site's log oldest first, page after page (`station audit query|export --site`). */
  'site:audit-log': z
    .object({
      filter: auditLogFilterSchema,
      station: z.string().regex(UUID, 'a station id').optional(),
      cursor: siteCursor.optional(),
      limit: z.number().int().min(1).max(AUDIT_PAGE.exportChunk).default(AUDIT_PAGE.exportChunk),
    })
    .strict(),
} as const;

/** One row of the site's log as a station logged it, chain MACs included (CLI query/export). */
export interface SiteAuditLogRow {
  stationId: string;
  seq: number;
  at: string;
  kind: string;
  decision: string | null;
  subjectHmac: string | null;
  similarity: number | null;
  details: string;
  prevMac: string;
  mac: string;
  door: string | null;
}

/** One page of the site's log oldest first; `nextCursor` continues it, null after the last. */
export interface SiteAuditLogPage {
  /** The people a person filter matched (the name the caller gave), else []. */
  people: PersonRef[];
  rows: SiteAuditLogRow[];
  nextCursor: string | null;
}
