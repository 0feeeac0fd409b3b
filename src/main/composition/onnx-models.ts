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

/** The liveness engine over the ONNX adapters (throws MODEL_MISSING / MODEL_TAMPERED). */
export async function loadLivenessEngine(
  modelsDir: string,
  settings: LivenessSettings = DEFAULT_LIVENESS_SETTINGS,
): Promise<LivenessEngine> {
  // The small weights file first: a missing or altered one stops before any worker starts.
  const pad = loadPadModel(modelsDir);
  const [pipeline, texture] = await Promise.all([
    loadFacePipeline(modelsDir),
    OnnxTextureLiveness.create(modelsDir),
  ]);
  return new LivenessEngine(pipeline, new TexturePadScorer(texture, pad), settings);
}
