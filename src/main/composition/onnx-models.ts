import { OnnxEmbedder } from '../adapters/onnx-embedder';
import { OnnxFaceDetector } from '../adapters/onnx-face-detector';
import { OnnxLandmarker } from '../adapters/onnx-landmarker';
import { OnnxMtcnn } from '../adapters/onnx-mtcnn';
import { OnnxTextureLiveness } from '../adapters/onnx-texture-liveness';
import { LivenessEngine } from '../core/liveness/liveness-engine';
import {
  DEFAULT_LIVENESS_SETTINGS,
  type LivenessSettings,
} from '../core/liveness/liveness-settings';
import { loadPadModel } from '../core/liveness/pad-model-loader';
import type { PadModel } from '../core/liveness/pad-model';
import { TexturePadScorer } from '../core/liveness/passive-scorer';
import type { EmbeddingModelSpec } from '../core/models/embedding-model-source';
import {
  DEFAULT_PIPELINE_CONFIG,
  FacePipeline,
  type FacePipelineConfig,
} from '../core/vision/face-pipeline';
import { MtcnnDetector } from '../core/vision/mtcnn-detector';

/**
 * The face pipeline over the ONNX adapters: the three verified models from `modelsDir` (throws
 * MODEL_MISSING / MODEL_TAMPERED), the embedding model from `embedding` when a site brings its own.
 */
export async function loadFacePipeline(
  modelsDir: string,
  config: FacePipelineConfig = DEFAULT_PIPELINE_CONFIG,
  embedding?: EmbeddingModelSpec,
): Promise<FacePipeline> {
  const [detector, landmarker, embedder, mtcnn] = await Promise.all([
    OnnxFaceDetector.create(modelsDir),
    OnnxLandmarker.create(modelsDir),
    OnnxEmbedder.create(modelsDir, embedding),
    OnnxMtcnn.create(modelsDir),
  ]);
  return new FacePipeline(detector, landmarker, embedder, new MtcnnDetector(mtcnn), config);
}

/** The verified models a station runs on, loading on their worker threads. */
export interface StationModelLoads {
  pad: PadModel;
  pipeline: Promise<FacePipeline>;
  texture: Promise<OnnxTextureLiveness>;
  /** Stops the models' worker threads (once loaded; a failed load has none). */
  release: () => void;
}

/**
 * Starts loading the station's models, the small PAD weights first so a missing or altered file
 * stops the start before any worker spawns. openStation and station-less commands load models only
 * this way.
 */
export function startStationModels(
  modelsDir: string,
  embedding?: EmbeddingModelSpec,
): StationModelLoads {
  const pad = loadPadModel(modelsDir);
  const pipeline = loadFacePipeline(modelsDir, DEFAULT_PIPELINE_CONFIG, embedding);
  const texture = OnnxTextureLiveness.create(modelsDir);
  // Their failures reach whoever awaits them: never as unhandled rejections.
  pipeline.catch(() => undefined);
  texture.catch(() => undefined);
  const close = (loading: Promise<{ close(): unknown }>): void =>
    void loading.then(
      (m) => m.close(),
      () => undefined,
    );
  return { pad, pipeline, texture, release: () => (close(pipeline), close(texture)) };
}

/** The liveness engine on the station's models, for judging a recording without a station. */
export async function loadLivenessEngine(
  modelsDir: string,
  settings: LivenessSettings = DEFAULT_LIVENESS_SETTINGS,
): Promise<LivenessEngine> {
  const loads = startStationModels(modelsDir);
  try {
    const [pipeline, texture] = await Promise.all([loads.pipeline, loads.texture]);
    return new LivenessEngine(pipeline, new TexturePadScorer(texture, loads.pad), settings);
  } catch (err) {
    loads.release();
    throw err;
  }
}
