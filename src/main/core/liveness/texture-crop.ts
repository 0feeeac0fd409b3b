/**
 * The input of the texture (anti-spoofing) network: the face square enlarged 2.7x about its
 * centre, so the crop shows what surrounds the face (a phone's bezel, a photo's edge, moire
 * over the background), then slid back inside the frame instead of padded, because the
 * network was trained on real context, never on black borders. When the frame is too small for
 * the full enlargement (a tight face crop), the enlargement shrinks to what fits.
 */
import { rectToSizeMatrix, type Rect, warpAffine } from '../vision/image-ops';
import type { RgbImage } from '../vision/vision.types';
import type { FaceSquare } from './face-square';

export const TEXTURE_INPUT = 128;
export const TEXTURE_CONTEXT_SCALE = 2.7;

/** The source rectangle the texture network sees, inside [0, width-1] x [0, height-1]. */
export function textureCropRect(
  square: FaceSquare,
  frameWidth: number,
  frameHeight: number,
  scale = TEXTURE_CONTEXT_SCALE,
): Rect {
  const s0 = Math.max(1, square.side);
  const k = Math.min(scale, (frameWidth - 1) / s0, (frameHeight - 1) / s0);
  const side = s0 * Math.max(k, 0);
  let x1 = square.cx - side / 2;
  let y1 = square.cy - side / 2;
  // Slide, do not shrink: the face keeps its size relative to the crop.
  x1 = Math.min(Math.max(0, x1), frameWidth - 1 - side);
  y1 = Math.min(Math.max(0, y1), frameHeight - 1 - side);
  return { x: Math.max(0, x1), y: Math.max(0, y1), width: side, height: side };
}

/**
 * The 128x128 RGB crop. Plain bilinear (no supersampling): the reference pipeline resized with
 * OpenCV's INTER_LINEAR, and the network's texture cues are exactly the fine detail an
 * anti-aliasing filter would change.
 */
export function textureCrop(frame: RgbImage, square: FaceSquare): RgbImage {
  const r = textureCropRect(square, frame.width, frame.height);
  const m = rectToSizeMatrix(r, TEXTURE_INPUT, TEXTURE_INPUT);
  return warpAffine(frame, m, TEXTURE_INPUT, TEXTURE_INPUT, { maxSupersample: 1 });
}

/** Softmax probability of class 0 ("live") from the network's logits. */
export function liveProbability(logits: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i]! - max);
  return Math.exp(logits[0]! - max) / sum;
}
