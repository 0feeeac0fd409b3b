/**
 * What moving the embedding and texture networks into worker threads costs and buys, per call:
 * the same model and input run (a) on the calling thread, as the adapters did before, and (b)
 * through the station's worker-thread adapters (OnnxEmbedder, OnnxTextureLiveness).
 *
 *   npx tsx bench/onnx-worker-latency.ts [--calls 200] [--warmup 20]
 *
 * Per mode: wall time per call (p50/p95) and the main thread's busy time per call (event loop
 * utilisation: what the rest of the station cannot use meanwhile). "both" runs one embedding
 * and one texture pass per step: one after the other on the calling thread, at once (two
 * workers) through the adapters. Input: a real aligned face and its texture crop
 * (deepface_testset/img1.jpg).
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { cpus } from 'node:os';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { fillChwInput } from '../src/main/adapters/chw-input';
import { decodeImageFile } from '../src/main/adapters/image-decoder';
import { CHANNEL_ORDER, OnnxEmbedder } from '../src/main/adapters/onnx-embedder';
import { SESSION_OPTIONS } from '../src/main/adapters/onnx-session';
import {
  OnnxTextureLiveness,
  TEXTURE_CHANNEL_ORDER,
} from '../src/main/adapters/onnx-texture-liveness';
import { faceSquare } from '../src/main/core/liveness/face-square';
import { textureCrop } from '../src/main/core/liveness/texture-crop';
import { defaultModelsDir, loadVerifiedModel } from '../src/main/core/models/model-verifier';
import { alignFace } from '../src/main/core/vision/face-alignment';
import type { RgbImage } from '../src/main/core/vision/vision.types';
import { sharedDataPath } from '../tests/support/shared-data';
import { load1, ms, summarize } from './lib/bench-stats';
import { loadFacePipeline } from '../src/main/composition/onnx-models';

type Call = () => Promise<unknown>;

/** The pre-worker adapters' way: one session on this thread, one reused input tensor. */
async function inThread(
  file: 'fr_feature.onnx' | 'fr_liveness.onnx',
  img: RgbImage,
  offset: number,
  scale: number,
): Promise<Call> {
  const session = await InferenceSession.create(
    loadVerifiedModel(defaultModelsDir(), file),
    SESSION_OPTIONS,
  );
  const input = new Float32Array(3 * img.width * img.height);
  const tensor = new Tensor('float32', input, [1, 3, img.height, img.width]);
  const order = file === 'fr_feature.onnx' ? CHANNEL_ORDER : TEXTURE_CHANNEL_ORDER;
  return async () => {
    fillChwInput(input, img, order, offset, scale);
    return session.run({ input: tensor });
  };
}

async function time(call: Call, calls: number, warmup: number): Promise<string[]> {
  for (let i = 0; i < warmup; i++) await call();
  const walls: number[] = [];
  const elu0 = performance.eventLoopUtilization();
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    await call();
    walls.push(performance.now() - t0);
  }
  const elu = performance.eventLoopUtilization(elu0);
  const w = summarize(walls);
  return [ms(w.p50), ms(w.p95), ms(elu.active / calls)];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      calls: { type: 'string', default: '200' },
      warmup: { type: 'string', default: '20' },
    },
  });
  const calls = Number(values.calls);
  const warmup = Number(values.warmup);
  const modelsDir = defaultModelsDir();
  const [pipeline, texture, embedder] = await Promise.all([
    loadFacePipeline(modelsDir),
    OnnxTextureLiveness.create(modelsDir),
    OnnxEmbedder.create(modelsDir),
  ]);
  const img = await decodeImageFile(sharedDataPath('deepface_testset', 'img1.jpg'));
  const [face] = await pipeline.analyzeImage(img);
  if (!face) throw new Error('no face in the bench image');
  const aligned = alignFace(img, face.five);
  const crop = textureCrop(img, faceSquare(face));

  const embedHere = await inThread('fr_feature.onnx', aligned, 127, 1 / 128);
  const textureHere = await inThread('fr_liveness.onnx', crop, 0, 1);
  const embedWorker: Call = () => embedder.embed(aligned);
  const textureWorker: Call = () => texture.logits(crop);

  const load0 = load1();
  const rows: [string, Call][] = [
    ['embedding, calling thread', embedHere],
    ['embedding, worker', embedWorker],
    ['texture, calling thread', textureHere],
    ['texture, worker', textureWorker],
    [
      'both, calling thread (one after the other)',
      async () => [await embedHere(), await textureHere()],
    ],
    ['both, workers (at once)', () => Promise.all([embedWorker(), textureWorker()])],
  ];
  const lines: string[] = [];
  for (const [name, call] of rows)
    lines.push(`| ${name} | ${(await time(call, calls, warmup)).join(' | ')} |`);
  const loadAfter = load1();

  console.log(`### ONNX in worker threads: per-call cost\n`);
  console.log(
    `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}; ` +
      `${calls} calls after ${warmup} warm-up; 1-min load ${load0.toFixed(2)} -> ${loadAfter.toFixed(2)}.\n`,
  );
  console.log('| mode | wall p50 ms | wall p95 ms | main thread busy ms/call |');
  console.log('|---|---:|---:|---:|');
  for (const l of lines) console.log(l);
  await Promise.all([pipeline.close(), texture.close(), embedder.close()]);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
