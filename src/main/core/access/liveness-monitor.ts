import type { FaceAnalysis, RgbImage } from '../vision/vision.types';
import type { LivenessReading } from './door-decision.types';

/**
 * Per-track liveness as the door needs it: fed one analysed face per frame, answers with what
 * the window says so far. Implemented over the liveness module (texture, motion, blink); the
 * door code depends only on this shape.
 */
export interface LivenessMonitor {
  observe(
    trackId: number,
    frame: RgbImage,
    face: FaceAnalysis,
    timestampMs: number,
  ): Promise<LivenessReading>;
  /** Drops state of tracks that left the picture. */
  retain(liveTrackIds: ReadonlySet<number>): void;
}
