/** What liveness needs from the texture network (OnnxTextureLiveness implements it). */
import type { RgbImage } from '../vision/vision.types';
import { liveProbability, textureCrop } from './texture-crop';
import type { FaceSquare } from './face-square';

export interface TextureLivenessModel {
  readonly modelId: string;
  /** Raw logits (3) for a 128x128 crop from textureCrop(). */
  logits(crop128: RgbImage): Promise<Float32Array>;
  /** Releases what the model holds outside the heap (the ONNX adapter's worker thread). */
  close?(): Promise<void>;
}

/** Live probability (softmax class 0) of the face in one frame. */
export async function textureScore(
  model: TextureLivenessModel,
  frame: RgbImage,
  square: FaceSquare,
): Promise<number> {
  return liveProbability(await model.logits(textureCrop(frame, square)));
}
