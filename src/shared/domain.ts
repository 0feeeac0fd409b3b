import type { AuthStatus } from './operator-roles';

/** Domain shapes shared by main, preload, renderer and CLI. Pure types, no runtime deps. */

export interface PersonRef {
  id: string;
  name: string;
}

export interface PersonSummary extends PersonRef {
  templates: number;
  enrolledAt: string;
  /** The HR admin's employee id (unique without regard to case); null when none was given. */
  employeeId: string | null;
  /** Groups the person belongs to (door schedules per group), sorted. */
  groups: string[];
  /** A personal door schedule's name, overriding the groups'; null = follow the groups. */
  schedule: string | null;
  /**
   * Present when none of the person's templates was made by the station's current embedding
   * model (another model, or the same one fed differently): the door cannot recognise them
   * until they are re-enrolled with new photos (only templates are stored, never photos).
   */
  reEnrol?: true;
}

/** Why a face was or was not let through. Closed set, so every consumer handles each reason. */
export const DECISIONS = [
  'granted',
  'unknown_face',
  'spoof_suspected',
  'multiple_faces',
  'face_too_small',
  'poor_quality',
  'outside_schedule',
  'locked_out',
  'device_untrusted',
  'no_face',
  /** The person did something other than the action the station asked for (active challenge). */
  'challenge_failed',
  /** The asked action was not seen within the challenge's time limit: a refusal, never a grant. */
  'challenge_timeout',
] as const;
export type DecisionReason = (typeof DECISIONS)[number];

/** Per-file outcome of an enrolment import. */
export const ENROLL_FILE_STATUSES = [
  'enrolled',
  'no_face',
  'multiple_faces',
  'too_small',
  'unreadable',
  'too_large',
  'duplicate_image',
  'pose',
  'blurry',
  'exposure',
  'eyes_closed',
  /** The face matches another enrolled person; nothing was committed (see allowDuplicate). */
  'duplicate_person',
  /** Usable, but not committed because another file of the same request is a duplicate_person. */
  'held',
] as const;
export type EnrollFileStatus = (typeof ENROLL_FILE_STATUSES)[number];

export interface EnrollFileResult {
  file: string;
  status: EnrollFileStatus;
  message?: string;
  /** The already enrolled person this face matched (duplicate_person, or an allowed duplicate). */
  duplicateOf?: PersonRef & { similarity: number };
}

export interface EnrollResult {
  /** null when no file yielded a usable face: then nothing was written. */
  person: PersonRef | null;
  files: EnrollFileResult[];
  /**
   * Bulk import (skipEnrolledEmployee): the employee id was already enrolled as this person,
   * so nothing was read or written for this request.
   */
  alreadyEnrolled?: PersonRef;
}

export type BoxTuple = [number, number, number, number];

export interface FaceDecision {
  box: BoxTuple;
  person: PersonRef | null;
  /** Best candidate's cosine similarity, given even when below threshold (NaN never; -1 for empty gallery). */
  similarity: number;
  decision: DecisionReason;
}

export interface Thresholds {
  /** 1:N identification threshold (cosine). */
  identify: number;
  /** Best candidate must beat the runner-up person by at least this much. */
  margin: number;
  /** 1:1 verification threshold (cosine). */
  verify: number;
  /** Minimum inter-eye distance in source pixels for a usable face. */
  minInterEyePx: number;
}

export interface AuditEventView {
  id: number;
  at: string;
  kind:
    | 'decision'
    | 'enrolment'
    | 'erasure'
    | 'settings'
    | 'door'
    | 'retention'
    | 'login'
    /** The station found stored data modified outside it (templates, the audit log's guards). */
    | 'integrity'
    /** Names shown to a reviewer (counts only, never the names). */
    | 'reveal';
  decision: DecisionReason | null;
  /** HMAC of the person id (hex), never a name. */
  subject: string | null;
  similarity: number | null;
}

export interface StationStatus {
  version: string;
  mode: 'electron' | 'browser' | 'cli';
  modelId: string;
  people: number;
  templates: number;
  thresholds: Thresholds;
  /** Per operator role: 'open' until a passphrase is set (the UI warns). */
  auth: AuthStatus;
  /** IANA time zone the station shows times in: the door schedules' zone, else the machine's. */
  timeZone: string;
  /** The host's OS locale when it knows one (Electron: app.getLocale()); null = ask the page. */
  locale: string | null;
}
