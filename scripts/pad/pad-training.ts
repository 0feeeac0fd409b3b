/**
 * One training run, from the measurement cache to the weights file's bytes: leave-one-source-
 * out scores (for the default bands), then the fit on every sample. Deterministic: the same
 * cache and recipe give the same bytes (no time stamps, rounded coefficients, sorted keys).
 */
import type { PadModelFile } from '../../src/main/core/liveness/pad-model';
import { PAD_FEATURE_VERSION, PAD_MODEL_FORMAT } from '../../src/main/core/liveness/pad-model';
import type { PadCache } from './pad-feature-cache';
import { fitHeads, type PadRecipe } from './pad-fit';
import { leaveOneSourceOut, meanAuc, type SourceResult } from './pad-loso';
import { thresholdAtBpcer } from './pad-metrics';
import { DEFAULT_BAND_BPCER, PAD_TRAINING_SEED } from './pad-recipe';

export interface TrainingRun {
  file: PadModelFile;
  /** The file as written: JSON, one trailing newline. */
  bytes: Buffer;
  loso: SourceResult[];
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/** Bands from pooled out-of-source live scores (see DEFAULT_BAND_BPCER). */
export function defaultBands(cache: PadCache, loso: readonly SourceResult[]) {
  const live = loso.flatMap((r) =>
    r.scores.filter((_, k) => cache.samples[r.indices[k]!]!.label === 'live'),
  );
  return {
    spoofBelow: round4(thresholdAtBpcer(live, DEFAULT_BAND_BPCER.spoofBelow)),
    clearLiveMin: round4(thresholdAtBpcer(live, DEFAULT_BAND_BPCER.clearLiveMin)),
  };
}

function dataSummary(cache: PadCache): Record<string, { live: number; attack: number }> {
  const out: Record<string, { live: number; attack: number }> = {};
  // Code-unit order, not localeCompare: the bytes must not depend on the machine's locale.
  const sorted = [...cache.samples].sort((a, b) =>
    a.source < b.source ? -1 : a.source > b.source ? 1 : 0,
  );
  for (const s of sorted) {
    const e = (out[s.source] ??= { live: 0, attack: 0 });
    e[s.label]++;
  }
  return out;
}

export function trainPadModel(cache: PadCache, recipe: PadRecipe): TrainingRun {
  const loso = leaveOneSourceOut(cache, recipe);
  const all = cache.samples.map((_, i) => i);
  const file: PadModelFile = {
    format: PAD_MODEL_FORMAT,
    version: 1,
    featureVersion: PAD_FEATURE_VERSION,
    heads: fitHeads(cache, all, recipe),
    bands: defaultBands(cache, loso),
    training: {
      command: 'npm run train:pad',
      recipe: recipe.name,
      classifier: recipe.classifier,
      weighting: recipe.weighting,
      seed: PAD_TRAINING_SEED,
      bandsFrom: `pooled leave-one-source-out live scores: ${DEFAULT_BAND_BPCER.spoofBelow * 100} % below spoofBelow, ${DEFAULT_BAND_BPCER.clearLiveMin * 100} % below clearLiveMin`,
      data: '../shared/data spoof_ext + spoof (research-only; never in the repository)',
      samplesPerSource: dataSummary(cache),
      leaveOneSourceOutMeanAuc: round4(meanAuc(loso).mean),
    },
  };
  const bytes = Buffer.from(`${JSON.stringify(file)}\n`, 'utf8');
  return { file, bytes, loso };
}
