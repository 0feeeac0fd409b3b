/**
 * fr_feature.onnx: 512-d face embedding from a 1x3x112x112 ArcFace-aligned crop,
 * (v - 127) / 128 per channel.
 */
import { fillChwInput } from './chw-input';
import { l2Normalize } from '../core/vision/embedding-math';
import type { EmbeddingModel } from '../core/vision/vision-models';
import type { RgbImage } from '../core/vision/vision.types';
import { type OnnxWorkerSession, loadModelWorker, workerFromBytes } from './onnx-worker-session';

const SIZE = 112;

/** Which image channel goes into input plane 0. See CHANNEL_ORDER below for the measurement. */
export type ChannelOrder = 'rgb' | 'bgr';

/**
 * Blue first. Measured with the full pipeline on celeba_wild_subset/pairs.csv (colour, 600
 * genuine + 600 impostor pairs, `bench/lfw-verification.ts --dataset celeba --channel-order X`):
 * BGR 10-fold accuracy 96.17 % +- 1.98, AUC 0.9880, mean genuine / impostor cosine 0.603 / 0.000;
 * RGB 95.67 % +- 1.48, AUC 0.9852, 0.565 / 0.005. The faceplugin demo also fed BGR, by accident
 * (it "converted" canvas RGBA with BGR2RGB).
 */
export const CHANNEL_ORDER: ChannelOrder = 'bgr';

/** Runs in its own worker thread (onnx-worker-session.ts), so a frame's other work goes on meanwhile. */
export class OnnxEmbedder implements EmbeddingModel {
  readonly dim = 512;

  private constructor(
    private readonly session: OnnxWorkerSession,
    readonly modelId: string,
    private readonly order: ChannelOrder,
  ) {}

  static async create(
    modelsDir: string,
    order: ChannelOrder = CHANNEL_ORDER,
  ): Promise<OnnxEmbedder> {
    const { session, modelId } = await loadModelWorker(modelsDir, 'fr_feature.onnx');
    return new OnnxEmbedder(session, modelId, order);
  }

  static async fromBytes(
    bytes: Uint8Array,
    order: ChannelOrder = CHANNEL_ORDER,
  ): Promise<OnnxEmbedder> {
    const { session, modelId } = await workerFromBytes('fr_feature', bytes);
    return new OnnxEmbedder(session, modelId, order);
  }

  async embed(aligned112: RgbImage): Promise<Float32Array> {
    if (aligned112.width !== SIZE || aligned112.height !== SIZE) {
      throw new RangeError(
        `embedder input must be ${SIZE}x${SIZE}, got ${aligned112.width}x${aligned112.height}`,
      );
    }
    // A fresh input per call: its buffer moves to the worker, and overlapping calls (a door
    // frame during an enrolment import) each keep their own.
    const input = new Float32Array(3 * SIZE * SIZE);
    // (x - 127) / 128, as the model was trained (1/128 is exact: same floats as a division).
    fillChwInput(input, aligned112, this.order, 127, 1 / 128);
    const data = await this.session.run(input, [1, 3, SIZE, SIZE]);
    if (data.length !== this.dim) throw new Error('fr_feature: unexpected output');
    return l2Normalize(data);
  }

  /** Stops the worker thread; pending and later calls fail with MODEL_FAILED. */
  close(): Promise<void> {
    return this.session.close();
  }
}
