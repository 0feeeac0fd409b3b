/**
 * Per-stage latency of the face pipeline on LFW images (250x250), single-threaded ONNX
 * sessions as in the station.
 *
 *   npx tsx bench/pipeline-latency.ts [--images 100] [--warmup 5]
 *
 * Stages: decode (sharp, JPEG file -> RGB), detect (letterbox warp + fr_detect + NMS),
 * landmarks (both passes: crop warp + fr_landmark, x2), align (similarity fit + 112x112 warp),
 * embed (fr_feature + L2 norm). "door path" = analyzeRegion from a box (what a camera frame
 * costs once the renderer's MediaPipe has found the face: no detector). Prints a markdown table.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeImageFile } from '../src/main/adapters/image-decoder';
import { OnnxEmbedder } from '../src/main/adapters/onnx-embedder';
import { OnnxFaceDetector } from '../src/main/adapters/onnx-face-detector';
import { OnnxLandmarker } from '../src/main/adapters/onnx-landmarker';
import { defaultModelsDir } from '../src/main/core/models/model-verifier';
import { alignFace } from '../src/main/core/vision/face-alignment';
import { detectFaces } from '../src/main/core/vision/face-detection';
import {
  cropFromBox,
  cropFromFivePoints,
  predictLandmarks,
} from '../src/main/core/vision/face-landmarks';
import { DEFAULT_PIPELINE_CONFIG, FacePipeline } from '../src/main/core/vision/face-pipeline';
import { fivePointsFrom68 } from '../src/main/core/vision/five-points';
import { sharedDataDir } from '../tests/support/shared-data';

const STAGES = ['decode', 'detect', 'landmarks', 'align', 'embed', 'total', 'door path'] as const;
type Stage = (typeof STAGES)[number];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
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
  const pipeline = new FacePipeline(detector, landmarker, embedder);
  const times = new Map<Stage, number[]>(STAGES.map((s) => [s, []]));
  let noFace = 0;

  for (const [i, f] of files.entries()) {
    const t: Partial<Record<Stage, number>> = {};
    let t0 = performance.now();
    const lap = (stage: Stage): void => {
      const now = performance.now();
      t[stage] = now - t0;
      t0 = now;
    };
    const img = await decodeImageFile(join(dir, f));
    lap('decode');
    // The same steps, in the same order, as FacePipeline.analyzeImage for one face.
    const box = (
      await detectFaces(detector, img, { ...DEFAULT_PIPELINE_CONFIG.finder.detect, minScore: 0.7 })
    )[0];
    lap('detect');
    if (!box) {
      noFace++;
      continue;
    }
    const first = fivePointsFrom68(await predictLandmarks(landmarker, img, cropFromBox(box)));
    const refined = cropFromFivePoints(first, DEFAULT_PIPELINE_CONFIG.uprightRefine);
    const five = refined
      ? fivePointsFrom68(await predictLandmarks(landmarker, img, refined))
      : first;
    lap('landmarks');
    const aligned = alignFace(img, five);
    lap('align');
    await embedder.embed(aligned);
    lap('embed');
    t.total =
      (t.decode ?? 0) + (t.detect ?? 0) + (t.landmarks ?? 0) + (t.align ?? 0) + (t.embed ?? 0);
    t0 = performance.now();
    await pipeline.analyzeRegion(img, { box });
    lap('door path');
    if (i < warmup) continue;
    for (const s of STAGES) times.get(s)!.push(t[s] ?? NaN);
  }

  const n = times.get('total')!.length;
  console.log(
    `### Pipeline latency: ${n} LFW images (250x250), 1 ONNX thread, Node ${process.version}\n`,
  );
  if (noFace) console.log(`(${noFace} images without a detected face were skipped)\n`);
  console.log('| stage | mean ms | p50 ms | p95 ms |\n|---|---:|---:|---:|');
  for (const s of STAGES) {
    const v = [...times.get(s)!].sort((a, b) => a - b);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    console.log(
      `| ${s} | ${mean.toFixed(2)} | ${percentile(v, 0.5).toFixed(2)} | ${percentile(v, 0.95).toFixed(2)} |`,
    );
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
