/**
 * What a host needs to judge liveness: the face pipeline (faces and landmarks per frame) and
 * the passive models (texture network + PAD weights), loaded once, plus a tracker per tracked
 * face. composition/onnx-models.ts loads it with the ONNX adapters.
 */
import { largestFace } from '../vision/face-choice';
import type { FacePipeline } from '../vision/face-pipeline';
import type { RgbImage } from '../vision/vision.types';
import type { LivenessFace } from './face-square';
import { DEFAULT_LIVENESS_SETTINGS, type LivenessSettings } from './liveness-settings';
import { LivenessTracker } from './liveness-tracker';
import type { PassiveLivenessModel } from './passive-scorer';

export class LivenessEngine {
  constructor(
    readonly pipeline: FacePipeline,
    readonly passive: PassiveLivenessModel,
    readonly settings: LivenessSettings = DEFAULT_LIVENESS_SETTINGS,
  ) {}

  /** Stops the models' worker threads. */
  async close(): Promise<void> {
    await Promise.all([this.pipeline.close(), this.passive.close?.()]);
  }

  /** A fresh tracker for one face (the door keeps one per tracked face). */
  tracker(): LivenessTracker {
    return new LivenessTracker(this.passive, this.settings);
  }

  /** The largest face of a whole frame, with landmarks, or null. */
  async largestFace(frame: RgbImage): Promise<LivenessFace | null> {
    // Video frames: the fast pass, with second opinions only for frames where it finds nobody.
    return largestFace(await this.pipeline.analyzeImage(frame, { mode: 'fast' })) ?? null;
  }
}
