/**
 * Liveness of ONE tracked face over a sliding window of frames. The door keeps one tracker per
 * tracked face and pushes every frame in which that face is seen; each push returns the verdict
 * for the window ending at that frame ("inconclusive / collecting" until the window is full).
 *
 * Frames must be fresh buffers (the tracker keeps the previous frame to measure motion and to
 * spot a frozen stream); the camera path allocates one per frame already.
 */
import type { RgbImage } from '../vision/vision.types';
import { blinkEvidence, meanEyeAspectRatio } from './eye-aspect';
import { faceSquare, type FaceSquare, type LivenessFace } from './face-square';
import { fuseLiveness, type LivenessVerdict } from './liveness-fusion';
import type { LivenessSettings } from './liveness-settings';
import {
  backgroundThumb,
  pairMotion,
  type FrameMotionInput,
  type PairMotion,
} from './micro-motion';
import { textureScore, type TextureLivenessModel } from './texture-model';

interface Sample {
  texture: number;
  ear: number;
  /** Motion from MOTION_STRIDE frames earlier to this one; null until there is such a frame. */
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
 * Motion is measured between frames two apart (0.13 s at 15 fps): slow non-rigid motion adds
 * up over the gap while block-matching noise does not. Measured on ../shared/data at 15 fps,
 * the live-to-photo ratio of the residual was 1.7 for consecutive frames, 2.0 two apart, 1.8
 * three apart (larger gaps let a swaying photo's rotation blur the block matches).
 */
const MOTION_STRIDE = 2;

type Prev = FrameMotionInput & { timestampMs: number | undefined };

function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

export class LivenessTracker {
  private samples: Sample[] = [];
  /** The last MOTION_STRIDE frames of this face, oldest first. */
  private recent: Prev[] = [];
  /** Consecutive pushes whose window said spoof (see settings.spoofConfirmWindows). */
  private spoofRun = 0;

  constructor(
    private readonly texture: TextureLivenessModel,
    readonly settings: LivenessSettings,
  ) {}

  /** Forgets all evidence (face lost, another person). */
  reset(): void {
    this.samples = [];
    this.recent = [];
    this.spoofRun = 0;
  }

  /**
   * Adds one frame of this face and returns the verdict over the window ending here. A null
   * face (not seen in this frame) resets the tracker: evidence must come from consecutive frames.
   * "spoof" from texture or motion is only returned once settings.spoofConfirmWindows windows
   * in a row said so (before that: inconclusive, reason spoof_pending); an impossible stream
   * (frozen, time running backwards) is a spoof at once.
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
    const base = this.recent.length >= MOTION_STRIDE ? this.recent[0]! : null;
    const identical = prev !== null && sameBytes(prev.frame.data, frame.data);
    const lastRun = this.samples.at(-1)?.identicalRun ?? 1;
    this.samples.push({
      texture: await textureScore(this.texture, frame, square),
      ear: meanEyeAspectRatio(face.landmarks68),
      // Motion between identical frames is exactly zero and says nothing new.
      motion: base && !identical ? pairMotion(base, cur) : null,
      identicalRun: identical ? lastRun + 1 : 1,
      timeAnomaly:
        prev?.timestampMs !== undefined &&
        timestampMs !== undefined &&
        timestampMs <= prev.timestampMs,
    });
    if (this.samples.length > this.settings.windowFrames) this.samples.shift();
    this.recent.push(cur);
    if (this.recent.length > MOTION_STRIDE) this.recent.shift();
    const v = this.windowVerdict();
    this.spoofRun = v.verdict === 'spoof' ? this.spoofRun + 1 : 0;
    return this.confirmed(v);
  }

  /** The verdict the last push returned (also usable without pushing). */
  verdict(): LivenessVerdict {
    return this.confirmed(this.windowVerdict());
  }

  private confirmed(v: LivenessVerdict): LivenessVerdict {
    if (v.verdict !== 'spoof' || this.spoofRun >= this.settings.spoofConfirmWindows) return v;
    if (v.reasons.includes('frozen_stream') || v.reasons.includes('time_anomaly')) return v;
    return { ...v, verdict: 'inconclusive', reasons: [...v.reasons, 'spoof_pending'] };
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
    const enoughMotion = motions.length >= Math.max(2, Math.floor((w.length - MOTION_STRIDE) / 2));
    const blink = blinkEvidence(
      w.map((s) => s.ear),
      this.settings.blinkClosedRatio,
    );
    return fuseLiveness(
      {
        frames: w.length,
        texture: median(w.map((s) => s.texture)),
        motion: enoughMotion ? median(motions.map((m) => m.nonRigid)) : Number.NaN,
        rigidMotion: enoughMotion ? median(motions.map((m) => m.rigid)) : Number.NaN,
        blink: blink.score,
        blinked: blink.blinked,
        identicalRun: Math.max(1, ...w.map((s) => s.identicalRun)),
        timeAnomaly: w.some((s) => s.timeAnomaly),
      },
      this.settings,
    );
  }
}
