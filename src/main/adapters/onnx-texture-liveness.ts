/**
 * fr_liveness.onnx (MiniFASNet-like anti-spoofing): input 1x3x128x128, raw 0..255 floats, CHW;
 * output 3 logits, class 0 = live. The core does the crop and the softmax (texture-crop.ts).
 */
import type { TextureLivenessModel } from '../core/liveness/texture-model';
import { TEXTURE_INPUT } from '../core/liveness/texture-crop';
import type { RgbImage } from '../core/vision/vision.types';
import type { ChannelOrder } from './chw-input';
import { fillChwInput } from './chw-input';
import { type OnnxWorkerSession, loadModelWorker, workerFromBytes } from './onnx-worker-session';

const SIZE = TEXTURE_INPUT;

/**
 * Blue first, like fr_feature (onnx-embedder.ts). Measured per frame on the first 4 s of each
 * clip at 15 fps (largest face, the crop of texture-crop.ts), mean live probability BGR vs RGB:
 * live webcam zubair_real 0.80 vs 0.16, talking-head clips 0.999-1.000 vs 0.15-0.98, replays
 * 0.01-0.38 vs 0.01-0.16 (both low); on the alexcamargo crops, live / replay medians 0.97 / 0.18
 * in BGR but 0.19 / 0.64 (inverted) in RGB. The faceplugin web demo fed canvas RGB.
 */
export const TEXTURE_CHANNEL_ORDER: ChannelOrder = 'bgr';

/** Runs in its own worker thread (onnx-worker-session.ts), in parallel with the embedder's. */
export class OnnxTextureLiveness implements TextureLivenessModel {
  private constructor(
    private readonly session: OnnxWorkerSession,
    readonly modelId: string,
    private readonly order: ChannelOrder,
  ) {}

  static async create(
    modelsDir: string,
    order: ChannelOrder = TEXTURE_CHANNEL_ORDER,
  ): Promise<OnnxTextureLiveness> {
    const { session, modelId } = await loadModelWorker(modelsDir, 'fr_liveness.onnx');
    return new OnnxTextureLiveness(session, modelId, order);
  }

  static async fromBytes(
    bytes: Uint8Array,
    order: ChannelOrder = TEXTURE_CHANNEL_ORDER,
  ): Promise<OnnxTextureLiveness> {
    const { session, modelId } = await workerFromBytes('fr_liveness', bytes);
    return new OnnxTextureLiveness(session, modelId, order);
  }

  async logits(crop: RgbImage): Promise<Float32Array> {
    if (crop.width !== SIZE || crop.height !== SIZE) {
      throw new RangeError(
        `liveness input must be ${SIZE}x${SIZE}, got ${crop.width}x${crop.height}`,
      );
    }
    // A fresh input per call: its buffer moves to the worker.
    const input = new Float32Array(3 * SIZE * SIZE);
    // Raw 0..255 values: the network was trained without normalisation.
    fillChwInput(input, crop, this.order, 0, 1);
    const data = await this.session.run(input, [1, 3, SIZE, SIZE]);
    if (data.length !== 3) throw new Error('fr_liveness: unexpected output');
    return data;
  }

  /** Stops the worker thread; pending and later calls fail with MODEL_FAILED. */
  close(): Promise<void> {
    return this.session.close();
  }
}
