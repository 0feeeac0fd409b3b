/**
 * Transforms that turn one pinned model file into another (see DerivedModelEntry in
 * model-catalog.ts). Each must be deterministic: its output is pinned by SHA-256 too.
 */
import type { DerivedModelEntry, ModelName } from '../../src/main/core/models/model-catalog';
import { sha256Hex } from '../../src/main/core/models/model-verifier';
import { addImageMetadata } from './tflite-metadata';
import { convertMobileFaceNetTfliteToOnnx, convertMtcnnTfliteToOnnx } from './tflite-to-onnx';

export type DerivedTransform = (source: Uint8Array, sourceName: ModelName) => Uint8Array;

/** Undefined would mean "not available in this build"; fetch-models then skips the file. */
export function loadDerivedTransform(
  kind: DerivedModelEntry['transform'],
): Promise<DerivedTransform | undefined> {
  switch (kind) {
    case 'tflite-image-metadata':
      // The legacy BlazeFace files lack the metadata MediaPipe Tasks insists on.
      return Promise.resolve((source) => addImageMetadata(source));
    case 'mtcnn-tflite-to-onnx':
      // onnxruntime-node cannot read TFLite; the converted graph names its pinned source.
      return Promise.resolve((source, sourceName) =>
        convertMtcnnTfliteToOnnx(source, { source: `${sourceName} (sha256 ${sha256Hex(source)})` }),
      );
    case 'mobilefacenet-tflite-to-onnx':
      return Promise.resolve((source, sourceName) =>
        convertMobileFaceNetTfliteToOnnx(source, {
          source: `${sourceName} (sha256 ${sha256Hex(source)})`,
        }),
      );
  }
}
