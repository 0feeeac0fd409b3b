/**
 * fr_liveness.onnx (MiniFASNet-like anti-spoofing): input 1x3x128x128, raw 0..255 floats, CHW;
 * output 3 logits, class 0 = live. The core does the crop and the softmax (texture-crop.ts).
 */
import { Tensor } from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-node';
import type { TextureLivenessModel } from '../core/liveness/texture-model';
import { TEXTURE_INPUT } from '../core/liveness/texture-crop';
import type { RgbImage } from '../core/vision/vision.types';
import type { ChannelOrder } from './onnx-embedder';
import { fillChwInput } from './chw-input';
import { SerialQueue, loadModelSession, sessionFromBytes } from './onnx-session';

const SIZE = TEXTURE_INPUT;

/**
 * Blue first, like fr_feature (onnx-embedder.ts). Measured per frame on the first 4 s of each
 * clip at 15 fps (largest face, the crop of texture-crop.ts), mean live probability BGR vs RGB:
 * live webcam zubair_real 0.80 vs 0.16, talking-head clips 0.999-1.000 vs 0.15-0.98, replays
 * 0.01-0.38 vs 0.01-0.16 (both low); on the alexcamargo crops, live / replay medians 0.97 / 0.18
 * in BGR but 0.19 / 0.64 (inverted) in RGB. The faceplugin web demo fed canvas RGB.
 */
export const TEXTURE_CHANNEL_ORDER: ChannelOrder = 'bgr';

export class OnnxTextureLiveness implements TextureLivenessModel {
  private readonly input = new Float32Array(3 * SIZE * SIZE);
  private readonly tensor = new Tensor('float32', this.input, [1, 3, SIZE, SIZE]);
  private readonly queue = new SerialQueue();

  private constructor(
    private readonly session: InferenceSession,
    readonly modelId: string,
    private readonly order: ChannelOrder,
  ) {}

  static async create(
    modelsDir: string,
    order: ChannelOrder = TEXTURE_CHANNEL_ORDER,
  ): Promise<OnnxTextureLiveness> {
    const { session, modelId } = await loadModelSession(modelsDir, 'fr_liveness.onnx');
    return new OnnxTextureLiveness(session, modelId, order);
  }

  static async fromBytes(
    bytes: Uint8Array,
    order: ChannelOrder = TEXTURE_CHANNEL_ORDER,
  ): Promise<OnnxTextureLiveness> {
    const { session, modelId } = await sessionFromBytes('fr_liveness', bytes);
    return new OnnxTextureLiveness(session, modelId, order);
  }

  logits(crop128: RgbImage): Promise<Float32Array> {
    return this.queue.run(() => this.logitsNow(crop128));
  }

  private async logitsNow(crop: RgbImage): Promise<Float32Array> {
    if (crop.width !== SIZE || crop.height !== SIZE) {
      throw new RangeError(
        `liveness input must be ${SIZE}x${SIZE}, got ${crop.width}x${crop.height}`,
      );
    }
    // Raw 0..255 values: the network was trained without normalisation.
    fillChwInput(this.input, crop, this.order, 0, 1);
    const out = await this.session.run({ input: this.tensor });
    const data = out.output?.data;
    if (!(data instanceof Float32Array) || data.length !== 3)
      throw new Error('fr_liveness: unexpected output');
    return data.slice();
  }
}
