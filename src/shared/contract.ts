import { z } from 'zod';
import type {
  AuditEventView,
  EnrollResult,
  FaceDecision,
  PersonSummary,
  StationStatus,
} from './domain';
import type { ChallengeView } from './challenge';
import { doorFrameRegion, faceHint } from './frame-schemas';
import { LIMITS } from './limits';
import { plainTextField, withoutControls } from './text-fields';
import { escapeControlCharacters } from './plain-text';
import { reviewContract } from './audit-contract';
import { authContract, type LoginResult } from './auth-contract';
import {
  doorContract,
  type CameraReport,
  type DoorAdminResult,
  type DoorPhase,
  type DoorScreenState,
  type DoorStatusView,
  type LivenessSummary,
} from './door-contract';
import { enrollCaptureContract, type CaptureCheck } from './enroll-capture-contract';
import {
  employeeIdSchema,
  groupListSchema,
  peopleContract,
  type SchedulesView,
} from './people-contract';
import {
  calibrationContract,
  type CalibrationAdoptView,
  type CalibrationRunView,
  type CalibrationUploadView,
} from './calibration-contract';
import {
  siteContract,
  type SiteAuditPage,
  type SiteChainReportView,
  type SiteOverview,
  type SiteStatusView,
} from './site-contract';
import {
  padCalibrationContract,
  type PadCalibrationAdoptView,
  type PadCalibrationRunView,
} from './pad-calibration-contract';
import type {
  AuditChainReportView,
  AuditCsvChunk,
  AuditDoorList,
  AuditEventDetail,
  AuditLivePage,
  AuditPage,
  AttendanceReport,
  ErasureOutcome,
} from './audit-review';

/** Re-exported: main and the CLI keep importing LIMITS from the contract. */
export { LIMITS };

/**
 * The one IPC contract: channel -> zod request schema. Main parses every payload as
 * `unknown` against these; preload and the browser client are typed from the same map.
 */
export const contract = {
  'station:status': z.object({}).strict(),
  'people:list': z.object({}).strict(),
  'enroll:create': z
    .object({
      name: plainTextField(LIMITS.maxNameLength),
      /** Must be literally true: consent is explicit, never defaulted. */
      consent: z.literal(true),
      images: z
        .array(
          z
            .object({
              fileName: withoutControls(z.string().min(1).max(255)),
              base64: z.string().min(1).max(LIMITS.maxImageBase64),
            })
            .strict(),
        )
        .min(1)
        .max(LIMITS.maxEnrollFiles),
      /** Enrol even when a face matches another enrolled person (the admin confirmed it). */
      allowDuplicate: z.boolean().optional(),
      /** Re-enrolment: add the photos to this enrolled person instead of creating one. */
      personId: plainTextField(64).optional(),
      /** The HR admin's employee id (unique, compared without case) and groups. */
      employeeId: employeeIdSchema.optional(),
      groups: groupListSchema.optional(),
      /**
       * Bulk import: when `employeeId` is already enrolled, report that person and enrol
       * nothing (a re-run resumes); without it such a request is refused.
       */
      skipEnrolledEmployee: z.boolean().optional(),
      /**
       * The images are live captures from this camera (its device label): the station keeps
       * their passive liveness scores for that camera's calibration (scores only).
       */
      // A device names itself: kept with its control characters made visible, as the door
      // stores the same camera's label, so both name one camera in the calibration.
      captureCamera: z.string().min(1).max(200).transform(escapeControlCharacters).optional(),
    })
    .strict(),
  'access:frame': z
    .object({
      frameId: z.number().int().min(0),
      frameWidth: z.number().int().min(1).max(8192),
      frameHeight: z.number().int().min(1).max(8192),
      faces: z.array(faceHint).max(LIMITS.maxFacesPerFrame),
      region: doorFrameRegion.nullable(),
      /** Capture time in ms on the terminal's monotonic clock: frame timing checks use it. */
      capturedAtMs: z.number().finite().min(0).optional(),
    })
    .strict(),
  'audit:recent': z.object({ limit: z.number().int().min(1).max(500) }).strict(),
  /** The renderer's MediaPipe detector model, handed out only after main verified its hash. */
  'models:detector': z.object({ variant: z.enum(['short_range', 'full_range']) }).strict(),
  // Erasure and the reviewer's search/export/detail/verify (schemas in audit-contract.ts).
  ...reviewContract,
  // Camera trust and lock state for the door terminal (schemas in door-contract.ts).
  ...doorContract,
  // Guided live capture: quality gates on one camera frame (schema in enroll-capture-contract.ts).
  ...enrollCaptureContract,
  // Operator login/logout (schemas in auth-contract.ts; roles per channel in operator-roles.ts).
  ...authContract,
  // Admin calibration: uploads, runs, audited threshold adoption (calibration-contract.ts).
  ...calibrationContract,
  // People management and door schedules edited by name (people-contract.ts).
  ...peopleContract,
  // The site this station belongs to: status, admin panel, site-wide audit (site-contract.ts).
  ...siteContract,
  // Per-camera passive liveness bands, audited adoption (pad-calibration-contract.ts).
  ...padCalibrationContract,
} as const;

export type Channel = keyof typeof contract;
export type RequestOf<C extends Channel> = z.input<(typeof contract)[C]>;
export type ParsedRequestOf<C extends Channel> = z.output<(typeof contract)[C]>;

export interface FrameResult {
  frameId: number;
  faces: FaceDecision[];
  /** Where the door decision stands: waiting for evidence, or decided. */
  phase: DoorPhase;
  /** The decision shown on the terminal (one place decides); null while still looking. */
  decision: FaceDecision['decision'] | null;
  person: FaceDecision['person'];
  liveness: LivenessSummary | null;
  /** The active challenge being asked of this face (phase 'challenge'), else null. */
  challenge: ChallengeView | null;
  door: DoorStatusView;
  /** The terminal's screen after this frame (null for a replayed recording, which has none). */
  screen: DoorScreenState | null;
}

/** What each channel answers on success. */
export interface ResponseMap {
  'station:status': StationStatus;
  'people:list': { people: PersonSummary[] };
  'enroll:create': EnrollResult;
  'access:frame': FrameResult;
  'audit:recent': { events: AuditEventView[] };
  'models:detector': { fileName: string; sha256: string; base64: string };
  'people:erase': ErasureOutcome;
  'camera:report': CameraReport;
  'door:status': DoorStatusView;
  'door:state': DoorScreenState;
  'door:admin': DoorAdminResult;
  'enroll:check': CaptureCheck;
  'audit:query': AuditPage;
  'audit:export': AuditCsvChunk;
  'audit:detail': AuditEventDetail;
  'audit:verify': AuditChainReportView;
  'audit:doors': AuditDoorList;
  'auth:login': LoginResult;
  'auth:logout': { loggedOut: boolean };
  'calibration:upload': CalibrationUploadView;
  'calibration:run': CalibrationRunView;
  'calibration:adopt': CalibrationAdoptView;
  'people:update': PersonSummary;
  'schedules:get': SchedulesView;
  'schedules:set': SchedulesView;
  'audit:since': AuditLivePage;
  'audit:attendance': AttendanceReport;
  'site:status': SiteStatusView;
  'site:overview': SiteOverview;
  'site:sync': SiteStatusView;
  'site:audit-query': SiteAuditPage;
  'site:audit-verify': SiteChainReportView;
  'calibration:pad-run': PadCalibrationRunView;
  'calibration:pad-adopt': PadCalibrationAdoptView;
}
export type ResponseOf<C extends Channel> = ResponseMap[C];

// The zod-free half of the contract (method names, bridge key), re-exported for convenience;
// the preload imports it directly so zod is not bundled into the sandboxed preload.
export { API_METHODS, BRIDGE_KEY, type ApiMethod, type StationApi } from './api-methods';
