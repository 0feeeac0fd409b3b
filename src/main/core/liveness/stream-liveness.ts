/**
 * Liveness over a stream of frames as the door sees it: the largest face of each frame goes
 * to one tracker, and the tracker's first conclusive verdict (live, or spoof confirmed over
 * settings.spoofConfirmWindows windows) is the decision: when the door would act on it. Used by `station liveness VIDEO` and the PAD evaluation.
 */
import { StationError } from '../../../shared/errors';
import type { RgbImage } from '../vision/vision.types';
import type { LivenessFace } from './face-square';
import type { LivenessVerdict, LivenessVerdictKind } from './liveness-fusion';
import type { LivenessTracker } from './liveness-tracker';

/** A frame with the time the camera took it (ms from the stream's start), when known. */
export type StreamFrame = RgbImage & { timestampMs?: number };

export interface StreamLivenessOptions {
  /**
   * Nominal frame rate, used only for frames that carry no time of their own. Recordings
   * (ffmpeg-video-frames.ts) carry their own: a 2 fps or variable-rate one is judged at its
   * real rate, not at a rate its frames would be relabelled with.
   */
  fps: number;
  /** Stop at the first conclusive window (the door); false = score every window (evaluation). */
  stopAtDecision: boolean;
  /** Name used in error messages. */
  source: string;
  /** Called with every full window's verdict (evaluation, calibration). */
  onWindow?: (verdict: LivenessVerdict) => void;
}

export interface StreamLivenessResult {
  /** The deciding window's verdict; if none, the last window's evidence marked inconclusive. */
  decision: LivenessVerdict;
  /** Frames read from the stream up to the decision (all frames when none was reached). */
  framesRead: number;
  /** 1-based frame at which the decision was reached; null if it never was. */
  decidedAt: number | null;
  /** Frames in which a face was found. */
  framesWithFace: number;
  /** Verdict of every full window (sliding by one frame). */
  windows: Record<LivenessVerdictKind, number>;
}

export async function streamLiveness(
  frames: AsyncIterable<StreamFrame>,
  findFace: (frame: RgbImage) => Promise<LivenessFace | null>,
  tracker: LivenessTracker,
  opts: StreamLivenessOptions,
): Promise<StreamLivenessResult> {
  tracker.reset();
  const windows: Record<LivenessVerdictKind, number> = { live: 0, spoof: 0, inconclusive: 0 };
  let first: { verdict: LivenessVerdict; frame: number } | null = null;
  let last: LivenessVerdict = tracker.verdict();
  let framesRead = 0;
  let framesWithFace = 0;
  for await (const frame of frames) {
    const face = await findFace(frame);
    if (face) framesWithFace++;
    last = await tracker.push(frame, face, frame.timestampMs ?? (framesRead * 1000) / opts.fps);
    framesRead++;
    // Full: enough frames spanning enough time (settings.windowFrames and windowMs).
    const full =
      last.frames >= tracker.settings.windowFrames && !last.reasons.includes('collecting');
    if (full || last.verdict !== 'inconclusive') {
      windows[last.verdict]++;
      opts.onWindow?.(last);
    }
    if (!first && last.verdict !== 'inconclusive') {
      first = { verdict: last, frame: framesRead };
      if (opts.stopAtDecision) break;
    }
  }
  if (framesRead === 0) {
    throw new StationError('UNREADABLE_IMAGE', `No frames could be decoded from ${opts.source}.`);
  }
  if (framesWithFace === 0) {
    throw new StationError(
      'NO_FACE',
      `No face found in any of the ${framesRead} frames of ${opts.source}.`,
    );
  }
  return {
    // Undecided: the last window's evidence, but no verdict the door could act on.
    decision: first?.verdict ?? { ...last, verdict: 'inconclusive' },
    framesRead: first && opts.stopAtDecision ? first.frame : framesRead,
    decidedAt: first?.frame ?? null,
    framesWithFace,
    windows,
  };
}
