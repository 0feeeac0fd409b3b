import { z } from 'zod';
import { PAD_BPCER_TARGETS } from './limits';

/**
 * The admin's per-camera liveness calibration (Calibration view): the station proposes passive
 * PAD bands from the live scores it measured on its own camera (consented enrolment captures,
 * granted decisions); the admin adopts them after a confirmation, audited.
 */

export { PAD_BPCER_TARGETS };

export const padCalibrationContract = {
  'calibration:pad-run': z
    .object({
      /** The camera's device label; absent = the door's current camera, else the busiest. */
      camera: z.string().min(1).max(200).optional(),
      targetBpcer: z.number().refine((v) => (PAD_BPCER_TARGETS as readonly number[]).includes(v), {
        message: `targetBpcer must be one of ${PAD_BPCER_TARGETS.join(', ')}`,
      }),
    })
    .strict(),
  'calibration:pad-adopt': z
    .object({
      runId: z.string().min(1).max(64),
      /** Must be literally true: the view asked for confirmation. */
      confirm: z.literal(true),
    })
    .strict(),
} as const;

export interface PadBandsView {
  spoofBelow: number;
  clearLiveMin: number;
  origin: 'model_default' | 'camera_calibration';
}

export interface PadRateView {
  count: number;
  rate: number;
  ci95: [number, number];
}

export interface PadCalibrationRunView {
  runId: string;
  /** The passive model the scores were measured with (a calibration is bound to it). */
  modelId: string;
  /** The camera calibrated; null when the station has no live scores at all. */
  camera: string | null;
  /** The camera the door terminal reported last (null before it did). */
  doorCamera: string | null;
  cameras: { camera: string; scores: number; lastAt: string }[];
  scores: { total: number; enrolment: number; granted: number };
  /** Live scores in 20 equal bins over 0..1. */
  histogram: number[];
  targetBpcer: number;
  current: PadBandsView & { notClearlyLive: PadRateView | null; refused: PadRateView | null };
  modelDefault: { spoofBelow: number; clearLiveMin: number };
  proposal: {
    spoofBelow: number;
    clearLiveMin: number;
    notClearlyLive: PadRateView;
    refused: PadRateView;
  } | null;
  /** Why there is no proposal (too few scores, an implausible camera); null with a proposal. */
  refusal: string | null;
  /** What the figures cannot show, in plain words. */
  caveat: string;
}

export interface PadCalibrationAdoptView {
  before: PadBandsView;
  after: PadBandsView;
  /** Id of the audit row recording the change and its evidence. */
  auditId: number;
}
