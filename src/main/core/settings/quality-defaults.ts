/**
 * Limits of the enrolment quality gates (core/enrollment/quality-gates.ts). The hard size
 * minimum stays in Thresholds.minInterEyePx (the door uses it too); these only judge enrolment
 * photos. Values calibrated on ../shared/data by bench/enroll-quality.ts (docs/BENCHMARKS.md).
 */
export interface QualityLimits {
  /** Below this (but above the hard minimum) a photo is accepted with a warning (ISO/IEC 19794-5 asks for >= 60 px; 64 px is common practice). */
  recommendedInterEyePx: number;
  /** Largest |yaw| in degrees, estimated from the landmarks (head-pose.ts units). */
  maxYawDeg: number;
  /** Largest |pitch| in degrees. */
  maxPitchDeg: number;
  /** Smallest normalised Laplacian variance of the aligned face. */
  minSharpness: number;
  /** Mean grey level of the inner face must lie in [minBrightness, maxBrightness]. */
  minBrightness: number;
  maxBrightness: number;
  /** Largest fraction of crushed-black or blown-white inner-face pixels. */
  maxClippedFraction: number;
  /** Smallest mean eye aspect ratio (eyes open). */
  minEyeAspect: number;
}

export const DEFAULT_QUALITY_LIMITS: QualityLimits = {
  recommendedInterEyePx: 64,
  maxYawDeg: 35,
  maxPitchDeg: 30,
  minSharpness: 0.03,
  minBrightness: 40,
  maxBrightness: 220,
  maxClippedFraction: 0.3,
  minEyeAspect: 0.15,
};
