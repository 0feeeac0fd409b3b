/**
 * Per-stage latency of the face pipeline on LFW images (250x250, one face each), single-threaded
 * ONNX sessions as in the station. One command for a quiet-machine re-run:
 *
 *   npx tsx bench/pipeline-latency.ts [--images 100] [--warmup 5]
 *
 * Per face, in the order FacePipeline.analyzeImage runs them in 'fast' mode (video frames):
 * detect (letterbox warp + fr_detect + NMS, then O-Net on each proposal), landmarks (68-point
 * model twice, the first crop from O-Net's points), align (similarity fit + 112x112 warp), embed
 * (fr_feature in its worker thread + L2 norm); "per face" is their sum. Also: decode (sharp),
 * the door path (analyzeRegion from a box: what a camera frame costs once the renderer's
 * MediaPipe found the face), 'precise' detection (3x3 tiles where the image is large enough;
 * at 250x250 it is not) and the MTCNN cascade alone (the finder's second opinion).
 * Prints a markdown table with the 1-minute load average.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeImageFile } from '../src/main/adapters/image-decoder';
import { OnnxEmbedder } from '../src/main/adapters/onnx-embedder';
import { OnnxFaceDetector } from '../src/main/adapters/onnx-face-detector';
import { OnnxLandmarker } from '../src/main/adapters/onnx-landmarker';
import { OnnxMtcnn } from '../src/main/adapters/onnx-mtcnn';
import { defaultModelsDir } from '../src/main/core/models/model-verifier';
import { alignFace } from '../src/main/core/vision/face-alignment';
import {
  cropFromBox,
  cropFromFivePoints,
  predictLandmarks,
} from '../src/main/core/vision/face-landmarks';
import { DEFAULT_PIPELINE_CONFIG, FacePipeline } from '../src/main/core/vision/face-pipeline';
import { fivePointsFrom68 } from '../src/main/core/vision/five-points';
import { MtcnnDetector } from '../src/main/core/vision/mtcnn-detector';
import type { RgbImage } from '../src/main/core/vision/vision.types';
import { sharedDataDir } from '../tests/support/shared-data';
import { load1, ms, summarize } from './lib/bench-stats';

const STAGES = [
  'decode',
  'detect (fast)',
  'landmarks (2 passes)',
  'align',
  'embed',
  'per face (detect..embed)',
  'door path (analyzeRegion)',
  'detect (precise)',
  'MTCNN cascade alone',
] as const;
type Stage = (typeof STAGES)[number];

async function lap<T>(t: Map<Stage, number[]>, stage: Stage, f: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const value = await f();
  t.get(stage)!.push(performance.now() - t0);
  return value;
}

async function onePhoto(
  file: string,
  p: FacePipeline,
  m: { landmarker: OnnxLandmarker; embedder: OnnxEmbedder; mtcnn: MtcnnDetector },
  t: Map<Stage, number[]>,
): Promise<boolean> {
  const img: RgbImage = await lap(t, 'decode', () => decodeImageFile(file));
  const [face] = await lap(t, 'detect (fast)', () => p.find(img, { mode: 'fast' }));
  if (!face) return false;
  const five = await lap(t, 'landmarks (2 passes)', async () => {
    const first = (face.five && cropFromFivePoints(face.five, true)) ?? cropFromBox(face.box);
    const pass1 = fivePointsFrom68(await predictLandmarks(m.landmarker, img, first));
    const refined = cropFromFivePoints(pass1, DEFAULT_PIPELINE_CONFIG.uprightRefine);
    return refined ? fivePointsFrom68(await predictLandmarks(m.landmarker, img, refined)) : pass1;
  });
  const aligned = await lap(t, 'align', () => Promise.resolve(alignFace(img, five)));
  await lap(t, 'embed', () => m.embedder.embed(aligned));
  const n = t.get('decode')!.length - 1;
  const perFace = (['detect (fast)', 'landmarks (2 passes)', 'align', 'embed'] as const).reduce(
    (s, k) => s + t.get(k)![n]!,
    0,
  );
  t.get('per face (detect..embed)')!.push(perFace);
  await lap(t, 'door path (analyzeRegion)', () => p.analyzeRegion(img, { box: face.box }));
  await lap(t, 'detect (precise)', () => p.find(img, { mode: 'precise' }));
  await lap(t, 'MTCNN cascade alone', () => m.mtcnn.detect(img));
  return true;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      images: { type: 'string', default: '100' },
      warmup: { type: 'string', default: '5' },
    },
  });
  const dir = join(sharedDataDir(), 'lfw_pairs_gray');
  const rows = readFileSync(join(dir, 'pairs.csv'), 'utf8').trim().split(/\r?\n/).slice(1);
  const warmup = Number(values.warmup);
  const files = [...new Set(rows.flatMap((l) => l.split(',').slice(1, 3)))].slice(
    0,
    Number(values.images) + warmup,
  );
  const modelsDir = defaultModelsDir();
  const detector = await OnnxFaceDetector.create(modelsDir);
  const landmarker = await OnnxLandmarker.create(modelsDir);
  const embedder = await OnnxEmbedder.create(modelsDir);
  const mtcnn = new MtcnnDetector(await OnnxMtcnn.create(modelsDir));
  const pipeline = new FacePipeline(detector, landmarker, embedder, mtcnn);
  const times = new Map<Stage, number[]>(STAGES.map((s) => [s, []]));
  const loads: number[] = [];
  let noFace = 0;
  for (const [i, f] of files.entries()) {
    // Warm-up photos are measured into a throw-away map.
    const into = i < warmup ? new Map<Stage, number[]>(STAGES.map((s) => [s, []])) : times;
    if (!(await onePhoto(join(dir, f), pipeline, { landmarker, embedder, mtcnn }, into))) noFace++;
    if (i % 10 === 0) loads.push(load1());
  }
  await embedder.close();
  const l = summarize(loads);
  const n = times.get('per face (detect..embed)')!.length;
  console.log(
    `### Pipeline latency: ${n} LFW photos (250x250), 1 ONNX thread, Node ${process.version}, ` +
      `1-minute load average ${l.min.toFixed(1)}-${l.max.toFixed(1)}\n`,
  );
  if (noFace) console.log(`(${noFace} photos without a face found were skipped)\n`);
  console.log('| stage | mean ms | p50 ms | p95 ms |\n|---|---:|---:|---:|');
  for (const s of STAGES) {
    const v = summarize(times.get(s)!);
    console.log(`| ${s} | ${ms(v.mean)} | ${ms(v.p50)} | ${ms(v.p95)} |`);
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
