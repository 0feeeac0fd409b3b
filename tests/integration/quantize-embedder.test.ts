import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillChwInput } from '../../src/main/adapters/chw-input';
import { decodeImageFile } from '../../src/main/adapters/image-decoder';
import { SESSION_OPTIONS } from '../../src/main/adapters/onnx-session';
import { defaultModelsDir, loadVerifiedModel } from '../../src/main/core/models/model-verifier';
import { dot, l2Normalize } from '../../src/main/core/vision/embedding-math';
import { alignFace } from '../../src/main/core/vision/face-alignment';
import { DTYPE, readOnnx, writeOnnx } from '../../scripts/models/onnx-graph';
import {
  activationNames,
  quantizeEmbedder,
  RangeTracker,
  withExtraOutputs,
} from '../../scripts/models/quantize-embedder';
import { sharedDataPath } from '../support/shared-data';
import { makeTempDir } from '../support/temp-dir';
import { loadFacePipeline } from '../../src/main/composition/onnx-models';

/**
 * The project's int8 quantiser (bench/embedder-int8.ts measures it on LFW) on the real
 * recogniser and real faces: the ONNX rewrite is lossless, int8 weights stay close to the
 * float embedding, and static QDQ is fused by ONNX Runtime into integer kernels.
 */
const float = loadVerifiedModel(defaultModelsDir(), 'fr_feature.onnx');
const tensor = (x: Float32Array) => new Tensor('float32', x, [1, 3, 112, 112]);

async function embed(model: Uint8Array, x: Float32Array): Promise<Float32Array> {
  const s = await InferenceSession.create(model, SESSION_OPTIONS);
  return l2Normalize((await s.run({ input: tensor(x) })).output!.data as Float32Array);
}

describe('int8 quantisation of the embedder', () => {
  const tmp = makeTempDir('station-int8-');
  const faces: Float32Array[] = [];
  beforeAll(async () => {
    const pipeline = await loadFacePipeline(defaultModelsDir());
    for (const n of [1, 2, 13, 14, 20, 21]) {
      const img = await decodeImageFile(sharedDataPath('deepface_testset', `img${n}.jpg`));
      const [face] = await pipeline.analyzeImage(img);
      const x = new Float32Array(3 * 112 * 112);
      fillChwInput(x, alignFace(img, face!.five), 'bgr', 127, 1 / 128);
      faces.push(x);
    }
    await pipeline.close();
  });
  afterAll(() => tmp.cleanup());

  it('rewrites the ONNX file without changing what it computes', async () => {
    const again = writeOnnx(readOnnx(float));
    expect(Array.from(await embed(again, faces[0]!))).toEqual(
      Array.from(await embed(float, faces[0]!)),
    );
  });

  it('stores int8 weights that embed close to the float model', async () => {
    const q = quantizeEmbedder(float, { mode: 'weights' });
    const g = readOnnx(q);
    const int8 = g.initializers.filter((t) => t.dataType === DTYPE.int8 && t.name.endsWith('_q'));
    expect(int8).toHaveLength(50); // one weight tensor per convolution
    expect(q.length).toBeLessThan(float.length / 3);
    for (const x of faces)
      expect(dot(await embed(q, x), await embed(float, x))).toBeGreaterThan(0.99);
  });

  it('calibrates activations and is fused into QLinearConv / QLinearAdd by ONNX Runtime', async () => {
    const names = activationNames(readOnnx(float), 'input', ['output']);
    const probe = await InferenceSession.create(withExtraOutputs(float, names), SESSION_OPTIONS);
    const tracker = new RangeTracker();
    for (const x of faces.slice(0, 4)) {
      const out = await probe.run({ input: tensor(x) });
      for (const n of names) tracker.observe(n, out[n]!.data as Float32Array);
    }
    const q = quantizeEmbedder(float, { mode: 'static', ranges: tracker.ranges });
    const optimized = join(tmp.dir, 'optimized.onnx');
    await InferenceSession.create(q, { ...SESSION_OPTIONS, optimizedModelFilePath: optimized });
    const ops = readOnnx(readFileSync(optimized)).nodes.map((n) => n.opType);
    expect(ops.filter((o) => o === 'QLinearConv')).toHaveLength(50);
    expect(ops.filter((o) => o === 'QLinearAdd')).toHaveLength(12);
    // Held-out faces (not calibrated on): still the same face, less exactly.
    for (const x of faces.slice(4))
      expect(dot(await embed(q, x), await embed(float, x))).toBeGreaterThan(0.9);
  });
});
