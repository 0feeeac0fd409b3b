/**
 * Leave-one-source-out: for each source, fit a recipe on every other source and score the one
 * left out. The figures that matter for a station at a new site, whose camera, people and
 * attack devices the model has never seen.
 */
import {
  PadModel,
  PAD_FEATURE_VERSION,
  PAD_MODEL_FORMAT,
} from '../../src/main/core/liveness/pad-model';
import type { PadCache } from './pad-feature-cache';
import { cachedMeasurements, fitHeads, type FittedHeads, type PadRecipe } from './pad-fit';
import { auc } from './pad-metrics';

export interface SourceResult {
  source: string;
  live: number;
  attack: number;
  auc: number;
  /** Out-of-source scores, in cache order of the source's samples. */
  indices: number[];
  scores: number[];
}

/** A model object around fitted heads (bands do not matter for scores). */
export function modelOf(heads: FittedHeads): PadModel {
  return new PadModel(
    {
      format: PAD_MODEL_FORMAT,
      version: 1,
      featureVersion: PAD_FEATURE_VERSION,
      heads,
      bands: { spoofBelow: 0, clearLiveMin: 1 },
      training: {},
    },
    'loso',
  );
}

export function scoreIndices(cache: PadCache, model: PadModel, idx: readonly number[]): number[] {
  return idx.map((i) => model.scoreMeasurements(cachedMeasurements(cache, i)).score);
}

export function sourcesOf(cache: PadCache): string[] {
  return [...new Set(cache.samples.map((s) => s.source))].sort();
}

export function leaveOneSourceOut(cache: PadCache, recipe: PadRecipe): SourceResult[] {
  const all = cache.samples.map((_, i) => i);
  return sourcesOf(cache).map((source) => {
    const test = all.filter((i) => cache.samples[i]!.source === source);
    const train = all.filter((i) => cache.samples[i]!.source !== source);
    const scores = scoreIndices(cache, modelOf(fitHeads(cache, train, recipe)), test);
    const live = scores.filter((_, k) => cache.samples[test[k]!]!.label === 'live');
    const attack = scores.filter((_, k) => cache.samples[test[k]!]!.label === 'attack');
    return {
      source,
      live: live.length,
      attack: attack.length,
      auc: auc(live, attack),
      indices: test,
      scores,
    };
  });
}

/** Mean AUC over the sources that have both live and attack samples. */
export function meanAuc(results: readonly SourceResult[]): { mean: number; sources: number } {
  const with2 = results.filter((r) => Number.isFinite(r.auc));
  return {
    mean: with2.reduce((a, r) => a + r.auc, 0) / Math.max(1, with2.length),
    sources: with2.length,
  };
}
