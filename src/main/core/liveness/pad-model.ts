/**
 * The project's own passive PAD model: a small classifier over pad-features.ts measurements,
 * trained by `npm run train:pad` (scripts/pad/) and shipped as a JSON weights file pinned by
 * SHA-256 like every other model (model-catalog.ts). Two heads: `context` for frames that show
 * the 2.7x surroundings of the face (the door, full camera frames), `face` for tight crops.
 * The score is the classifier's live probability (0..1); what counts as clearly live or spoof
 * is decided by the passive bands (passive-assessment.ts), not here.
 */
import { z } from 'zod';
import type { RgbImage } from '../vision/vision.types';
import type { FaceSquare } from './face-square';
import {
  GROUP_SIZES,
  measurePadFeatures,
  PAD_FEATURE_GROUPS,
  type PadFeatureGroup,
  type PadMeasurements,
} from './pad-features';

export const PAD_MODEL_FORMAT = 'face-access-station/pad-model';

const layerSchema = z
  .object({
    weights: z.array(z.array(z.number().finite()).min(1)).min(1),
    bias: z.array(z.number().finite()).min(1),
    activation: z.enum(['relu', 'none']),
  })
  .strict();
export type PadLayer = z.infer<typeof layerSchema>;

const headSchema = z
  .object({
    groups: z.array(z.enum(PAD_FEATURE_GROUPS)).min(1),
    /** Square root of LBP histogram bins (Hellinger), applied before standardising. */
    lbpTransform: z.enum(['none', 'sqrt']),
    mean: z.array(z.number().finite()),
    scale: z.array(z.number().finite().positive()),
    layers: z.array(layerSchema).min(1),
  })
  .strict();
export type PadHead = z.infer<typeof headSchema>;

const unit = z.number().finite().min(0).max(1);

export const padModelFileSchema = z
  .object({
    format: z.literal(PAD_MODEL_FORMAT),
    version: z.literal(1),
    /** pad-features.ts measurement version the weights were fitted on. */
    featureVersion: z.number().int().positive(),
    heads: z.object({ face: headSchema, context: headSchema.nullable() }).strict(),
    /** Default passive bands on the score, before a station calibrates its own camera. */
    bands: z.object({ spoofBelow: unit, clearLiveMin: unit }).strict(),
    /** How the weights were made (data summary, seed, command): provenance, not used to score. */
    training: z.record(z.string(), z.unknown()),
  })
  .strict();
export type PadModelFile = z.infer<typeof padModelFileSchema>;

/** The measurement code's version; a weights file made for another one is refused. */
export const PAD_FEATURE_VERSION = 1;

export interface PadScore {
  /** Live probability 0..1 from the chosen head. */
  score: number;
  head: 'face' | 'context';
}

function headWidth(h: PadHead): number {
  return h.groups.reduce((n, g) => n + GROUP_SIZES[g], 0);
}

/** Checks the layer shapes chain from the head's input width to one output. */
function checkHead(name: string, h: PadHead): void {
  let width = headWidth(h);
  if (h.mean.length !== width || h.scale.length !== width) {
    throw new Error(`${name} head: mean/scale must have ${width} values`);
  }
  for (const [i, layer] of h.layers.entries()) {
    if (
      layer.weights.some((row) => row.length !== width) ||
      layer.bias.length !== layer.weights.length
    ) {
      throw new Error(`${name} head: layer ${i} does not take ${width} inputs`);
    }
    width = layer.weights.length;
  }
  if (width !== 1) throw new Error(`${name} head: the last layer must have one output`);
}

/** Validates a parsed weights file (shape and version); throws an Error naming the problem. */
export function parsePadModelFile(value: unknown): PadModelFile {
  const file = padModelFileSchema.parse(value);
  if (file.featureVersion !== PAD_FEATURE_VERSION) {
    throw new Error(
      `weights were fitted on feature version ${file.featureVersion}, this build measures ${PAD_FEATURE_VERSION}`,
    );
  }
  checkHead('face', file.heads.face);
  if (file.heads.context) checkHead('context', file.heads.context);
  if (file.bands.spoofBelow > file.bands.clearLiveMin) {
    throw new Error('bands: spoofBelow must not exceed clearLiveMin');
  }
  return file;
}

/** The head's input row: its groups in order, LBP bins transformed, then standardised. */
export function headInput(h: PadHead, m: PadMeasurements): Float64Array | null {
  const x = new Float64Array(headWidth(h));
  let at = 0;
  for (const g of h.groups) {
    const v = m.groups[g];
    if (!v) return null;
    const sqrt = h.lbpTransform === 'sqrt' && g.startsWith('lbp_');
    for (let i = 0; i < v.length; i++) x[at + i] = sqrt ? Math.sqrt(v[i]!) : v[i]!;
    at += v.length;
  }
  for (let i = 0; i < x.length; i++) x[i] = (x[i]! - h.mean[i]!) / h.scale[i]!;
  return x;
}

/** The head's output logit for a standardised input row. */
export function headLogit(h: PadHead, input: Float64Array): number {
  let a: ArrayLike<number> = input;
  for (const layer of h.layers) {
    const out = new Float64Array(layer.weights.length);
    for (let o = 0; o < out.length; o++) {
      const row = layer.weights[o]!;
      let s = layer.bias[o]!;
      for (let i = 0; i < row.length; i++) s += row[i]! * a[i]!;
      out[o] = layer.activation === 'relu' && s < 0 ? 0 : s;
    }
    a = out;
  }
  return a[0]!;
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Scores faces with a validated weights file; pure and synchronous (a few ms per face). */
export class PadModel {
  readonly groups: readonly PadFeatureGroup[];

  constructor(
    readonly file: PadModelFile,
    readonly modelId: string,
  ) {
    const all = new Set<PadFeatureGroup>(file.heads.face.groups);
    for (const g of file.heads.context?.groups ?? []) all.add(g);
    this.groups = [...all];
  }

  /** Score from measurements already taken (training tools, tests). */
  scoreMeasurements(m: PadMeasurements): PadScore {
    const ctx = this.file.heads.context;
    const ctxInput = ctx && m.hasContext ? headInput(ctx, m) : null;
    if (ctx && ctxInput) return { score: sigmoid(headLogit(ctx, ctxInput)), head: 'context' };
    const input = headInput(this.file.heads.face, m);
    if (!input) throw new Error('PAD face head: a feature group was not measured');
    return { score: sigmoid(headLogit(this.file.heads.face, input)), head: 'face' };
  }

  /** Measures and scores the face `square` of `frame`; textureLogits from the texture network. */
  score(frame: RgbImage, square: FaceSquare, textureLogits: ArrayLike<number>): PadScore {
    return this.scoreMeasurements(measurePadFeatures(frame, square, this.groups, textureLogits));
  }
}
