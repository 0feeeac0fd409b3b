import { decodeImageBuffer, DEFAULT_DECODE_LIMITS } from './adapters/image-decoder';
import { faissIndexFactories } from './adapters/faiss-vector-index';
import { OnnxTextureLiveness } from './adapters/onnx-texture-liveness';
import { defaultModelsDir } from './core/models/model-verifier';
import { Station, type OpenStationOptions } from './core/station.service';
import { FacePipeline } from './core/vision/face-pipeline';

/**
 * Composition root shared by all three hosts (Electron main, loopback host, CLI): the core
 * station wired to the real adapters. Models are hash-checked as they load; a missing or
 * tampered model stops the start with MODEL_MISSING / MODEL_TAMPERED.
 */
export async function openStation(opts: OpenStationOptions): Promise<Station> {
  const modelsDir = opts.modelsDir ?? defaultModelsDir();
  const pipeline = await FacePipeline.load(modelsDir);
  const texture = await OnnxTextureLiveness.create(modelsDir);
  return Station.create({
    dataDir: opts.dataDir,
    mode: opts.mode,
    modelsDir,
    analyzer: pipeline,
    decode: (bytes, name) => decodeImageBuffer(bytes, DEFAULT_DECODE_LIMITS, name),
    indexFactories: faissIndexFactories,
    templateKeys: opts.templateKeys,
    texture,
  });
}
