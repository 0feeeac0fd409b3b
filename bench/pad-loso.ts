/**
 * The passive PAD model on the developers' data, as docs/BENCHMARKS.md reports it:
 *
 *   npx tsx bench/pad-loso.ts [--alternatives] [--videos] [--cost-frames 200]
 *
 * 1. Leave-one-source-out: for every source of spoof_ext and spoof, the shipped recipe
 *    (scripts/pad/pad-recipe.ts) fitted on all other sources and scored on that one; per-source
 *    AUC beside the texture network alone (no fitting at all). Single frames: each photo, and
 *    videos sampled at 2 fps (scripts/pad/pad-frames.ts).
 * 2. Per-camera calibration, simulated on those unseen-source scores: one global clearLiveMin
 *    vs a threshold from half of the source's own live scores.
 * 3. Replay-Attack's protocol: fit on train (alone, or with every other source), threshold at
 *    the EER of out-of-fold train scores, reported on devel (other people), single frame.
 * 4. Cost of the PAD model per face (features + classifier, the texture network excluded: it
 *    runs on its worker thread), on real frames, with the 1-minute load average.
 * --alternatives also runs the other recipes tried (slow: minutes each on 2 cores).
 * --videos plays every labelled video through the door's liveness window (15 fps, first 10 s)
 *   with a model fitted without the video's source (bench/lib/pad-video-loso.ts).
 * The first run measures the data into .cache/pad (several minutes); later runs reuse it.
 */
import { parseArgs } from 'node:util';
import { decodeImageFile } from '../src/main/adapters/image-decoder';
import { loadPadModel } from '../src/main/core/liveness/pad-model-loader';
import { liveProbability } from '../src/main/core/liveness/texture-crop';
import { defaultModelsDir, projectRoot } from '../src/main/core/models/model-verifier';
import { OnnxTextureLiveness } from '../src/main/adapters/onnx-texture-liveness';
import { DEFAULT_LIVENESS_SETTINGS } from '../src/main/core/liveness/liveness-settings';
import type { PadModelFile } from '../src/main/core/liveness/pad-model';
import { largestFace } from '../src/main/core/vision/face-choice';
import type { RgbImage } from '../src/main/core/vision/vision.types';
import { videoLeaveOneSourceOut } from './lib/pad-video-loso';
import { padCache } from '../scripts/pad/pad-cache';
import type { PadCache } from '../scripts/pad/pad-feature-cache';
import type { PadRecipe } from '../scripts/pad/pad-fit';
import { leaveOneSourceOut, meanAuc, type SourceResult } from '../scripts/pad/pad-loso';
import { auc } from '../scripts/pad/pad-metrics';
import { PAD_TRAINING_SEED, SHIPPED_RECIPE } from '../scripts/pad/pad-recipe';
import { sharedDataDir } from '../tests/support/shared-data';
import { loadAverages, percentile } from './lib/bench-stats';
import { calibrationSimulation, replayAttackProtocol, type Rate } from './lib/pad-protocols';
import { loadFacePipeline } from '../src/main/composition/onnx-models';

const f3 = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
const pct = (r: Rate): string =>
  `${(100 * r.rate).toFixed(1)} % (${r.errors}/${r.total}; ${(100 * r.ci[0]).toFixed(1)}-${(100 * r.ci[1]).toFixed(1)})`;

/** Recipes tried besides the shipped one, scored with `--alternatives`. */
const ALTERNATIVES: Record<string, Partial<PadRecipe>> = {
  'texture network alone (fitted)': { faceGroups: ['texture_net'] },
  'LBP only': { faceGroups: ['lbp_face'] },
  'LBP + moments + spectral, no network': {
    faceGroups: ['lbp_face', 'moments_face', 'spectral_face'],
  },
  'no colour moments': { faceGroups: ['lbp_face', 'spectral_face', 'texture_net'] },
  'lambda 10': { classifier: { kind: 'lr', lambda: 10 } },
  'lambda 1000': { classifier: { kind: 'lr', lambda: 1000 } },
  'no sample weighting': { weighting: 'none' },
  'each source and class weighted equally': { weighting: 'source_class' },
  'lambda 30': { classifier: { kind: 'lr', lambda: 30 } },
  'raw LBP bins (no square root)': { lbpTransform: 'none' },
  'context head: + spectral of the 2.7x square': {
    contextGroups: ['lbp_face', 'moments_face', 'spectral_face', 'spectral_context', 'texture_net'],
  },
};

function textureNetAuc(cache: PadCache, r: SourceResult): number {
  const p = r.indices.map((i) => liveProbability(cache.samples[i]!.logits));
  const live = p.filter((_, k) => cache.samples[r.indices[k]!]!.label === 'live');
  const attack = p.filter((_, k) => cache.samples[r.indices[k]!]!.label === 'attack');
  return auc(live, attack);
}

function losoTable(cache: PadCache, loso: SourceResult[]): string[] {
  const out = [
    '| source | live | attack | texture network AUC | PAD model AUC (LOSO) |',
    '|---|---|---|---|---|',
  ];
  const net: number[] = [];
  for (const r of loso) {
    const t = textureNetAuc(cache, r);
    if (Number.isFinite(r.auc)) net.push(t);
    out.push(`| ${r.source} | ${r.live} | ${r.attack} | ${f3(t)} | ${f3(r.auc)} |`);
  }
  const m = meanAuc(loso);
  const sizeable = loso.filter((r) => r.live >= 10 && r.attack >= 10);
  const sizeableMean = sizeable.reduce((a, r) => a + r.auc, 0) / sizeable.length;
  const sizeableNet = sizeable.reduce((a, r) => a + textureNetAuc(cache, r), 0) / sizeable.length;
  out.push(
    `| **mean over ${m.sources} sources with both classes** | | | ${f3(net.reduce((a, b) => a + b, 0) / net.length)} | **${f3(m.mean)}** |`,
    `| mean over the ${sizeable.length} sources with >= 10 of each | | | ${f3(sizeableNet)} | ${f3(sizeableMean)} |`,
  );
  const worst = [...loso]
    .filter((r) => Number.isFinite(r.auc))
    .sort((a, b) => a.auc - b.auc)
    .slice(0, 5);
  out.push('', `Worst five: ${worst.map((r) => `${r.source} ${f3(r.auc)}`).join(', ')}`);
  return out;
}

function calibrationTable(cache: PadCache, loso: SourceResult[], clearLiveMin: number): string[] {
  const rows = calibrationSimulation(cache, loso, clearLiveMin, 0.1, PAD_TRAINING_SEED);
  const mean = (f: (r: (typeof rows)[number]) => number) =>
    rows.reduce((a, r) => a + f(r), 0) / rows.length;
  return [
    `Per-camera calibration simulated on ${rows.length} unseen sources (>= 10 live and 10 attack frames each): mean over sources.`,
    '',
    '| threshold | mean APCER (attack frames clearly live) | mean BPCER (live frames not clearly live) |',
    '|---|---|---|',
    `| one global clearLiveMin ${clearLiveMin} | ${(100 * mean((r) => r.global.apcer.rate)).toFixed(1)} % | ${(100 * mean((r) => r.global.bpcer.rate)).toFixed(1)} % |`,
    `| per source, at 10 % BPCER of half its live frames (other half measured) | ${(100 * mean((r) => r.perCamera.apcer.rate)).toFixed(1)} % | ${(100 * mean((r) => r.perCamera.bpcer.rate)).toFixed(1)} % |`,
  ];
}

function raTable(cache: PadCache): string[] {
  const out = [
    '| fitted on | threshold (train EER, out-of-fold) | APCER devel, per species | APCER all attacks | BPCER devel | ACER (worst species) | ACER (all attacks) |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const withOthers of [false, true]) {
    const r = replayAttackProtocol(cache, SHIPPED_RECIPE, withOthers);
    const species = r.apcer.map((a) => `${a.species} ${(100 * a.rate).toFixed(1)} %`).join('; ');
    out.push(
      `| ${r.fittedOn} | ${f3(r.threshold)} | ${species} | ${pct(r.apcerAll)} | ${pct(r.bpcer)} | ${(100 * r.acer).toFixed(1)} % | ${(100 * r.acerAll).toFixed(1)} % |`,
    );
  }
  return out;
}

async function costPerFace(cache: PadCache, frames: number): Promise<string[]> {
  const model = loadPadModel(defaultModelsDir());
  const data = sharedDataDir();
  const picks = cache.samples
    .filter((s) => s.source === 'replay_attack' && s.hasContext)
    .slice(0, frames);
  const ms: number[] = [];
  for (const [k, s] of picks.entries()) {
    const img = await decodeImageFile(`${data}/${s.file}`);
    const t0 = performance.now();
    model.score(img, s.square, s.logits);
    if (k >= 10) ms.push(performance.now() - t0);
  }
  const sorted = ms.sort((a, b) => a - b);
  return [
    `PAD model per face (features + classifier; ${sorted.length} Replay-Attack frames after 10 warm-up; load average ${loadAverages()}): p50 ${f3(percentile(sorted, 0.5))} ms, p95 ${f3(percentile(sorted, 0.95))} ms, max ${f3(sorted.at(-1) ?? Number.NaN)} ms.`,
  ];
}

async function videoTable(cache: PadCache, shipped: PadModelFile): Promise<string[]> {
  const models = defaultModelsDir();
  const [pipeline, texture] = await Promise.all([
    loadFacePipeline(models),
    OnnxTextureLiveness.create(models),
  ]);
  try {
    const largest = async (f: RgbImage) => largestFace(await pipeline.analyzeImage(f)) ?? null;
    const rows = await videoLeaveOneSourceOut(
      sharedDataDir(),
      cache,
      SHIPPED_RECIPE,
      shipped,
      { texture, largestFace: largest },
      DEFAULT_LIVENESS_SETTINGS,
      10,
    );
    const out = [
      '| video | label | door decision (frame) | passive band | PAD score |',
      '|---|---|---|---|---|',
    ];
    for (const r of rows) {
      const at = r.decidedAt === null ? '' : ` (${r.decidedAt})`;
      out.push(
        `| ${r.file.split('/').slice(-3).join('/')} | ${r.label} | ${r.decision}${at} | ${r.band} | ${f3(r.score)} |`,
      );
    }
    const attacks = rows.filter((r) => r.label === 'attack');
    const live = rows.filter((r) => r.label === 'live');
    out.push(
      '',
      `Attack videos decided live: ${attacks.filter((r) => r.decision === 'live').length}/${attacks.length}; live videos not decided live: ${live.filter((r) => r.decision !== 'live').length}/${live.length}.`,
    );
    return out;
  } finally {
    await Promise.all([pipeline.close(), texture.close()]);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      alternatives: { type: 'boolean', default: false },
      'cost-frames': { type: 'string', default: '200' },
      videos: { type: 'boolean', default: false },
    },
  });
  const started = performance.now();
  const cache = await padCache(projectRoot(), false, (l) => process.stderr.write(`${l}\n`));
  const loso = leaveOneSourceOut(cache, SHIPPED_RECIPE);
  const model = loadPadModel(defaultModelsDir());
  const out = [
    `Shipped recipe: ${SHIPPED_RECIPE.name}; ${cache.samples.length} frames from ${loso.length} sources (${cache.noFace.length} frames without a face left out).`,
    '',
    ...losoTable(cache, loso),
    '',
    ...calibrationTable(cache, loso, model.file.bands.clearLiveMin),
    '',
    ...raTable(cache),
    '',
    ...(await costPerFace(cache, Number(values['cost-frames']))),
  ];
  if (values.alternatives) {
    out.push('', '| recipe | mean AUC (LOSO) | mean, sources >= 10 of each |', '|---|---|---|');
    for (const [name, patch] of Object.entries(ALTERNATIVES)) {
      const res = leaveOneSourceOut(cache, { ...SHIPPED_RECIPE, ...patch, name });
      const big = res.filter((r) => r.live >= 10 && r.attack >= 10);
      out.push(
        `| ${name} | ${f3(meanAuc(res).mean)} | ${f3(big.reduce((a, r) => a + r.auc, 0) / big.length)} |`,
      );
      process.stderr.write(`${name} done\n`);
    }
  }
  if (values.videos) out.push('', ...(await videoTable(cache, model.file)));
  console.log(out.join('\n'));
  console.log(
    `\n(${((performance.now() - started) / 1000).toFixed(0)} s; load average ${loadAverages()})`,
  );
}

void main();
