/** The PAD measurement cache of the developers' data, built when missing or stale. */
import { OnnxTextureLiveness } from '../../src/main/adapters/onnx-texture-liveness';
import { defaultModelsDir } from '../../src/main/core/models/model-verifier';
import { largestFace } from '../../src/main/core/vision/face-choice';
import type { RgbImage } from '../../src/main/core/vision/vision.types';
import { sharedDataDir } from '../../tests/support/shared-data';
import { padPresentations } from './pad-dataset';
import { buildPadCache, loadPadCache, type PadCache } from './pad-feature-cache';
import { loadFacePipeline } from '../../src/main/composition/onnx-models';

export async function padCache(
  root: string,
  rebuild: boolean,
  log: (line: string) => void,
): Promise<PadCache> {
  const cached = rebuild ? null : loadPadCache(root);
  if (cached) return cached;
  const data = sharedDataDir();
  log(`measuring ${data} into .cache/pad (once; several minutes)`);
  const models = defaultModelsDir();
  const [pipeline, texture] = await Promise.all([
    loadFacePipeline(models),
    OnnxTextureLiveness.create(models),
  ]);
  try {
    const finder = async (f: RgbImage) => largestFace(await pipeline.analyzeImage(f)) ?? null;
    return await buildPadCache(
      root,
      data,
      padPresentations(data),
      { largestFace: finder, texture },
      log,
    );
  } finally {
    await Promise.all([pipeline.close(), texture.close()]);
  }
}
