/**
 * Fits a PAD model (both heads) on a subset of the cached samples, as one training recipe
 * (PadRecipe) describes it; used by `npm run train:pad` for the shipped weights and by the
 * leave-one-source-out benchmark for every fold, so both measure the same procedure.
 */
import type { PadFeatureGroup, PadMeasurements } from '../../src/main/core/liveness/pad-features';
import { CONTEXT_GROUPS, GROUP_SIZES } from '../../src/main/core/liveness/pad-features';
import type { PadHead, PadLayer } from '../../src/main/core/liveness/pad-model';
import { fitLogistic, fitMlp, type TrainingSet } from './pad-classifiers';
import { GROUP_OFFSET, type PadCache } from './pad-feature-cache';

export type Weighting = 'none' | 'class' | 'source_class';

export type Classifier =
  | { kind: 'lr'; lambda: number }
  | { kind: 'mlp'; hidden: number; l2: number; steps: number; learningRate: number; seed: number };

export interface PadRecipe {
  name: string;
  faceGroups: PadFeatureGroup[];
  /** Null: one head for every frame (context never used). */
  contextGroups: PadFeatureGroup[] | null;
  lbpTransform: 'none' | 'sqrt';
  classifier: Classifier;
  weighting: Weighting;
}

export interface FittedHeads {
  face: PadHead;
  context: PadHead | null;
}

/** The cached measurements of sample i in the runtime's PadMeasurements shape. */
export function cachedMeasurements(cache: PadCache, i: number): PadMeasurements {
  const row = cache.features[i]!;
  const groups: PadMeasurements['groups'] = {};
  for (const g of Object.keys(GROUP_OFFSET) as PadFeatureGroup[]) {
    const v = row.subarray(GROUP_OFFSET[g], GROUP_OFFSET[g] + GROUP_SIZES[g]);
    if (!Number.isNaN(v[0]!)) groups[g] = Float64Array.from(v);
  }
  return { groups, hasContext: cache.samples[i]!.hasContext };
}

function rawRow(cache: PadCache, i: number, groups: readonly PadFeatureGroup[], sqrt: boolean) {
  const row = cache.features[i]!;
  const out: number[] = [];
  for (const g of groups) {
    const useSqrt = sqrt && g.startsWith('lbp_');
    for (let k = 0; k < GROUP_SIZES[g]; k++) {
      const v = row[GROUP_OFFSET[g] + k]!;
      out.push(useSqrt ? Math.sqrt(v) : v);
    }
  }
  return Float64Array.from(out);
}

function weightsFor(cache: PadCache, idx: readonly number[], w: Weighting): Float64Array {
  const key = (i: number): string => {
    const s = cache.samples[i]!;
    if (w === 'class') return s.label;
    if (w === 'source_class') return `${s.source}|${s.label}`;
    return '';
  };
  const counts = new Map<string, number>();
  for (const i of idx) counts.set(key(i), (counts.get(key(i)) ?? 0) + 1);
  const raw = idx.map((i) => 1 / counts.get(key(i))!);
  // Mean weight 1, so the L2 penalty means the same whatever the weighting.
  const mean = raw.reduce((a, b) => a + b, 0) / raw.length;
  return Float64Array.from(raw, (x) => x / mean);
}

function round(x: number, digits = 7): number {
  return Number(x.toPrecision(digits));
}

function roundLayers(layers: PadLayer[]): PadLayer[] {
  return layers.map((l) => ({
    weights: l.weights.map((r) => r.map((x) => round(x))),
    bias: l.bias.map((x) => round(x)),
    activation: l.activation,
  }));
}

function fitHead(
  cache: PadCache,
  idx: readonly number[],
  groups: PadFeatureGroup[],
  r: PadRecipe,
): PadHead {
  const sqrt = r.lbpTransform === 'sqrt';
  const raw = idx.map((i) => rawRow(cache, i, groups, sqrt));
  const d = raw[0]?.length ?? 0;
  const mean = new Float64Array(d);
  const scale = new Float64Array(d);
  for (const row of raw) for (let k = 0; k < d; k++) mean[k]! += row[k]! / raw.length;
  for (const row of raw) for (let k = 0; k < d; k++) scale[k]! += (row[k]! - mean[k]!) ** 2;
  // Rounded before use, so the shipped file scores exactly as the fitted model did.
  const meanR = Array.from(mean, (m) => round(m));
  const scaleR = Array.from(scale, (s) => round(Math.max(Math.sqrt(s / raw.length), 1e-6)));
  const t: TrainingSet = {
    x: raw.map((row) => row.map((v, k) => (v - meanR[k]!) / scaleR[k]!)),
    y: Uint8Array.from(idx, (i) => (cache.samples[i]!.label === 'live' ? 1 : 0)),
    w: weightsFor(cache, idx, r.weighting),
  };
  const c = r.classifier;
  const layers = c.kind === 'lr' ? [fitLogistic(t, c.lambda)] : fitMlp(t, c);
  return {
    groups,
    lbpTransform: r.lbpTransform,
    mean: meanR,
    scale: scaleR,
    layers: roundLayers(layers),
  };
}

/** Fits the face head on every sample in `idx` and the context head on those with context. */
export function fitHeads(cache: PadCache, idx: readonly number[], r: PadRecipe): FittedHeads {
  const face = fitHead(cache, idx, r.faceGroups, r);
  if (!r.contextGroups) return { face, context: null };
  const withCtx = idx.filter((i) => cache.samples[i]!.hasContext);
  const needs = r.contextGroups.some((g) => CONTEXT_GROUPS.has(g));
  if (!needs) throw new Error(`${r.name}: a context head needs at least one context group`);
  return { face, context: fitHead(cache, withCtx, r.contextGroups, r) };
}
