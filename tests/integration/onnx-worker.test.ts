import { readFileSync } from 'node:fs';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillChwInput } from '../../src/main/adapters/chw-input';
import { decodeImageFile } from '../../src/main/adapters/image-decoder';
import { CHANNEL_ORDER } from '../../src/main/adapters/onnx-embedder';
import { SESSION_OPTIONS } from '../../src/main/adapters/onnx-session';
import {
  OnnxTextureLiveness,
  TEXTURE_CHANNEL_ORDER,
} from '../../src/main/adapters/onnx-texture-liveness';
import { OnnxWorkerSession } from '../../src/main/adapters/onnx-worker-session';
import { faceSquare } from '../../src/main/core/liveness/face-square';
import { textureCrop } from '../../src/main/core/liveness/texture-crop';
import { defaultModelsDir, loadVerifiedModel } from '../../src/main/core/models/model-verifier';
import { l2Normalize } from '../../src/main/core/vision/embedding-math';
import { alignFace } from '../../src/main/core/vision/face-alignment';
import type { FacePipeline } from '../../src/main/core/vision/face-pipeline';
import type { RgbImage } from '../../src/main/core/vision/vision.types';
import { StationError } from '../../src/shared/errors';
import { sharedDataPath } from '../support/shared-data';
import { loadFacePipeline } from '../../src/main/composition/onnx-models';

/**
 * The embedding and texture networks run in worker threads (onnx-worker-session.ts). Their
 * outputs must be exactly what an ONNX session on the calling thread gives for the same input,
 * and a worker that dies or fails must fail its callers with MODEL_FAILED, never leave them
 * waiting.
 */
const modelsDir = defaultModelsDir();
let pipeline: FacePipeline;
let texture: OnnxTextureLiveness;
let aligned: RgbImage;
let crop: RgbImage;

/** The model run the old way: a session on this thread, same options, same input floats. */
async function inThread(
  file: 'fr_feature.onnx' | 'fr_liveness.onnx',
  img: RgbImage,
  offset: number,
  scale: number,
): Promise<Float32Array> {
  const session = await InferenceSession.create(
    loadVerifiedModel(modelsDir, file),
    SESSION_OPTIONS,
  );
  try {
    const input = new Float32Array(3 * img.width * img.height);
    const order = file === 'fr_feature.onnx' ? CHANNEL_ORDER : TEXTURE_CHANNEL_ORDER;
    fillChwInput(input, img, order, offset, scale);
    const out = await session.run({
      input: new Tensor('float32', input, [1, 3, img.height, img.width]),
    });
    return (out.output?.data as Float32Array).slice();
  } finally {
    await session.release();
  }
}

beforeAll(async () => {
  [pipeline, texture] = await Promise.all([
    loadFacePipeline(modelsDir),
    OnnxTextureLiveness.create(modelsDir),
  ]);
  const img = await decodeImageFile(sharedDataPath('deepface_testset', 'img1.jpg'));
  const [face] = await pipeline.analyzeImage(img);
  if (!face) throw new Error('test image: no face');
  aligned = alignFace(img, face.five);
  crop = textureCrop(img, faceSquare(face));
});

afterAll(async () => {
  await Promise.all([pipeline?.close(), texture?.close()]);
});

describe('models in worker threads', () => {
  it('gives the same embedding, bit for bit, as a session on the calling thread', async () => {
    const viaWorker = await pipeline.embedAligned(aligned);
    const direct = l2Normalize(await inThread('fr_feature.onnx', aligned, 127, 1 / 128));
    expect(viaWorker).toHaveLength(512);
    expect(Array.from(viaWorker)).toEqual(Array.from(direct));
  });

  it('gives the same texture logits as a session on the calling thread', async () => {
    const viaWorker = await texture.logits(crop);
    const direct = await inThread('fr_liveness.onnx', crop, 0, 1);
    expect(Array.from(viaWorker)).toEqual(Array.from(direct));
  });

  it('runs both networks at once, and overlapping calls keep their own inputs', async () => {
    const [e1, t1] = [await pipeline.embedAligned(aligned), await texture.logits(crop)];
    const flipped: RgbImage = { ...aligned, data: aligned.data.slice().reverse() };
    const results = await Promise.all([
      pipeline.embedAligned(aligned),
      texture.logits(crop),
      pipeline.embedAligned(flipped),
      pipeline.embedAligned(aligned),
      texture.logits(crop),
    ]);
    expect(Array.from(results[0])).toEqual(Array.from(e1));
    expect(Array.from(results[1])).toEqual(Array.from(t1));
    expect(Array.from(results[3])).toEqual(Array.from(e1));
    expect(Array.from(results[4])).toEqual(Array.from(t1));
    expect(Array.from(results[2])).not.toEqual(Array.from(e1));
  });
});

describe('worker failures', () => {
  const livenessBytes = (): Uint8Array => readFileSync(`${modelsDir}/fr_liveness.onnx`);
  const input = (): Float32Array => new Float32Array(3 * 128 * 128).fill(100);
  const DIMS = [1, 3, 128, 128];

  it('rejects the requests of a worker that died with MODEL_FAILED, then starts a new one', async () => {
    const session = await OnnxWorkerSession.start('fr_liveness.onnx', livenessBytes());
    try {
      const pending = [1, 2, 3, 4].map(() => session.run(input(), DIMS));
      // Stopped from outside, as a crash would: not through close().
      await session.thread?.terminate();
      const settled = await Promise.allSettled(pending);
      const failures = settled.filter((s) => s.status === 'rejected');
      expect(failures.length).toBeGreaterThan(0);
      for (const f of failures) {
        const reason: unknown = f.reason;
        expect(reason).toBeInstanceOf(StationError);
        expect((reason as StationError).code).toBe('MODEL_FAILED');
        expect((reason as StationError).message).toMatch(
          /fr_liveness\.onnx is unavailable: its worker thread stopped \(exit code \d+\)/,
        );
      }
      // The next request gets a fresh worker.
      expect(await session.run(input(), DIMS)).toHaveLength(3);
    } finally {
      await session.close();
    }
  });

  it('fails pending and later requests after close', async () => {
    const session = await OnnxWorkerSession.start('fr_liveness.onnx', livenessBytes());
    const pending = session.run(input(), DIMS);
    const closing = session.close();
    await expect(pending).rejects.toMatchObject({ code: 'MODEL_FAILED' });
    await closing;
    await expect(session.run(input(), DIMS)).rejects.toMatchObject({
      code: 'MODEL_FAILED',
      message: 'fr_liveness.onnx is unavailable: closed.',
    });
  });

  it('reports a failed run as MODEL_FAILED and keeps serving', async () => {
    const session = await OnnxWorkerSession.start('fr_liveness.onnx', livenessBytes());
    try {
      await expect(session.run(input(), DIMS, 'no_such_input')).rejects.toMatchObject({
        code: 'MODEL_FAILED',
        message: expect.stringMatching(/^fr_liveness\.onnx inference failed: /) as unknown,
      });
      expect(await session.run(input(), DIMS)).toHaveLength(3);
    } finally {
      await session.close();
    }
  });

  it('refuses bytes ONNX Runtime cannot load with MODEL_FAILED', async () => {
    const garbage = new Uint8Array(1000).fill(7);
    await expect(OnnxWorkerSession.start('garbage.onnx', garbage)).rejects.toMatchObject({
      code: 'MODEL_FAILED',
      message: expect.stringMatching(
        /^garbage\.onnx could not be loaded by ONNX Runtime: /,
      ) as unknown,
    });
  });
});
