import { decodeImageBuffer, DEFAULT_DECODE_LIMITS } from './adapters/image-decoder';
import { faissFlatFactory } from './adapters/faiss-vector-index';
import { defaultModelsDir } from './core/models/model-verifier';
import { Station, type OpenStationOptions } from './core/station.service';
import { FacePipeline } from './core/vision/face-pipeline';
import type { FaceAnalyzer } from './core/vision/face-analyzer';

/**
 * Composition root shared by all three hosts (Electron main, loopback host, CLI): the core
 * station wired to the real adapters. Models are hash-checked as they load; a missing or
 * tampered model stops the start with MODEL_MISSING / MODEL_TAMPERED.
 */
export async function openStation(opts: OpenStationOptions): Promise<Station> {
  const modelsDir = opts.modelsDir ?? defaultModelsDir();
  const pipeline = await FacePipeline.load(modelsDir);
  const analyzer: FaceAnalyzer = {
    modelId: pipeline.modelId,
    embeddingDim: pipeline.embeddingDim,
    analyzeImage: (img) => pipeline.analyzeImage(img),
    analyzeRegion: (img, hint) => pipeline.analyzeRegion(img, hint),
  };
  return Station.create({
    dataDir: opts.dataDir,
    mode: opts.mode,
    modelsDir,
    analyzer,
    decode: (bytes, name) => decodeImageBuffer(bytes, DEFAULT_DECODE_LIMITS, name),
    indexFactory: faissFlatFactory,
  });
}
