/**
 * The station composed as station-factory.ts composes it, minus the ONNX models: for benches
 * that time the start of the data side (database, key, gallery) without the models' load.
 * Imports only what that needs, so a timed import of this module is not inflated.
 */
import { decodeImageBuffer, DEFAULT_DECODE_LIMITS } from '../../src/main/adapters/image-decoder';
import { faissIndexFactories } from '../../src/main/adapters/faiss-vector-index';
import { defaultModelsDir } from '../../src/main/core/models/model-verifier';
import type { Station } from '../../src/main/core/station.service';
import { createStation } from '../../src/main/composition/station-composition';
import type { FaceAnalyzer } from '../../src/main/core/vision/face-analyzer';

/**
 * The FaceAnalyzer the station is composed with when the ONNX models are left out: it only
 * names the embedding model (the gallery's index is per model). Never asked to analyse.
 */
export function stubAnalyzer(modelId: string, dim: number): FaceAnalyzer {
  const refuse = (): never => {
    throw new Error('the cold-start bench does not analyse images without the models');
  };
  return {
    modelId,
    embeddingSpace: modelId,
    embeddingDim: dim,
    analyzeImage: refuse,
    analyzeRegion: refuse,
  };
}

/** The station as the hosts compose it, but with the analyzer above and no passive liveness models. */
export function openStationWithoutModels(dir: string, modelId: string, dim: number): Station {
  return createStation({
    dataDir: dir,
    mode: 'cli',
    modelsDir: defaultModelsDir(),
    analyzer: stubAnalyzer(modelId, dim),
    decode: (bytes, name) => decodeImageBuffer(bytes, DEFAULT_DECODE_LIMITS, name),
    indexFactories: faissIndexFactories,
    passive: null,
  });
}
