/**
 * The reviewer's and the admin's shapes: audit search, CSV export, per-event detail, erasure.
 * Pure types and helpers, no runtime deps, so the renderer, main and the CLI share them.
 */
import type { AuditEventView, DecisionReason, PersonRef } from './domain';

/** Every kind of audit row; `satisfies` keeps it in step with AuditEventView['kind']. */
export const AUDIT_KINDS = [
  'decision',
  'enrolment',
  'erasure',
  'settings',
  'door',
  'retention',
  'login',
  /** Names shown to a reviewer (counts only, never the names): one row per reveal request. */
  'reveal',
  'integrity',
] as const satisfies readonly AuditEventView['kind'][];
export type AuditKind = (typeof AUDIT_KINDS)[number];

/** Rows per page of the review table, and rows per CSV export chunk (one IPC answer each). */
export const AUDIT_PAGE = { defaultLimit: 50, maxLimit: 200, exportChunk: 5000 } as const;

/**
 * Longest door id a filter accepts. Wider than the door settings' own ids (48, plain
 * characters): the filter must reach any value the log holds, whoever wrote it.
 */
export const MAX_DOOR_FILTER_LENGTH = 64;

/** A review row: the event plus the door it happened at (null = no door, or before 0070). */
export interface AuditReviewEvent extends AuditEventView {
  door: string | null;
  /**
   * The recording a `station access` replay decided on (its file name), null for events at the
   * station itself (migration 0225): replays are kept apart from real door events.
   */
  replay: string | null;
}

/** Where events come from: the station itself (door, admin, reviewer) or a replayed recording. */
export const AUDIT_SOURCES = ['station', 'replay'] as const;
export type AuditSource = (typeof AUDIT_SOURCES)[number];

/**
 * A pseudonym resolved to the CURRENTLY enrolled person it belongs to, at view time, for a
 * reviewer who asked for names. Never stored; an erased person's pseudonyms resolve to nothing.
 */
export interface RevealedPerson {
  id: string;
  name: string;
  employeeId: string | null;
}

/** Subject HMAC -> the enrolled person, for the subjects of one answer that resolved. */
export type RevealedNames = Record<string, RevealedPerson>;

/** What `audit:doors` answers: the doors in the log, for the reviewer's door filter. */
export interface AuditDoorList {
  /** Distinct door ids found in the log, sorted. */
  doors: string[];
  /** This station's door now (its id may not be in the log yet). */
  current: { id: string; label: string };
}

/** Search filters; every field optional, all given ones must hold (AND). */
export interface AuditFilter {
  /** Inclusive lower bound (ISO instant). */
  from?: string | undefined;
  /** Exclusive upper bound (ISO instant). */
  to?: string | undefined;
  kind?: AuditKind | undefined;
  decision?: DecisionReason | undefined;
  /** Person id or name (case-insensitive); the station turns it into subject HMACs. */
  person?: string | undefined;
  /** Door id, exactly as the log holds it (`details.door`). */
  door?: string | undefined;
  /** Station events only, or replays only; absent = both. */
  source?: AuditSource | undefined;
}

export interface AuditPage {
  /** Newest first. */
  events: AuditReviewEvent[];
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
  /** The enrolled people the person filter matched (empty without a person filter). */
  people: PersonRef[];
  /** With `reveal`: the page's pseudonyms of currently enrolled people (audited); else {}. */
  revealed: RevealedNames;
}

/** What `audit:since` answers: events after a known id, oldest first (the live view). */
export interface AuditLivePage {
  events: AuditReviewEvent[];
  /** The newest id seen: pass it back as `afterId`. */
  lastId: number;
  revealed: RevealedNames;
}

/** What `audit:attendance` answers: one CSV line per person and day, first and last entry. */
export interface AttendanceReport {
  csv: string;
  /** Lines in the CSV (person-days). */
  rows: number;
  /** Distinct people (pseudonyms) in it. */
  people: number;
  timeZone: string;
}

export interface AuditCsvChunk {
  /** RFC 4180 CSV; the header line only in the first chunk (request without cursor). */
  csv: string;
  rows: number;
  /** Pass back as `cursor` for the next chunk; null when the export is complete. */
  nextCursor: string | null;
}

/** Component scores of one event: what the decision rested on. Never an image. */
export interface AuditScores {
  similarity: number | null;
  /** Best person's similarity minus the runner-up person's, when recorded. */
  margin: number | null;
  runnerUp: number | null;
  /** Thresholds in force when the event was decided, when recorded. */
  thresholds: Record<string, number> | null;
  /** Liveness components (texture, motion, blink, fused score...), when recorded. */
  liveness: Record<string, number | string | boolean> | null;
}

export interface AuditEventDetail {
  event: AuditReviewEvent;
  scores: AuditScores;
  /** The row's other scalar details (frame id, face count, template counts, door...). */
  facts: Record<string, string | number | boolean | null>;
  /** The row's chain MAC, so a reviewer can match it with an exported CSV line. */
  mac: string | null;
}

/** What an erasure did (`people:erase` answers it; the station and site sync pass it on). */
export interface ErasureOutcome {
  erased: PersonRef;
  /** Templates deleted. */
  templates: number;
  /** Every post-erasure check passed (see `problems` otherwise). */
  verified: boolean;
  /** Human-readable failed checks; empty when verified. */
  problems: string[];
}

/** `station audit verify`'s answer; firstBrokenRow is an audit row id. */
export interface AuditChainReportView {
  ok: boolean;
  rows: number;
  firstBrokenRow: number | null;
  reason: string | null;
}

/** A position in the (at, id) order of the log; cursors are opaque strings to callers. */
export interface AuditCursor {
  at: string;
  id: number;
}

const CURSOR_RE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z)~(\d{1,15})$/;

export function encodeAuditCursor(c: AuditCursor): string {
  return `${c.at}~${c.id}`;
}

export function decodeAuditCursor(value: string): AuditCursor | null {
  const m = CURSOR_RE.exec(value);
  if (!m?.[1] || !m[2]) return null;
  return { at: m[1], id: Number(m[2]) };
}

/**
 * Normalises a date-time to the form stored in the log (Date.toISOString), since bounds are
 * compared as strings. Needs at least a full date; null when it is not a date.
 */
export function toIsoInstant(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return null;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return null;
  const iso = d.toISOString();
  // Years outside 0000-9999 print as +/-YYYYYY and would not compare as strings.
  return /^\d{4}-/.test(iso) ? iso : null;
}
