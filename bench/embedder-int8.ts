/**
 * Int8 variants of the recogniser (fr_feature.onnx) against the float model: LFW accuracy on
 * the 6,000 official pairs and the cost of one embedding (issue 17, item 5). The variants are
 * made by scripts/models/quantize-embedder.ts (no Python here): int8 weights only, and static
 * QDQ int8 (weights and activations; ONNX Runtime fuses it into QLinearConv / QLinearAdd),
 * with and without the first and the last convolution left in float. Activation ranges are
 * calibrated on CelebA faces (--calibration photos), never on LFW.
 *
 *   npx tsx bench/embedder-int8.ts [--calibration 200] [--runs 300] [--limit 6000] [--write DIR]
 *   npx tsx bench/embedder-int8.ts --cost-only [--runs 1000]   # the cost column alone, in a minute
 *
 * Every variant embeds the same aligned crops (detection, landmarks and alignment by the
 * float pipeline), so only the embedding differs. LFW faces not detected fall back to the
 * central box, as in bench/lfw-verification.ts. Cost is CPU milliseconds per embedding of a
 * single-threaded in-thread session (process CPU time, steadier than wall time on a shared
 * machine), plus the wall-clock median; the 1-minute load average is printed. --write saves
 * the variants (with their SHA-256) for inspection; none is in the model catalog.
 */
import { writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { fillChwInput } from '../src/main/adapters/chw-input';
import { decodeImageFile } from '../src/main/adapters/image-decoder';
import { SESSION_OPTIONS } from '../src/main/adapters/onnx-session';
import {
  loadVerifiedModel,
  sha256Hex,
  defaultModelsDir,
} from '../src/main/core/models/model-verifier';
import { alignFace } from '../src/main/core/vision/face-alignment';
import type { FacePipeline } from '../src/main/core/vision/face-pipeline';
import { dot, l2Normalize } from '../src/main/core/vision/embedding-math';
import {
  crossValidatedAccuracy,
  equalErrorRate,
  tarAtFar,
  type ScoredPair,
} from '../src/main/core/vision/verification-metrics';
import type { FaceBox, RgbImage } from '../src/main/core/vision/vision.types';
import { readOnnx } from '../scripts/models/onnx-graph';
import {
  activationNames,
  quantizeEmbedder,
  RangeTracker,
  withExtraOutputs,
} from '../scripts/models/quantize-embedder';
import { sharedDataDir } from '../tests/support/shared-data';
import { celebaPhotos } from './lib/face-records';
import { loadFacePipeline } from '../src/main/composition/onnx-models';

const SIZE = 112;
const asInput = (face: RgbImage): Float32Array => {
  const x = new Float32Array(3 * SIZE * SIZE);
  fillChwInput(x, face, 'bgr', 127, 1 / 128);
  return x;
};
const tensor = (x: Float32Array) => new Tensor('float32', x, [1, 3, SIZE, SIZE]);

async function embed(s: InferenceSession, x: Float32Array): Promise<Float32Array> {
  return l2Normalize((await s.run({ input: tensor(x) })).output!.data as Float32Array);
}

/** The aligned main face of each photo (largest; LFW: nearest the centre, central-box fallback). */
async function alignedFaces(
  pipeline: FacePipeline,
  files: readonly string[],
  centred: boolean,
): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [i, file] of files.entries()) {
    const img = await decodeImageFile(join(sharedDataDir(), file));
    const boxes = await pipeline.detect(img);
    const dist = (b: FaceBox) =>
      Math.hypot((b.x1 + b.x2 - img.width) / 2, (b.y1 + b.y2 - img.height) / 2);
    const size = (b: FaceBox) => b.y2 - b.y1;
    const box = [...boxes].sort((p, q) => (centred ? dist(p) - dist(q) : size(q) - size(p)))[0];
    if (!box && !centred) continue;
    const side = 0.45 * Math.min(img.width, img.height);
    const fallback = {
      x1: img.width / 2 - 0.36 * side,
      y1: img.height / 2 - side / 2,
      x2: img.width / 2 + 0.36 * side,
      y2: img.height / 2 + side / 2,
      score: 0,
    };
    const face = await pipeline.analyzeDetection(img, box ?? fallback);
    out.set(file, asInput(alignFace(img, face.five)));
    if ((i + 1) % 1000 === 0) process.stderr.write(`aligned ${i + 1}/${files.length}\n`);
  }
  return out;
}

async function calibrate(
  model: Uint8Array,
  inputs: readonly Float32Array[],
): Promise<RangeTracker> {
  const names = activationNames(readOnnx(model), 'input', ['output']);
  const session = await InferenceSession.create(withExtraOutputs(model, names), SESSION_OPTIONS);
  const tracker = new RangeTracker();
  for (const x of inputs) {
    const out = await session.run({ input: tensor(x) });
    for (const n of names) tracker.observe(n, out[n]!.data as Float32Array);
  }
  return tracker;
}

async function cost(
  s: InferenceSession,
  inputs: readonly Float32Array[],
  runs: number,
): Promise<{ cpu: number; wall: number }> {
  for (let i = 0; i < 20; i++) await s.run({ input: tensor(inputs[i % inputs.length]!) });
  const walls: number[] = [];
  const c0 = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await s.run({ input: tensor(inputs[i % inputs.length]!) });
    walls.push(performance.now() - t0);
  }
  const c = process.cpuUsage(c0);
  walls.sort((a, b) => a - b);
  return { cpu: (c.user + c.system) / 1000 / runs, wall: walls[Math.floor(runs / 2)]! };
}

function lfwPairs(limit: number): { fold: number; a: string; b: string; same: boolean }[] {
  const dir = join(sharedDataDir(), 'lfw_pairs_gray');
  const rows = readFileSync(join(dir, 'pairs.csv'), 'utf8').trim().split(/\r?\n/).slice(1);
  const all = rows.map((l) => {
    const [fold, a, b, same] = l.split(',');
    return {
      fold: Number(fold),
      a: join('lfw_pairs_gray', a!),
      b: join('lfw_pairs_gray', b!),
      same: same === '1',
    };
  });
  const step = Math.max(1, Math.floor(all.length / limit));
  return all.filter((_, i) => i % step === 0).slice(0, limit);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      calibration: { type: 'string', default: '200' },
      runs: { type: 'string', default: '300' },
      limit: { type: 'string', default: '6000' },
      write: { type: 'string' },
      'cost-only': { type: 'boolean', default: false },
    },
  });
  const modelsDir = defaultModelsDir();
  const float = loadVerifiedModel(modelsDir, 'fr_feature.onnx');
  const pipeline = await loadFacePipeline(modelsDir);
  const calibration = [
    ...(
      await alignedFaces(
        pipeline,
        celebaPhotos()
          .map(([f]) => f)
          .slice(0, Number(values.calibration)),
        false,
      )
    ).values(),
  ];
  const ranges = (await calibrate(float, calibration)).ranges;
  const convs = readOnnx(float).nodes.filter((n) => n.opType === 'Conv');
  const ends = new Set([convs[0]!.outputs[0]!, convs[convs.length - 1]!.outputs[0]!]);
  const variants: [string, Uint8Array][] = [
    ['float (shipped)', float],
    ['int8 weights only', quantizeEmbedder(float, { mode: 'weights' })],
    ['int8 static QDQ', quantizeEmbedder(float, { mode: 'static', ranges })],
    [
      'int8 static QDQ, first/last conv float',
      quantizeEmbedder(float, { mode: 'static', ranges, keepFloat: ends }),
    ],
  ];
  if (values.write) {
    mkdirSync(values.write, { recursive: true });
    variants.slice(1).forEach(([name, bytes], i) => {
      const file = join(values.write!, `fr_feature.int8-${i + 1}.onnx`);
      writeFileSync(file, bytes);
      console.error(`${file}: ${name}, SHA-256 ${sha256Hex(bytes)}`);
    });
  }
  if (values['cost-only']) {
    await pipeline.close();
    return costOnly(variants, calibration, Number(values.runs));
  }
  const pairs = lfwPairs(Number(values.limit));
  const aligned = await alignedFaces(
    pipeline,
    [...new Set(pairs.flatMap((p) => [p.a, p.b]))],
    true,
  );
  await pipeline.close();
  console.log(
    `calibration: ${calibration.length} CelebA faces; LFW: ${pairs.length} pairs, ${aligned.size} images\n`,
  );
  console.log(
    '| variant | bytes | LFW 10-fold accuracy | EER | TAR @ FAR 1e-3 | CPU ms / embedding | wall p50 ms |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const [name, bytes] of variants) {
    const s = await InferenceSession.create(bytes, SESSION_OPTIONS);
    const emb = new Map<string, Float32Array>();
    for (const [file, x] of aligned) emb.set(file, await embed(s, x));
    const scored: ScoredPair[] = pairs.map((p) => ({
      score: dot(emb.get(p.a)!, emb.get(p.b)!),
      same: p.same,
      fold: p.fold,
    }));
    const genuine = scored.filter((p) => p.same).map((p) => p.score);
    const impostor = scored.filter((p) => !p.same).map((p) => p.score);
    const cv = crossValidatedAccuracy(scored);
    const { cpu, wall } = await cost(s, calibration, Number(values.runs));
    const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
    console.log(
      `| ${name} | ${bytes.length} | ${pct(cv.mean)} ± ${(100 * cv.std).toFixed(2)} | ${pct(equalErrorRate(genuine, impostor).eer)} | ${pct(tarAtFar(genuine, impostor, 1e-3).tar)} | ${cpu.toFixed(2)} | ${wall.toFixed(2)} |`,
    );
  }
  console.log(`\n1-minute load average at the end: ${loadavg()[0]!.toFixed(2)} (2 cores)`);
  process.exit(0);
}

/** The variants' cost, interleaved round by round so a change of machine load hits all alike. */
async function costOnly(
  variants: readonly [string, Uint8Array][],
  inputs: readonly Float32Array[],
  runs: number,
): Promise<void> {
  const sessions = await Promise.all(
    variants.map(([, bytes]) => InferenceSession.create(bytes, SESSION_OPTIONS)),
  );
  const totals = variants.map(() => ({ cpu: 0, wall: [] as number[] }));
  const rounds = 10;
  for (let r = 0; r < rounds; r++) {
    for (const [i, s] of sessions.entries()) {
      const { cpu, wall } = await cost(s, inputs, Math.ceil(runs / rounds));
      totals[i]!.cpu += cpu / rounds;
      totals[i]!.wall.push(wall);
    }
  }
  console.log('| variant | CPU ms / embedding | wall p50 ms (median of rounds) |');
  console.log('|---|---:|---:|');
  variants.forEach(([name], i) => {
    const walls = totals[i]!.wall.sort((a, b) => a - b);
    console.log(
      `| ${name} | ${totals[i]!.cpu.toFixed(2)} | ${walls[Math.floor(walls.length / 2)]!.toFixed(2)} |`,
    );
  });
  console.log(`\n1-minute load average at the end: ${loadavg()[0]!.toFixed(2)} (2 cores)`);
  process.exit(0);
}

void main();
