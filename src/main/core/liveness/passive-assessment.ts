/**
 * THE place that says how clearly the passive evidence shows a live face: three bands on the
 * trained PAD model's window score.
 * - clear_live (>= clearLiveMin): the door may grant with the motion cue (liveness-fusion.ts).
 * - spoof (< spoofBelow): refused, with no challenge (it would give an attacker another try).
 * - uncertain: not live; the door keeps looking and asks for a challenge where one exists.
 * Thresholds: the adopted per-camera calibration (calibration/pad-calibration.ts), else the PAD
 * weights file's defaults.
 */

export const PASSIVE_BANDS = ['clear_live', 'uncertain', 'spoof'] as const;
export type PassiveBand = (typeof PASSIVE_BANDS)[number];

import type { PassiveThresholds } from '../../../shared/pad-eval-types';

export type { PassiveThresholds };

export interface PassiveAssessment {
  band: PassiveBand;
  /** Window median of the PAD model's live score, 0..1 (NaN while no frame was scored). */
  score: number;
  thresholds: PassiveThresholds;
  /** Window medians of each passive component: the texture network's live probability and the PAD model's score. */
  components: { textureNet: number; padModel: number };
  /** Frames in the window that were scored; 0 = nothing to judge yet (band 'uncertain'). */
  frames: number;
}

/** The band of one score under `t` (a NaN score is uncertain: never live, never a spoof). */
export function passiveBand(score: number, t: PassiveThresholds): PassiveBand {
  if (!Number.isFinite(score)) return 'uncertain';
  if (score < t.spoofBelow) return 'spoof';
  return score >= t.clearLiveMin ? 'clear_live' : 'uncertain';
}

export function assessPassive(
  scores: { padModel: number; textureNet: number },
  frames: number,
  t: PassiveThresholds,
): PassiveAssessment {
  return {
    band: frames > 0 ? passiveBand(scores.padModel, t) : 'uncertain',
    score: scores.padModel,
    thresholds: t,
    components: { textureNet: scores.textureNet, padModel: scores.padModel },
    frames,
  };
}
