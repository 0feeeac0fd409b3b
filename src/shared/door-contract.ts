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
}
