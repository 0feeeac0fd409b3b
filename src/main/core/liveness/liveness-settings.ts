/**
 * Every liveness threshold in one validated object. Defaults were calibrated on
 * ../shared/data (bench/pad-evaluation.ts, figures and method in docs/BENCHMARKS.md, section
 * "Presentation attack detection"); that data is small (2 replay attacks, 8 live clips), so a
 * site should re-run the evaluation on its own recordings before trusting these numbers.
 */
import { z } from 'zod';

const unit = z.number().finite().min(0).max(1);
/**
 * Micro-motion is a fraction of the face side per MOTION_REFERENCE_MS (liveness-tracker.ts:
 * two frames at 15 fps, the gap it was calibrated on); 5 % is violent shaking.
 */
const motionLevel = z.number().finite().min(0).max(0.05);

/**
 * Settings stored before the trained PAD model carried thresholds on the texture network's own
 * probability (textureSpoofBelow / textureLiveMin). They mean nothing on the new score, so they
 * are dropped rather than making the whole stored object invalid (which would also lose the
 * admin's window and motion settings).
 */
function withoutRetiredKeys(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const rest = { ...(value as Record<string, unknown>) };
  delete rest.textureSpoofBelow;
  delete rest.textureLiveMin;
  return rest;
}

/**
 * Default of coherenceLiveMin, also given to settings stored before it existed (they would
 * otherwise be refused whole, or silently run without the rule).
 */
const COHERENCE_LIVE_MIN = 0.2;

const livenessObjectSchema = z
  .object({
    /**
     * Least number of consecutive frames in the decision window. The window must also span
     * windowMs: a fast camera adds frames until it does, a slow one (or a busy station that
     * decides on few of the camera's frames) decides once both hold.
     */
    windowFrames: z.number().int().min(3).max(90),
    /**
     * Least time from the window's first frame to its last, ms. Micro-motion and texture are
     * judged over camera time, not over a frame count that means 0.3 s at 30 fps and 3 s on a
     * busy terminal. A default so settings stored before this field existed stay valid: those
     * were stored with the count rule of the 10-frame window, which 600 ms reproduces at 15 fps.
     */
    windowMs: z.number().int().min(0).max(10_000).default(600),
    /**
     * Passive PAD bands on the trained model's window score (passive-assessment.ts), as adopted
     * from this station's own camera calibration; bound to the PAD model they were measured
     * with. null, or bands of another model: the defaults shipped in the weights file.
     */
    passive: z
      .object({
        spoofBelow: unit,
        clearLiveMin: unit,
        /** PassiveLivenessModel.modelId the scores were measured with. */
        modelId: z.string().min(1).max(120),
      })
      .strict()
      .refine((p) => p.spoofBelow <= p.clearLiveMin, {
        message: 'passive.spoofBelow must not exceed passive.clearLiveMin',
      })
      .nullable()
      .default(null),
    /** Window median of non-rigid face motion (fraction of face side) below which: spoof. */
    motionSpoofBelow: motionLevel,
    /** ...and at or above which motion counts as live evidence. */
    motionLiveMin: motionLevel,
    /**
     * Planar-motion test: when the face moves rigidly by at least planarMinRigid (fraction of
     * face side per frame pair) and its non-rigid motion is below planarRatioBelow x that, the
     * face is a flat object being moved (a photo or phone waved at the camera). 0 = off.
     */
    planarMinRigid: motionLevel,
    planarRatioBelow: z.number().finite().min(0).max(1),
    /**
     * Window median of the non-rigid motion's spatial coherence (affine-flow-fit.ts
     * residualCoherence) at or above which that motion counts as the face's own. Below it the
     * motion is what matching noise leaves after one planar fit, which a flat picture moved by
     * hand also shows: the window is not clearly live, and the door asks a challenge (never a
     * refusal on this alone). -1 = off.
     */
    coherenceLiveMin: z.number().finite().min(-1).max(1).default(COHERENCE_LIVE_MIN),
    /** Non-rigid motion that maps to a motion component of 1 in the weighted score. */
    motionFull: motionLevel.refine((v) => v > 0, 'motionFull must be > 0'),
    /** EAR at or below this fraction of the open-eye baseline is a closed eye. */
    blinkClosedRatio: z.number().finite().min(0.3).max(0.95),
    weights: z
      .object({ texture: unit, motion: unit, blink: unit })
      .strict()
      .refine((w) => Math.abs(w.texture + w.motion + w.blink - 1) < 1e-6, 'weights must sum to 1'),
    /** Weighted score at or above which (with both components live) the verdict is live. */
    scoreLiveMin: unit,
    /**
     * A stream (the door, `station liveness`) concludes "spoof" only after this many
     * consecutive spoof windows; "live" still needs just one live window, which already
     * requires every cue to pass. A person who stands perfectly still for the first 0.7 s is
     * not turned away for it, and every window of a replay or photo is a spoof anyway.
     */
    spoofConfirmWindows: z.number().int().min(1).max(60),
    /**
     * Consecutive bit-identical frames that make a stream "frozen". A camera sensor never
     * repeats a frame exactly (noise); a still image or a stalled virtual camera does.
     */
    maxIdenticalFrames: z.number().int().min(1).max(30),
  })
  .strict()
  .refine((s) => s.motionSpoofBelow <= s.motionLiveMin, {
    message: 'motionSpoofBelow must not exceed motionLiveMin',
  });

export const livenessSettingsSchema = z.preprocess(withoutRetiredKeys, livenessObjectSchema);

export type LivenessSettings = z.infer<typeof livenessSettingsSchema>;

/**
 * Defaults tuned on ../shared/data with bench/pad-evaluation.ts (docs/BENCHMARKS.md, "Presentation
 * attack detection"), and reported on the same clips, so expect other figures on other data:
 * - window >= 3 frames over >= 400 ms: ~3 answered door frames; shorter spans let replays through.
 * - motion 0.0014 / 0.0018 of the face side: swayed photos stay below 0.00135, live windows
 *   reach 0.001-0.02.
 * - planar test off: landmark jitter makes live webcams look as rigid as swayed photos.
 * - coherence 0.2 (bench/liveness-windows.ts, chosen on the synthetic swayed photos and the 17
 *   live videos of bench/challenge-door.ts): a swayed photo's windows stay at 0.07-0.17, live
 *   windows are mostly 0.15-0.35, so some live windows fall below; that costs a challenge,
 *   never a refusal.
 * - blink only adds to the score: a 0.4 s window rarely holds one.
 * - spoofConfirmWindows 5: a person still for the first windows is not refused, and no attack
 *   ever had a live window, so waiting only delays the refusal.
 * - passive null: the PAD weights file's bands until an admin adopts this camera's calibration.
 */
export const DEFAULT_LIVENESS_SETTINGS: LivenessSettings = {
  windowFrames: 3,
  windowMs: 400,
  passive: null,
  motionSpoofBelow: 0.0014,
  motionLiveMin: 0.0018,
  planarMinRigid: 0.006,
  planarRatioBelow: 0,
  coherenceLiveMin: COHERENCE_LIVE_MIN,
  motionFull: 0.006,
  blinkClosedRatio: 0.7,
  weights: { texture: 0.5, motion: 0.35, blink: 0.15 },
  scoreLiveMin: 0.3,
  spoofConfirmWindows: 5,
  maxIdenticalFrames: 3,
};

/** Validates a stored or user-supplied value; throws a ZodError naming the bad field. */
export function parseLivenessSettings(value: unknown): LivenessSettings {
  return livenessSettingsSchema.parse(value);
}
