/**
 * What a host needs to judge liveness: the face pipeline (faces and landmarks per frame) and
 * the passive models (texture network + PAD weights), loaded once, plus a tracker per tracked
 * face. `load` wires in the ONNX adapters, the way FacePipeline.load does.
 */
import { OnnxTextureLiveness } from '../../adapters/onnx-texture-liveness';
import { largestFace } from '../vision/face-choice';
import { FacePipeline } from '../vision/face-pipeline';
import type { RgbImage } from '../vision/vision.types';
import type { LivenessFace } from './face-square';
import { DEFAULT_LIVENESS_SETTINGS, type LivenessSettings } from './liveness-settings';
import { LivenessTracker } from './liveness-tracker';
import { loadPadModel } from './pad-model-loader';
import { TexturePadScorer, type PassiveLivenessModel } from './passive-scorer';

export class LivenessEngine {
  constructor(
    readonly pipeline: FacePipeline,
    readonly passive: PassiveLivenessModel,
    readonly settings: LivenessSettings = DEFAULT_LIVENESS_SETTINGS,
  ) {}

  /** Loads the verified models from `modelsDir` (throws MODEL_MISSING / MODEL_TAMPERED). */
  static async load(
    modelsDir: string,
    settings: LivenessSettings = DEFAULT_LIVENESS_SETTINGS,
  ): Promise<LivenessEngine> {
    // The small weights file first: a missing or altered one stops before any worker starts.
    const pad = loadPadModel(modelsDir);
    const [pipeline, texture] = await Promise.all([
      FacePipeline.load(modelsDir),
      OnnxTextureLiveness.create(modelsDir),
    ]);
    return new LivenessEngine(pipeline, new TexturePadScorer(texture, pad), settings);
  }

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
