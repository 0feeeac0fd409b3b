import { OnnxTextureLiveness } from './adapters/onnx-texture-liveness';
import { LivenessEngine } from './core/liveness/liveness-engine';
import { loadPadModel } from './core/liveness/pad-model-loader';
import type { PadModel } from './core/liveness/pad-model';
import { TexturePadScorer } from './core/liveness/passive-scorer';
import { builtinSpec, type EmbeddingModelSpec } from './core/models/embedding-model-source';
import { FacePipeline } from './core/vision/face-pipeline';

/** The verified models a station runs on, loading on their worker threads. */
export interface StationModelLoads {
  pad: PadModel;
  pipeline: Promise<FacePipeline>;
  texture: Promise<OnnxTextureLiveness>;
  /** Stops the models' worker threads (once loaded; a failed load has none). */
  release: () => void;
}

/**
 * Starts loading the station's models: the PAD weights (a few kB, read and hash-checked now,
 * so a missing or altered file stops before any worker starts), then the face pipeline with
 * the folder's embedding model and the texture net on their workers. openStation and the
 * station-less commands (a recording judged without a data folder) load them this one way.
 */
export function startStationModels(
  modelsDir: string,
  embedding: EmbeddingModelSpec = builtinSpec(),
): StationModelLoads {
  const pad = loadPadModel(modelsDir);
  const pipeline = FacePipeline.load(modelsDir, undefined, embedding);
  const texture = OnnxTextureLiveness.create(modelsDir);
  // Their failures reach whoever awaits them: never as unhandled rejections.
  pipeline.catch(() => undefined);
  texture.catch(() => undefined);
  return {
    pad,
    pipeline,
    texture,
    release: () => {
      void pipeline.then(
        (p) => p.close(),
        () => undefined,
      );
      void texture.then(
        (t) => t.close(),
        () => undefined,
      );
    },
  };
}

/** The liveness engine on the station's models, for judging a recording without a station. */
export async function loadLivenessEngine(modelsDir: string): Promise<LivenessEngine> {
  const loads = startStationModels(modelsDir);
  try {
    const [pipeline, texture] = await Promise.all([loads.pipeline, loads.texture]);
    return new LivenessEngine(pipeline, new TexturePadScorer(texture, loads.pad));
  } catch (err) {
    loads.release();
    throw err;
  }
}
