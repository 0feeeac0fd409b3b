/**
 * The liveness rule: one verdict from a window of frames.
 * 1. Too few frames, or too short a span (windowFrames, windowMs) -> inconclusive, never a guess.
 * 2. An impossible stream (bit-identical frames, time running backwards) -> spoof.
 * 3. Spoof only on positive evidence of an attack: the passive PAD score in its spoof band, or a
 *    face that moved clearly as one flat object (planar_motion).
 * 4. Too little micro-motion (no_micro_motion) while the passive score is outside its spoof band
 *    is missing evidence, not evidence of an attack: a person standing still and a photo held
 *    still look alike here, and only an active challenge tells them apart. Inconclusive (the
 *    tracker waits spoofConfirmWindows windows for motion, then the door asks a challenge).
 * 5. Live only if passive is clearly live AND motion reaches its live level AND that motion is
 *    more than one planar map plus matching noise (its residual is spatially coherent:
 *    coherenceLiveMin) AND the weighted score reaches scoreLiveMin (blink only adds).
 * 6. Anything else -> inconclusive: the door keeps looking or asks for a challenge; it never opens.
 */
import type { LivenessSettings } from './liveness-settings';
import {
  assessPassive,
  type PassiveAssessment,
  type PassiveThresholds,
} from './passive-assessment';

export const LIVENESS_VERDICTS = ['live', 'spoof', 'inconclusive'] as const;
export type LivenessVerdictKind = (typeof LIVENESS_VERDICTS)[number];

/** Why the verdict is what it is (several may apply). */
export type LivenessReason =
  | 'collecting'
  | 'frozen_stream'
  | 'time_anomaly'
  /** The passive PAD score is in the spoof band. */
  | 'passive_spoof'
  /** Too little non-rigid motion: insufficient evidence (a challenge), not a spoof by itself. */
  | 'no_micro_motion'
  | 'planar_motion'
  | 'motion_unmeasured'
  /** The passive PAD score is between the bands: not clearly live. */
  | 'passive_uncertain'
  | 'motion_uncertain'
  /**
   * The non-rigid motion is spatially incoherent (below settings.coherenceLiveMin): what a flat
   * picture moved by hand leaves after a planar fit. Not clearly live: a challenge.
   */
  | 'incoherent_motion'
  | 'score_low'
  /**
   * The window says spoof or lacks micro-motion, but not yet for settings.spoofConfirmWindows
   * windows in a row.
   */
  | 'spoof_pending'
  | 'blink_seen';

export interface LivenessEvidence {
  /** Frames with a face in the window. */
  frames: number;
  /** Camera time from the window's first frame to its last, ms; NaN when frames had no time. */
  spanMs: number;
  /** Window medians of the passive components (PAD model score, texture network probability). */
  passive: { padModel: number; textureNet: number };
  /**
   * Median non-rigid motion (fraction of face side per MOTION_REFERENCE_MS, liveness-tracker.ts);
   * NaN if it could not be measured.
   */
  motion: number;
  /** Median rigid face motion relative to the background (fraction of face side per MOTION_REFERENCE_MS). */
  rigidMotion: number;
  /**
   * Median spatial coherence (-1..1) of the non-rigid motion (affine-flow-fit.ts
   * residualCoherence); NaN if unmeasured.
   */
  motionCoherence: number;
  /** Blink evidence 0..1 and whether a full blink was seen. */
  blink: number;
  blinked: boolean;
  /** Longest run of bit-identical consecutive frames in the window (1 = none repeated). */
  identicalRun: number;
  /** A frame's timestamp did not advance. */
  timeAnomaly: boolean;
}

export interface LivenessVerdict {
  verdict: LivenessVerdictKind;
  /** Weighted score 0..1 (settings.weights). */
  score: number;
  /** Each component on 0..1, as weighed; texture is the passive PAD model's score. */
  components: { texture: number; motion: number; blink: number };
  /** The passive evidence in its three bands, with the thresholds that made them. */
  passive: PassiveAssessment;
  /** Measured values behind the components (motion in fraction of face side per MOTION_REFERENCE_MS). */
  raw: { motion: number; rigidMotion: number; motionCoherence: number; identicalRun: number };
  frames: number;
  reasons: LivenessReason[];
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.max(0, Math.min(1, x)) : 0;
}

export function fuseLiveness(
  e: LivenessEvidence,
  s: LivenessSettings,
  bands: PassiveThresholds,
): LivenessVerdict {
  const passive = assessPassive(e.passive, e.frames, bands);
  const components = {
    texture: clamp01(e.passive.padModel),
    motion: clamp01(e.motion / s.motionFull),
    blink: clamp01(e.blink),
  };
  const score =
    s.weights.texture * components.texture +
    s.weights.motion * components.motion +
    s.weights.blink * components.blink;
  const base = {
    score,
    components,
    passive,
    raw: {
      motion: e.motion,
      rigidMotion: e.rigidMotion,
      motionCoherence: e.motionCoherence,
      identicalRun: e.identicalRun,
    },
    frames: e.frames,
  };
  const reasons: LivenessReason[] = [];
  if (e.blinked) reasons.push('blink_seen');
  if (e.identicalRun >= s.maxIdenticalFrames) reasons.push('frozen_stream');
  if (e.timeAnomaly) reasons.push('time_anomaly');
  if (reasons.includes('frozen_stream') || reasons.includes('time_anomaly')) {
    return { ...base, verdict: 'spoof', reasons };
  }
  // Frames without timestamps (a caller that has none) are judged by their count alone.
  if (e.frames < s.windowFrames || e.spanMs < s.windowMs)
    return { ...base, verdict: 'inconclusive', reasons: [...reasons, 'collecting'] };
  if (passive.band === 'spoof') reasons.push('passive_spoof');
  if (!Number.isFinite(e.motion)) reasons.push('motion_unmeasured');
  else if (e.motion < s.motionSpoofBelow) reasons.push('no_micro_motion');
  else if (e.rigidMotion >= s.planarMinRigid && e.motion < s.planarRatioBelow * e.rigidMotion) {
    reasons.push('planar_motion');
  }
  if (reasons.some((r) => r === 'passive_spoof' || r === 'planar_motion')) {
    return { ...base, verdict: 'spoof', reasons };
  }
  if (reasons.includes('no_micro_motion')) return { ...base, verdict: 'inconclusive', reasons };
  if (passive.band !== 'clear_live') reasons.push('passive_uncertain');
  if (Number.isFinite(e.motion) && e.motion < s.motionLiveMin) reasons.push('motion_uncertain');
  if (Number.isFinite(e.motionCoherence) && e.motionCoherence < s.coherenceLiveMin)
    reasons.push('incoherent_motion');
  if (score < s.scoreLiveMin) reasons.push('score_low');
  const doubt = reasons.some((r) => r !== 'blink_seen');
  return { ...base, verdict: doubt ? 'inconclusive' : 'live', reasons };
}

/**
 * A window that lacks evidence of life without showing an attack: too little micro-motion while
 * the passive score is outside its spoof band. Confirmed over spoofConfirmWindows windows like a
 * spoof (a person may start moving), it is then answered by a challenge, not a refusal.
 */
export function insufficientMotion(v: Pick<LivenessVerdict, 'verdict' | 'reasons'>): boolean {
  return v.verdict === 'inconclusive' && v.reasons.includes('no_micro_motion');
}
