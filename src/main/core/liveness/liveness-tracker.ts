/**
 * Liveness of ONE tracked face over a sliding window of frames. The door keeps one tracker per
 * tracked face and pushes every frame in which that face is seen; each push returns the verdict
 * for the window ending at that frame ("inconclusive / collecting" until the window is full).
 *
 * Frames must be fresh buffers (the tracker keeps the previous frame to measure motion and to
 * spot a frozen stream); the camera path allocates one per frame already.
 */
import { MAX_MOTION_GAP_MS } from '../../../shared/door-cadence';
import type { RgbImage } from '../vision/vision.types';
import { blinkEvidence, meanEyeAspectRatio } from './eye-aspect';
import { faceSquare, type FaceSquare, type LivenessFace } from './face-square';
import { fuseLiveness, insufficientMotion, type LivenessVerdict } from './liveness-fusion';
import type { LivenessSettings } from './liveness-settings';
import {
  backgroundThumb,
  pairMotion,
  type FrameMotionInput,
  type PairMotion,
} from './micro-motion';
import type { PassiveThresholds } from './passive-assessment';
import type { PassiveFrameScore, PassiveLivenessModel } from './passive-scorer';

interface Sample {
  timestampMs: number | undefined;
  passive: PassiveFrameScore;
  ear: number;
  /** Motion from the motion base frame to this one (per MOTION_REFERENCE_MS); null if none. */
  motion: PairMotion | null;
  /** Length of the run of bit-identical frames ending here (1 = differs from the previous). */
  identicalRun: number;
  timeAnomaly: boolean;
}

/**
 * A face whose centre jumps by more than this fraction of its size between two frames is
 * treated as another face (the tracker restarts rather than mix two people's evidence).
 */
const MAX_JUMP = 0.5;

/**
 * Motion is measured between frames about 0.13 s apart (two frames at 15 fps), where slow
 * non-rigid motion has added up but block-matching noise has not (the live-to-photo ratio peaked
 * there on ../shared/data). With timestamps the base is the latest frame at least
 * MOTION_REFERENCE_MS older and motion is scaled to that gap, so the thresholds mean the same at
 * any frame rate; without timestamps it is two frames back, unscaled.
 */
export const MOTION_REFERENCE_MS = 2000 / 15;
const MOTION_STRIDE = 2;
/**
 * MAX_MOTION_GAP_MS (shared/door-cadence.ts): the longest gap motion is measured over, the
 * largest validated (3 fps). Scaled down from a longer gap, a live face's slow motion under-reads
 * and looks like a spoof, so past it a sample carries no motion evidence; a slow station gets
 * frame pairs instead.
 */
/** Frames kept as motion bases (enough for MOTION_REFERENCE_MS at 60 fps). */
const MAX_RECENT = 9;
/** Timestamps are ms floats: a base 133.3 ms back at 15 fps must not miss by rounding. */
const GAP_SLACK_MS = 1;
/** Upper bound on frames in a window, whatever windowMs asks (the schema's windowFrames max). */
const MAX_WINDOW_FRAMES = 90;

type Prev = FrameMotionInput & { timestampMs: number | undefined };

function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Ms from the first sample to the last; NaN when any has no timestamp (judged by count). */
function spanOf(samples: readonly { timestampMs: number | undefined }[]): number {
  const first = samples[0]?.timestampMs;
  const last = samples.at(-1)?.timestampMs;
  if (samples.some((x) => x.timestampMs === undefined) || first === undefined) return Number.NaN;
  // Whole ms: frame times computed as i * 1000 / fps must not miss 600 ms by a rounding error.
  return Math.round((last ?? first) - first);
}

/** Pair motion, scaled to MOTION_REFERENCE_MS when both frames carry a time. */
function scaledMotion(a: Prev, b: Prev): PairMotion | null {
  const m = pairMotion(a, b);
  if (!m || a.timestampMs === undefined || b.timestampMs === undefined) return m;
  const k = MOTION_REFERENCE_MS / Math.max(MOTION_REFERENCE_MS, b.timestampMs - a.timestampMs);
  return {
    ...m,
    nonRigid: m.nonRigid * k,
    nonRigidTop: m.nonRigidTop * k,
    rigid: m.rigid * k,
    background: m.background * k,
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

export class LivenessTracker {
  private samples: Sample[] = [];
  /** The last frames of this face (motion bases), oldest first. */
  private recent: Prev[] = [];
  /**
   * Consecutive pushes whose window said spoof or lacked micro-motion (see
   * settings.spoofConfirmWindows).
   */
  private spoofRun = 0;

  /** The passive bands in force for this tracker (fixed for its life, like the settings). */
  readonly bands: PassiveThresholds;

  constructor(
    private readonly passive: PassiveLivenessModel,
    readonly settings: LivenessSettings,
  ) {
    this.bands = passiveThresholds(settings, passive);
  }

  /** Forgets all evidence (face lost, another person). */
  reset(): void {
    this.samples = [];
    this.recent = [];
    this.spoofRun = 0;
  }

  /**
   * Adds one frame of this face and returns the verdict over the window ending here. A null
   * face (not seen in this frame) resets the tracker: evidence must come from consecutive frames.
   * "spoof" from texture or motion, and "inconclusive" for too little micro-motion, are only
   * returned as settled once settings.spoofConfirmWindows windows in a row said so (before that:
   * inconclusive, reason spoof_pending); an impossible stream (frozen, time running backwards)
   * is a spoof at once.
   */
  async push(
    frame: RgbImage,
    face: LivenessFace | null,
    timestampMs?: number,
  ): Promise<LivenessVerdict> {
    if (!face) {
      this.reset();
      return this.windowVerdict();
    }
    const square = faceSquare(face);
    const last = this.recent.at(-1);
    if (last && this.jumped(last.square, square)) this.reset();
    const cur: Prev = { frame, square, thumb: backgroundThumb(frame), timestampMs };
    const prev = this.recent.at(-1) ?? null;
    const identical = prev !== null && sameBytes(prev.frame.data, frame.data);
    const lastRun = this.samples.at(-1)?.identicalRun ?? 1;
    const timeAnomaly =
      prev?.timestampMs !== undefined &&
      timestampMs !== undefined &&
      timestampMs <= prev.timestampMs;
    // Motion between identical frames is exactly zero and says nothing new.
    const base = identical || timeAnomaly ? null : this.motionBase(timestampMs);
    this.samples.push({
      timestampMs,
      passive: await this.passive.scoreFace(frame, square),
      ear: meanEyeAspectRatio(face.landmarks68),
      motion: base ? scaledMotion(base, cur) : null,
      identicalRun: identical ? lastRun + 1 : 1,
      timeAnomaly,
    });
    this.trimWindow();
    this.recent.push(cur);
    if (this.recent.length > MAX_RECENT) this.recent.shift();
    const v = this.windowVerdict();
    this.spoofRun = v.verdict === 'spoof' || insufficientMotion(v) ? this.spoofRun + 1 : 0;
    return this.confirmed(v);
  }

  /** The verdict the last push returned (also usable without pushing). */
  verdict(): LivenessVerdict {
    return this.confirmed(this.windowVerdict());
  }

  private confirmed(v: LivenessVerdict): LivenessVerdict {
    const doubtful = v.verdict === 'spoof' || insufficientMotion(v);
    if (!doubtful || this.spoofRun >= this.settings.spoofConfirmWindows) return v;
    if (v.reasons.includes('frozen_stream') || v.reasons.includes('time_anomaly')) return v;
    return { ...v, verdict: 'inconclusive', reasons: [...v.reasons, 'spoof_pending'] };
  }

  /** The frame motion is measured from (see MOTION_REFERENCE_MS), or null while there is none. */
  private motionBase(timestampMs: number | undefined): Prev | null {
    if (timestampMs === undefined || this.recent.some((r) => r.timestampMs === undefined)) {
      return this.recent.length >= MOTION_STRIDE ? this.recent.at(-MOTION_STRIDE)! : null;
    }
    const latest = timestampMs - MOTION_REFERENCE_MS + GAP_SLACK_MS;
    for (let i = this.recent.length - 1; i >= 0; i--) {
      const r = this.recent[i]!;
      if (r.timestampMs !== undefined && r.timestampMs <= latest)
        return timestampMs - r.timestampMs <= MAX_MOTION_GAP_MS ? r : null;
    }
    return null;
  }

  /**
   * Keeps the shortest run of latest frames that still holds windowFrames frames spanning
   * windowMs: at 15 fps with the defaults that is the calibrated 10-frame window; frames
   * without timestamps keep windowFrames frames.
   */
  private trimWindow(): void {
    const { windowFrames, windowMs } = this.settings;
    while (this.samples.length > windowFrames) {
      // NaN (no timestamps) compares false: trimmed to windowFrames by count.
      const restSpan = spanOf(this.samples.slice(1));
      if (this.samples.length <= MAX_WINDOW_FRAMES && restSpan < windowMs) break;
      this.samples.shift();
    }
  }

  private jumped(a: FaceSquare, b: FaceSquare): boolean {
    const size = Math.max(a.side, 1);
    return (
      Math.hypot(b.cx - a.cx, b.cy - a.cy) > MAX_JUMP * size ||
      Math.abs(Math.log(Math.max(b.side, 1) / size)) > Math.log(1.5)
    );
  }

  /** The fusion rule's verdict for the current window alone. */
  private windowVerdict(): LivenessVerdict {
    const w = this.samples;
    const motions = w.map((s) => s.motion).filter((m): m is PairMotion => m !== null);
    // Motion needs most of the window's pairs: a median of two pairs is noise.
    const enoughMotion = motions.length >= Math.max(2, Math.floor(w.length / 2) - 1);
    const blink = blinkEvidence(
      w.map((s) => s.ear),
      this.settings.blinkClosedRatio,
    );
    return fuseLiveness(
      {
        frames: w.length,
        spanMs: spanOf(w),
        passive: {
          padModel: median(w.map((s) => s.passive.padModel)),
          textureNet: median(w.map((s) => s.passive.textureNet)),
        },
        motion: enoughMotion ? median(motions.map((m) => m.nonRigid)) : Number.NaN,
        rigidMotion: enoughMotion ? median(motions.map((m) => m.rigid)) : Number.NaN,
        motionCoherence: enoughMotion ? median(motions.map((m) => m.coherence)) : Number.NaN,
        blink: blink.score,
        blinked: blink.blinked,
        identicalRun: Math.max(1, ...w.map((s) => s.identicalRun)),
        timeAnomaly: w.some((s) => s.timeAnomaly),
      },
      this.settings,
      this.bands,
    );
  }
}

/**
 * The passive bands a tracker applies: the station's adopted calibration when it was measured
 * with this very model, else the defaults shipped with the model (a calibration of another
 * model's scores would put the thresholds on the wrong scale).
 */
export function passiveThresholds(
  settings: LivenessSettings,
  model: Pick<PassiveLivenessModel, 'modelId' | 'defaultBands'>,
): PassiveThresholds {
  const adopted = settings.passive;
  if (adopted && adopted.modelId === model.modelId) {
    return {
      spoofBelow: adopted.spoofBelow,
      clearLiveMin: adopted.clearLiveMin,
      origin: 'camera_calibration',
    };
  }
  return { ...model.defaultBands, origin: 'model_default' };
}
