/**
 * What the challenge measures in each frame the station receives: head pose and eye opening
 * from the station's own 68 landmarks (never from the terminal's word).
 */
import { meanEyeAspectRatio } from '../liveness/eye-aspect';
import { estimateHeadPose } from '../vision/head-pose';
import type { Point } from '../vision/vision.types';

export interface PoseSample {
  /** Degrees, positive when the face turns to the person's own left (head-pose.ts). */
  yawDeg: number;
  /** Degrees, positive when the face points up. */
  pitchDeg: number;
  /** Mean eye aspect ratio (NaN when the eyes could not be measured). */
  ear: number;
}

/** Null when the landmarks are degenerate (the fit has nothing to say about this frame). */
export function poseSample(landmarks68: readonly Point[]): PoseSample | null {
  try {
    const pose = estimateHeadPose(landmarks68);
    return { yawDeg: pose.yawDeg, pitchDeg: pose.pitchDeg, ear: meanEyeAspectRatio(landmarks68) };
  } catch (err) {
    if (err instanceof RangeError) return null;
    throw err;
  }
}

/** Where "facing the camera" is for this person, from the frames before the challenge. */
export interface PoseReference {
  yawDeg: number;
  pitchDeg: number;
  /** Open-eye EAR (upper quartile), NaN when unknown. */
  openEar: number;
}

/**
 * Median pose of the frames the face was recognised in, pulled towards the camera axis: a
 * camera off to one side shifts every yaw by some degrees (allowed, up to YAW_BIAS_MAX), but
 * someone recognised while looking away must still face the camera before a turn counts.
 */
const YAW_BIAS_MAX = 15;
/** Cameras sit above or below eye level: pitch is allowed a larger bias. */
const PITCH_BIAS_MAX = 20;

export function poseReference(samples: readonly PoseSample[]): PoseReference {
  const clamp = (x: number, m: number): number =>
    Number.isFinite(x) ? Math.max(-m, Math.min(m, x)) : 0;
  const ears = samples.map((s) => s.ear).filter(Number.isFinite);
  return {
    yawDeg: clamp(median(samples.map((s) => s.yawDeg)), YAW_BIAS_MAX),
    pitchDeg: clamp(median(samples.map((s) => s.pitchDeg)), PITCH_BIAS_MAX),
    openEar: quantile(ears, 0.75),
  };
}

function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(q * (s.length - 1))]!;
}
