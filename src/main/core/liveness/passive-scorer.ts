/**
 * Passive liveness of one face in one frame: the texture network (run on its worker thread)
 * and the project's PAD model over colour-texture and frequency measurements fused with the
 * network's output (pad-model.ts). The tracker keeps both per frame, so a decision records
 * each component's score beside the fused one.
 */
import type { RgbImage } from '../vision/vision.types';
import type { FaceSquare } from './face-square';
import type { PadModel } from './pad-model';
import { liveProbability, textureCrop } from './texture-crop';
import type { TextureLivenessModel } from './texture-model';

export interface PassiveFrameScore {
  /** The texture network's live probability (softmax class 0). */
  textureNet: number;
  /** The PAD model's live score 0..1 (the fused passive score the bands judge). */
  padModel: number;
  /** Which head scored it: 'context' when the frame shows the face's surroundings. */
  head: 'face' | 'context';
}

export interface PassiveLivenessModel {
  /** e.g. 'fr_liveness@afa783b7e902+pad_model@1a2b3c4d5e6f'. */
  readonly modelId: string;
  /** Default bands shipped with the model (before a camera calibration). */
  readonly defaultBands: { spoofBelow: number; clearLiveMin: number };
  scoreFace(frame: RgbImage, square: FaceSquare): Promise<PassiveFrameScore>;
  close?(): Promise<void>;
}

export class TexturePadScorer implements PassiveLivenessModel {
  constructor(
    readonly texture: TextureLivenessModel,
    readonly pad: PadModel,
  ) {}

  get modelId(): string {
    return `${this.texture.modelId}+${this.pad.modelId}`;
  }

  get defaultBands(): { spoofBelow: number; clearLiveMin: number } {
    return this.pad.file.bands;
  }

  async scoreFace(frame: RgbImage, square: FaceSquare): Promise<PassiveFrameScore> {
    const logits = await this.texture.logits(textureCrop(frame, square));
    const { score, head } = this.pad.score(frame, square, logits);
    return { textureNet: liveProbability(logits), padModel: score, head };
  }

  async close(): Promise<void> {
    await this.texture.close?.();
  }
}
