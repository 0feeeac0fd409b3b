import { z } from 'zod';

/**
 * Door-side channels beside `access:frame`: the terminal reports which camera it opened (so
 * main can refuse virtual cameras) and polls the lock state for its status bar.
 */
export const doorContract = {
  'camera:report': z
    .object({
      /** MediaStreamTrack.label of the opened camera. */
      label: z.string().max(200),
    })
    .strict(),
  'door:status': z.object({}).strict(),
} as const;

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
