import { z } from 'zod';
import type { ChallengeView } from '../challenge';
import type { FaceDecision, StationStatus } from '../domain';
import {
  doorContract,
  type CameraReport,
  type DoorAdminResult,
  type DoorPhase,
  type DoorScreenState,
  type DoorStatusView,
  type LivenessSummary,
} from '../door-contract';
import { doorFrameRegion, faceHint } from '../frame-schemas';
import { LIMITS } from '../limits';
import { defineChannels, returns } from './channel-entry';

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

/** The door terminal: open to the screen at the door, except the admin's actions there. */
export const terminalChannels = defineChannels({
  'station:status': {
    request: z.object({}).strict(),
    response: returns<StationStatus>(),
    roles: [],
    method: 'status',
  },
  'access:frame': {
    request: z
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
    response: returns<FrameResult>(),
    roles: [],
    method: 'submitFrame',
  },
  /** The renderer's MediaPipe detector model, handed out only after main verified its hash. */
  'models:detector': {
    request: z.object({ variant: z.enum(['short_range', 'full_range']) }).strict(),
    response: returns<{ fileName: string; sha256: string; base64: string }>(),
    roles: [],
    method: 'detectorModel',
  },
  'camera:report': {
    request: doorContract['camera:report'],
    response: returns<CameraReport>(),
    roles: [],
    method: 'reportCamera',
  },
  'door:status': {
    request: doorContract['door:status'],
    response: returns<DoorStatusView>(),
    roles: [],
    method: 'doorStatus',
  },
  'door:state': {
    request: doorContract['door:state'],
    response: returns<DoorScreenState>(),
    roles: [],
    method: 'doorState',
  },
  // Allowing a camera, lifting lockouts and the terminal's cues change how the door decides.
  'door:admin': {
    request: doorContract['door:admin'],
    response: returns<DoorAdminResult>(),
    roles: ['admin'],
    method: 'doorAdmin',
  },
});
