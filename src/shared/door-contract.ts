import { z } from 'zod';
import type { ChallengeView } from './challenge';
import type { DecisionReason, PersonRef } from './domain';

/** The terminal's own display options (an admin setting, audited): cues for granted/denied. */
export const terminalDisplaySchema = z
  .object({
    /** A short tone for granted / denied (off by default: a shared office may not want it). */
    sound: z.boolean(),
    /** A large tick / cross beside the status text. */
    icons: z.boolean(),
  })
  .strict();
export type TerminalDisplay = z.infer<typeof terminalDisplaySchema>;

/**
 * What an admin can do at the door terminal itself (role admin; each action audited): allow
 * the camera the terminal opened (its exact label, as the confirmation named it), lift every
 * lockout, and set the terminal's cues.
 */
export const doorAdminAction = z.discriminatedUnion('action', [
  z
    .object({
      action: z.literal('allow_camera'),
      label: z.string().min(1).max(200),
      confirm: z.literal(true),
    })
    .strict(),
  z.object({ action: z.literal('reset_lockout'), confirm: z.literal(true) }).strict(),
  z.object({ action: z.literal('terminal_display'), display: terminalDisplaySchema }).strict(),
]);

/**
 * Door-side channels beside `access:frame`: the terminal reports which camera it opened (so
 * main can refuse virtual cameras), reads the lock state and the screen state (also pushed:
 * see DoorScreenState), and an admin acts at the door.
 */
export const doorContract = {
  'camera:report': z
    .object({
      /** MediaStreamTrack.label of the opened camera. */
      label: z.string().max(200),
    })
    .strict(),
  'door:status': z.object({}).strict(),
  'door:state': z.object({}).strict(),
  'door:admin': doorAdminAction,
} as const;

export type DoorAdminRequest = z.infer<typeof doorAdminAction>;

/** What an admin action at the door changed (the audit row it wrote). */
export interface DoorAdminResult {
  action: DoorAdminRequest['action'];
  auditId: number;
  state: DoorScreenState;
}

export interface CameraReport {
  trusted: boolean;
  /** Plain-words reason when refused. */
  reason: string | null;
}

export interface DoorStatusView {
  state: 'locked' | 'unlocked' | 'fault';
  controller: 'simulated' | 'webhook' | 'serial';
  unlockedUntil: string | null;
  lastError: string | null;
  /** The audit row of the grant the door is (or was last) unlocked for. */
  decisionRef: string | null;
}

/** What the terminal shows while evidence accumulates, and once it is decided. */
export type DoorPhase =
  | 'idle'
  | 'looking'
  | 'hold_still'
  | 'blink_please'
  /** The station asked for random actions (FrameResult.challenge) and is checking them. */
  | 'challenge'
  | 'decided';

export interface LivenessSummary {
  verdict: 'live' | 'spoof' | 'inconclusive';
  settled: boolean;
  score: number;
  components: Record<string, number | null>;
  /** The passive evidence in three bands; 'uncertain' is what an active challenge is for. */
  passive?: PassiveSummary;
  /** Why the verdict is what it is (the liveness reasons, e.g. 'passive_uncertain'). */
  reasons?: readonly string[];
}

/** Passive liveness bands (src/main/core/liveness/passive-assessment.ts), flat for the audit. */
export interface PassiveSummary {
  band: 'clear_live' | 'uncertain' | 'spoof';
  /** Window median of the PAD model's live score 0..1; null before any frame was scored. */
  score: number | null;
  spoofBelow: number;
  clearLiveMin: number;
  /** The weights file's defaults, or this station's adopted camera calibration. */
  origin: 'model_default' | 'camera_calibration';
  /** Window median of the texture network's own live probability. */
  textureNet: number | null;
}

/**
 * The terminal's big status, decided in main: `idle`, evidence states (`checking`, `hold_still`,
 * `blink`, `challenge`), `advice`, `decided`, and `relocked` after a grant while the person is
 * still in view.
 */
export type DoorBannerKind =
  'idle' | 'checking' | 'hold_still' | 'blink' | 'challenge' | 'advice' | 'decided' | 'relocked';

export interface DoorBanner {
  kind: DoorBannerKind;
  /** The decision shown (`decided`, `advice`); null otherwise. */
  decision: DecisionReason | null;
  /** Named only for a grant (or a grant refused by the schedule). */
  person: PersonRef | null;
  challenge: ChallengeView | null;
  /** The audit row of a `decided` banner, when the decision was logged. */
  auditRef: number | null;
  /** The station's track this banner is about (null: the frame as a whole, or nobody). */
  trackId: number | null;
}

/**
 * The terminal's screen (banner, lock, camera) as one snapshot so they cannot disagree. Pushed on
 * every change and returned with each frame; the page shows the highest `seq`.
 */
export interface DoorScreenState {
  seq: number;
  /** Station time of this snapshot (ISO). */
  at: string;
  banner: DoorBanner;
  door: DoorStatusView;
  camera: { label: string | null; trusted: boolean; reason: string | null };
  /** The lockout behind a `locked_out` banner, or the terminal-wide flood lock. */
  lockout: { scope: 'face' | 'terminal'; until: string; remainingMs: number } | null;
  display: TerminalDisplay;
}
