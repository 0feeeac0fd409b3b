/**
 * The measurements the trained PAD model (pad-model.ts) reads from one face in one frame, in
 * named groups so a weights file can say which ones it was fitted on:
 * - lbp_face: colour LBP on the 64 x 64 inner face (FACE_SCALE of the face square: eyes, nose,
 *   cheeks, mouth; colour-lbp.ts), 6 x 59 values;
 * - moments_face: mean and spread of the six colour planes, 12 values;
 * - spectral_face / spectral_context: spectral-energy.ts on the face (64 x 64) and on the 2.7x
 *   context square the texture network sees (128 x 128), 9 values each. Context exists only
 *   when the frame holds enough of it (a tight crop has none; the door's region always does);
 * - lbp_context: colour LBP on the context square (tried: bench/pad-loso.ts --alternatives);
 * - texture_net: the texture network's live logit (log-odds of its live class), 1 value.
 * Crops are area-averaged (supersampled) to a fixed size, so a 300 px face and a 90 px face are
 * described on the same grid.
 */
import { rectToSizeMatrix, warpAffine } from '../vision/image-ops';
import type { RgbImage } from '../vision/vision.types';
import { colourLbp, colourMoments } from './colour-lbp';
import type { FaceSquare } from './face-square';
import { spectralFeatures, SPECTRAL_FEATURES } from './spectral-energy';
import { textureCropRect } from './texture-crop';

export const FACE_SIDE = 64;
/**
 * The inner face, as a fraction of the face square (whose side spans brow to chin plus some
 * hair and background). Liveness photo sets are mostly tight crops in which the whole square
 * does not fit: measuring the inner face keeps the crop on real pixels (no padding) there too.
 */
export const FACE_SCALE = 0.7;
export const CONTEXT_SIDE = 128;
/**
 * The context square must be at least this many face sides wide to count as context: the
 * Replay-Attack frames (320 x 240, large faces) reach 1.2-2.4, tight crops stay below 1.
 */
export const MIN_CONTEXT_SCALE = 1.4;
/** The texture network's log-odds are clipped here: beyond, its softmax is saturated anyway. */
const MAX_LOGIT = 12;

export const PAD_FEATURE_GROUPS = [
  'lbp_face',
  'moments_face',
  'spectral_face',
  'spectral_context',
  'lbp_context',
  'texture_net',
] as const;
export type PadFeatureGroup = (typeof PAD_FEATURE_GROUPS)[number];

export const GROUP_SIZES: Record<PadFeatureGroup, number> = {
  lbp_face: 354,
  moments_face: 12,
  spectral_face: SPECTRAL_FEATURES.length,
  spectral_context: SPECTRAL_FEATURES.length,
  lbp_context: 354,
  texture_net: 1,
};

/** Groups measured on the context square: absent when the frame has no context. */
export const CONTEXT_GROUPS: ReadonlySet<PadFeatureGroup> = new Set([
  'spectral_context',
  'lbp_context',
]);

export interface PadMeasurements {
  /** Each requested group's values; context groups are missing when hasContext is false. */
  groups: Partial<Record<PadFeatureGroup, Float64Array>>;
  hasContext: boolean;
}

/** Log-odds of the live class from the texture network's 3 logits (class 0 = live). */
export function textureLiveLogit(logits: ArrayLike<number>): number {
  let rest = -Infinity;
  for (let i = 1; i < logits.length; i++) rest = Math.max(rest, logits[i]!);
  let sum = 0;
  for (let i = 1; i < logits.length; i++) sum += Math.exp(logits[i]! - rest);
  const x = logits[0]! - (rest + Math.log(sum));
  return Math.max(-MAX_LOGIT, Math.min(MAX_LOGIT, Number.isFinite(x) ? x : 0));
}

/** The inner face, slid (or shrunk, when the frame is smaller) to lie inside the frame. */
function innerFace(frame: RgbImage, sq: FaceSquare): RgbImage {
  const rect = textureCropRect(sq, frame.width, frame.height, FACE_SCALE);
  return warpAffine(frame, rectToSizeMatrix(rect, FACE_SIDE, FACE_SIDE), FACE_SIDE, FACE_SIDE);
}

function luma(img: RgbImage): Uint8Array {
  const n = img.width * img.height;
  const out = new Uint8Array(n);
  const s = img.data;
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    out[i] = Math.round(0.299 * s[j]! + 0.587 * s[j + 1]! + 0.114 * s[j + 2]!);
  }
  return out;
}

function spectral(img: RgbImage): Float64Array {
  const out = new Float64Array(SPECTRAL_FEATURES.length);
  spectralFeatures(luma(img), img.width, out, 0);
  return out;
}

/**
 * Measures the requested groups for the face `square` of `frame`. `textureLogits` are the
 * texture network's outputs for the same face (needed only for the texture_net group).
 */
export function measurePadFeatures(
  frame: RgbImage,
  square: FaceSquare,
  wanted: readonly PadFeatureGroup[],
  textureLogits?: ArrayLike<number>,
): PadMeasurements {
  const want = new Set(wanted);
  const groups: Partial<Record<PadFeatureGroup, Float64Array>> = {};
  if (want.has('lbp_face') || want.has('moments_face') || want.has('spectral_face')) {
    const face = innerFace(frame, square);
    if (want.has('lbp_face')) groups.lbp_face = colourLbp(face);
    if (want.has('moments_face')) groups.moments_face = colourMoments(face);
    if (want.has('spectral_face')) groups.spectral_face = spectral(face);
  }
  const rect = textureCropRect(square, frame.width, frame.height);
  const hasContext = rect.width >= MIN_CONTEXT_SCALE * Math.max(1, square.side);
  if (hasContext && (want.has('spectral_context') || want.has('lbp_context'))) {
    const m = rectToSizeMatrix(rect, CONTEXT_SIDE, CONTEXT_SIDE);
    const ctx = warpAffine(frame, m, CONTEXT_SIDE, CONTEXT_SIDE);
    if (want.has('spectral_context')) groups.spectral_context = spectral(ctx);
    if (want.has('lbp_context')) groups.lbp_context = colourLbp(ctx);
  }
  if (want.has('texture_net')) {
    if (!textureLogits) throw new Error('measurePadFeatures: texture_net needs the logits');
    groups.texture_net = Float64Array.of(textureLiveLogit(textureLogits));
  }
  return { groups, hasContext };
}
