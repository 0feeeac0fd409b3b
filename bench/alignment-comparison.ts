/**
 * Which five points align faces best for the recogniser? On the LFW or CelebA pairs, the face
 * the station's FaceFinder chooses ('precise' mode) is aligned from several landmark sources and
 * embedded, with and without a mirrored second embedding (test-time flip):
 *
 *   until-now  fr_detect alone (score 0.7) -> 68-point model from its box (two passes), the
 *              station before MTCNN (its own face choice)
 *   box68      the finder's face -> 68-point model started from the box (two passes)
 *   onet       MTCNN O-Net's five points of the finder's face
 *   onet68     68-point model started from O-Net's points (two passes): the station now
 *   mean       the average of onet and onet68
 *
 *   npx tsx bench/alignment-comparison.ts [--dataset lfw|celeba] [--limit 6000] [--save FILE.json]
 *
 * Reports 10-fold accuracy (threshold from 9 folds, tested on the 10th), AUC, TAR at FAR 1e-3,
 * and the alignment residual: RMS distance, in 112-px crop pixels, between the five points
 * mapped by their own least-squares similarity and the ArcFace template (how far the points are
 * from a shape the template can fit; it is no ground truth, a lower value only means a more
 * template-like point set). The last row embeds two alignments (box68 and onet68) and averages
 * them, a test-time ensemble of the same cost as a flip. When no face is found the photo falls
 * back to a central box (counted), as in bench/lfw-verification.ts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeImageFile } from '../src/main/adapters/image-decoder';
import { OnnxEmbedder } from '../src/main/adapters/onnx-embedder';
import { OnnxFaceDetector } from '../src/main/adapters/onnx-face-detector';
import { OnnxLandmarker } from '../src/main/adapters/onnx-landmarker';
import { OnnxMtcnn } from '../src/main/adapters/onnx-mtcnn';
import { defaultModelsDir } from '../src/main/core/models/model-verifier';
import { dot } from '../src/main/core/vision/embedding-math';
import { alignFace, alignmentMatrix } from '../src/main/core/vision/face-alignment';
import { detectFaces } from '../src/main/core/vision/face-detection';
import {
  type FaceCrop,
  cropFromBox,
  cropFromFivePoints,
  predictLandmarks,
} from '../src/main/core/vision/face-landmarks';
import {
  DEFAULT_PIPELINE_CONFIG,
  FacePipeline,
  UNCONFIRMED_MIN_SCORE,
} from '../src/main/core/vision/face-pipeline';
import { fivePointsFrom68 } from '../src/main/core/vision/five-points';
import { applyAffine } from '../src/main/core/vision/image-ops';
import { MtcnnDetector } from '../src/main/core/vision/mtcnn-detector';
import { ARCFACE_TEMPLATE_112 } from '../src/main/core/vision/similarity-transform';
import {
  crossValidatedAccuracy,
  rocAuc,
  tarAtFar,
} from '../src/main/core/vision/verification-metrics';
import type { FivePoints, RgbImage } from '../src/main/core/vision/vision.types';
import { sharedDataDir } from '../tests/support/shared-data';
import { load1, summarize } from './lib/bench-stats';
import {
  DATASET_FOLDERS,
  type Dataset,
  isDataset,
  pickFace,
  readPairs,
  centralBox,
} from './lib/verification-pairs';

/** fr_detect as the station ran it before MTCNN. */
const FR_DETECT_ALONE = {
  ...DEFAULT_PIPELINE_CONFIG.finder.detect,
  minScore: UNCONFIRMED_MIN_SCORE,
};

const VARIANTS = ['until-now', 'box68', 'onet', 'onet68', 'mean'] as const;
type Variant = (typeof VARIANTS)[number];

interface ImageResult {
  five: Record<Variant, FivePoints>;
  plain: Record<Variant, Float32Array>;
  flipped: Record<Variant, Float32Array>;
  notFound: boolean;
  legacyNotFound: boolean;
}

interface Models {
  detector: OnnxFaceDetector;
  landmarker: OnnxLandmarker;
  embedder: OnnxEmbedder;
  pipeline: FacePipeline;
}

/** Two landmark passes from a first crop, as FacePipeline does. */
async function fiveFrom68(m: Models, img: RgbImage, first: FaceCrop): Promise<FivePoints> {
  const five = fivePointsFrom68(await predictLandmarks(m.landmarker, img, first));
  const refined = cropFromFivePoints(five, true);
  return refined ? fivePointsFrom68(await predictLandmarks(m.landmarker, img, refined)) : five;
}

function meanFive(a: FivePoints, b: FivePoints): FivePoints {
  const p = (i: number) => [(a[i]![0] + b[i]![0]) / 2, (a[i]![1] + b[i]![1]) / 2] as const;
  return [p(0), p(1), p(2), p(3), p(4)];
}

function mirrored(img: RgbImage): RgbImage {
  const out = new Uint8Array(img.data.length);
  for (let y = 0; y < img.height; y++)
    for (let x = 0; x < img.width; x++)
      out.set(
        img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3),
        (y * img.width + (img.width - 1 - x)) * 3,
      );
  return { width: img.width, height: img.height, data: out };
}

/** RMS distance (112-px crop pixels) between the aligned points and the template. */
export function alignmentResidual(five: FivePoints): number {
  const m = alignmentMatrix(five);
  let sum = 0;
  five.forEach((p, i) => {
    const [x, y] = applyAffine(m, p[0], p[1]);
    const t = ARCFACE_TEMPLATE_112[i]!;
    sum += (x - t[0]) ** 2 + (y - t[1]) ** 2;
  });
  return Math.sqrt(sum / 5);
}

async function analyse(m: Models, img: RgbImage, dataset: Dataset): Promise<ImageResult> {
  const legacyBox = pickFace(
    (await detectFaces(m.detector, img, FR_DETECT_ALONE)).map((box) => ({ box })),
    img,
    dataset,
  )?.box;
  const found = pickFace(await m.pipeline.find(img), img, dataset);
  const box = found?.box ?? centralBox(img);
  const box68 = await fiveFrom68(m, img, cropFromBox(box));
  const onet = found?.five ?? box68;
  const onetCrop = cropFromFivePoints(onet, true);
  const onet68 = onetCrop ? await fiveFrom68(m, img, onetCrop) : box68;
  const five: Record<Variant, FivePoints> = {
    'until-now': await fiveFrom68(m, img, cropFromBox(legacyBox ?? centralBox(img))),
    box68,
    onet,
    onet68,
    mean: meanFive(onet, onet68),
  };
  const plain = {} as Record<Variant, Float32Array>;
  const flipped = {} as Record<Variant, Float32Array>;
  for (const v of VARIANTS) {
    const aligned = alignFace(img, five[v]);
    plain[v] = await m.embedder.embed(aligned);
    flipped[v] = await m.embedder.embed(mirrored(aligned));
  }
  return { five, plain, flipped, notFound: !found, legacyNotFound: !legacyBox };
}

/** --save FILE: every photo's points and embeddings as JSON, for further analysis (outside the repo). */
function saveResults(file: string, results: Map<string, ImageResult>): void {
  const plainArrays = (r: Record<Variant, Float32Array>) =>
    Object.fromEntries(VARIANTS.map((v) => [v, Array.from(r[v])]));
  const out = Object.fromEntries(
    [...results].map(([f, r]) => [
      f,
      { ...r, plain: plainArrays(r.plain), flipped: plainArrays(r.flipped) },
    ]),
  );
  writeFileSync(file, JSON.stringify(out));
}

/** The L2-normalised sum of unit embeddings (a test-time ensemble). */
function fused(list: readonly Float32Array[]): Float32Array {
  const s = new Float32Array(list[0]!.length);
  for (const e of list) e.forEach((v, i) => (s[i]! += v));
  const n = Math.hypot(...s);
  return s.map((v) => v / n);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dataset: { type: 'string', default: 'lfw' },
      limit: { type: 'string', default: '6000' },
      save: { type: 'string' },
    },
  });
  const dataset = values.dataset;
  if (!isDataset(dataset)) throw new Error('--dataset must be lfw or celeba');
  const dir = join(sharedDataDir(), DATASET_FOLDERS[dataset]);
  const pairs = readPairs(join(dir, 'pairs.csv'), Number(values.limit));
  const files = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
  const modelsDir = defaultModelsDir();
  const detector = await OnnxFaceDetector.create(modelsDir);
  const landmarker = await OnnxLandmarker.create(modelsDir);
  const embedder = await OnnxEmbedder.create(modelsDir);
  const mtcnn = new MtcnnDetector(await OnnxMtcnn.create(modelsDir));
  const pipeline = new FacePipeline(detector, landmarker, embedder, mtcnn);
  const models: Models = { detector, landmarker, embedder, pipeline };
  const results = new Map<string, ImageResult>();
  const loads: number[] = [];
  for (const [i, f] of files.entries()) {
    results.set(f, await analyse(models, await decodeImageFile(join(dir, f)), dataset));
    if ((i + 1) % 200 === 0) {
      loads.push(load1());
      process.stderr.write(`${i + 1}/${files.length} images\n`);
    }
  }
  await models.embedder.close();
  if (values.save) saveResults(values.save, results);
  report(dataset, pairs, results, loads);
}

/** Embeddings of every photo under one scheme: a variant, optionally flipped, or an ensemble. */
type Scheme = { label: string; flip: boolean; embed: (r: ImageResult) => Float32Array };

function schemes(): Scheme[] {
  const out: Scheme[] = [];
  for (const v of VARIANTS) {
    out.push({ label: v, flip: false, embed: (r) => r.plain[v] });
    out.push({ label: v, flip: true, embed: (r) => fused([r.plain[v], r.flipped[v]]) });
  }
  out.push({
    label: 'box68 + onet68 (two alignments)',
    flip: false,
    embed: (r) => fused([r.plain.box68, r.plain.onet68]),
  });
  out.push({
    label: 'box68 + onet68 (two alignments)',
    flip: true,
    embed: (r) => fused([r.plain.box68, r.plain.onet68, r.flipped.box68, r.flipped.onet68]),
  });
  return out;
}

function residualOf(label: string, all: ImageResult[]): string {
  const v = VARIANTS.find((x) => x === label);
  if (!v) return '-';
  const res = summarize(all.map((r) => alignmentResidual(r.five[v])));
  return `${res.mean.toFixed(2)} / ${res.p95.toFixed(2)}`;
}

function report(
  dataset: Dataset,
  pairs: ReturnType<typeof readPairs>,
  results: Map<string, ImageResult>,
  loads: number[],
): void {
  const all = [...results.values()];
  const pct = (x: number): string => (100 * x).toFixed(2);
  console.log(
    `### Alignment sources on ${dataset} (${pairs.length} pairs, ${results.size} photos)\n`,
  );
  console.log(
    `The finder found no face in ${all.filter((r) => r.notFound).length} photos, fr_detect alone ` +
      `in ${all.filter((r) => r.legacyNotFound).length} (central-box fallback for those).\n`,
  );
  console.log(
    '| five points from | flip | 10-fold accuracy | AUC | TAR @ FAR 1e-3 | residual mean / p95 (px) |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const scheme of schemes()) {
    const scored = pairs.map((p) => ({
      score: dot(scheme.embed(results.get(p.a)!), scheme.embed(results.get(p.b)!)),
      same: p.same,
      fold: p.fold,
    }));
    const genuine = scored.filter((p) => p.same).map((p) => p.score);
    const impostor = scored.filter((p) => !p.same).map((p) => p.score);
    const cv = crossValidatedAccuracy(scored);
    console.log(
      `| ${scheme.label} | ${scheme.flip ? 'yes' : 'no'} | ${pct(cv.mean)} % ± ${pct(cv.std)} | ` +
        `${rocAuc(genuine, impostor).toFixed(5)} | ${pct(tarAtFar(genuine, impostor, 1e-3).tar)} % | ` +
        `${residualOf(scheme.label, all)} |`,
    );
  }
  const l = summarize(loads);
  console.log(`\n1-minute load average during the run: ${l.min.toFixed(1)}-${l.max.toFixed(1)}.`);
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
