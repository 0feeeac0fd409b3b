/**
 * 1:1 verification with the full pipeline (decode -> detect -> landmarks -> align -> embed) on
 * the LFW pairs (10 folds x 300 genuine + 300 impostor) or the colour CelebA pairs.
 *
 *   npx tsx bench/lfw-verification.ts [--limit 600] [--dataset lfw|celeba] [--channel-order rgb|bgr]
 *
 * Reports 10-fold accuracy (threshold chosen on 9 folds, tested on the 10th), EER, TAR at
 * FAR = 1e-3 and AUC, as markdown and JSON. --limit takes every k-th pair so all folds stay
 * represented. --channel-order reproduces the RGB/BGR measurement behind OnnxEmbedder.
 *
 * Face choice: LFW photos are centred on their subject, so the detected face nearest the
 * centre is used; CelebA photos may show bystanders, so the largest face is used. If no face is
 * detected, THIS BENCHMARK ONLY falls back to a fixed central box (the station itself never
 * guesses a face); the count is printed.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeImageFile } from '../src/main/adapters/image-decoder';
import { type ChannelOrder, CHANNEL_ORDER, OnnxEmbedder } from '../src/main/adapters/onnx-embedder';
import { OnnxFaceDetector } from '../src/main/adapters/onnx-face-detector';
import { OnnxLandmarker } from '../src/main/adapters/onnx-landmarker';
import { OnnxMtcnn } from '../src/main/adapters/onnx-mtcnn';
import { defaultModelsDir } from '../src/main/core/models/model-verifier';
import { builtinSpec } from '../src/main/core/models/embedding-model-source';
import { dot } from '../src/main/core/vision/embedding-math';
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
import { sharedDataDir } from '../tests/support/shared-data';
import {
  DATASET_FOLDERS,
  type Dataset,
  centralBox,
  type Pair,
  isDataset,
  pickFace,
  readPairs,
} from './lib/verification-pairs';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      limit: { type: 'string', default: '6000' },
      dataset: { type: 'string', default: 'lfw' },
      'channel-order': { type: 'string', default: CHANNEL_ORDER },
    },
  });
  const dataset = values.dataset as Dataset;
  if (!isDataset(dataset)) throw new Error(`--dataset must be lfw or celeba`);
  const order = values['channel-order'] as ChannelOrder;
  const dir = join(sharedDataDir(), DATASET_FOLDERS[dataset]);
  const pairs = readPairs(join(dir, 'pairs.csv'), Number(values.limit));
  const files = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];

  const modelsDir = defaultModelsDir();
  const pipeline = new FacePipeline(
    await OnnxFaceDetector.create(modelsDir),
    await OnnxLandmarker.create(modelsDir),
    await OnnxEmbedder.create(modelsDir, builtinSpec(order)),
    new MtcnnDetector(await OnnxMtcnn.create(modelsDir)),
  );
  const embeddings = new Map<string, Float32Array>();
  const fallback: string[] = [];
  const start = performance.now();
  for (const [i, f] of files.entries()) {
    const img = await decodeImageFile(join(dir, f));
    const found = pickFace(await pipeline.find(img), img, dataset);
    if (!found) fallback.push(f);
    const face = found
      ? await pipeline.analyzeFound(img, found)
      : await pipeline.analyzeDetection(img, centralBox(img));
    embeddings.set(f, face.embedding);
    if ((i + 1) % 500 === 0) process.stderr.write(`${i + 1}/${files.length} images\n`);
  }
  const msPerImage = (performance.now() - start) / files.length;
  report(dataset, order, pairs, embeddings, fallback, msPerImage);
}

function report(
  dataset: Dataset,
  order: ChannelOrder,
  pairs: Pair[],
  embeddings: Map<string, Float32Array>,
  fallback: string[],
  msPerImage: number,
): void {
  const scored: ScoredPair[] = pairs.map((p) => ({
    score: dot(embeddings.get(p.a)!, embeddings.get(p.b)!),
    same: p.same,
    fold: p.fold,
  }));
  const genuine = scored.filter((p) => p.same).map((p) => p.score);
  const impostor = scored.filter((p) => !p.same).map((p) => p.score);
  const cv = crossValidatedAccuracy(scored);
  const eer = equalErrorRate(genuine, impostor);
  const tar = tarAtFar(genuine, impostor, 1e-3);
  const result = {
    dataset,
    channelOrder: order,
    pairs: pairs.length,
    genuinePairs: genuine.length,
    impostorPairs: impostor.length,
    images: embeddings.size,
    imagesWithoutDetectedFace: fallback.length,
    fallbackCentralBoxUsedFor: fallback,
    tenFoldAccuracy: { mean: cv.mean, std: cv.std, folds: cv.folds, thresholds: cv.thresholds },
    eer: eer.eer,
    eerThreshold: eer.threshold,
    tarAtFar1e3: tar.tar,
    thresholdAtFar1e3: tar.threshold,
    auc: rocAuc(genuine, impostor),
    meanGenuine: mean(genuine),
    meanImpostor: mean(impostor),
    msPerImage,
  };
  const pct = (x: number): string => (100 * x).toFixed(2);
  console.log(`### ${dataset} verification, full pipeline (${order.toUpperCase()} input)\n`);
  console.log('| metric | value |\n|---|---|');
  console.log(
    `| pairs (genuine / impostor) | ${pairs.length} (${genuine.length} / ${impostor.length}) |`,
  );
  console.log(`| images | ${embeddings.size} |`);
  console.log(
    `| images with no detected face (benchmark-only central-box fallback) | ${fallback.length} |`,
  );
  console.log(`| 10-fold accuracy | ${pct(cv.mean)} % ± ${pct(cv.std)} |`);
  console.log(`| mean fold threshold (cosine) | ${mean(cv.thresholds).toFixed(3)} |`);
  console.log(`| EER | ${pct(eer.eer)} % (at cosine ${eer.threshold.toFixed(3)}) |`);
  console.log(`| TAR @ FAR = 1e-3 | ${pct(tar.tar)} % (at cosine ${tar.threshold.toFixed(3)}) |`);
  console.log(`| AUC | ${result.auc.toFixed(5)} |`);
  console.log(
    `| mean cosine genuine / impostor | ${mean(genuine).toFixed(3)} / ${mean(impostor).toFixed(3)} |`,
  );
  console.log(`| time per image (decode..embed) | ${msPerImage.toFixed(1)} ms |\n`);
  console.log('```json\n' + JSON.stringify(result, null, 2) + '\n```');
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
