/**
 * fr_landmark.onnx: 68 iBUG landmarks from a 1x1x64x64 grey crop scaled to [0, 1) by /256;
 * output [1, 136] = (x, y) pairs normalised to the crop.
 */
import { Tensor } from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-node';
import type { GreyImage } from '../core/vision/image-ops';
import type { LandmarkModel } from '../core/vision/vision-models';
import { SerialQueue, loadModelSession, sessionFromBytes } from './onnx-session';

const SIZE = 64;

export class OnnxLandmarker implements LandmarkModel {
  readonly inputSize = SIZE;
  private readonly input = new Float32Array(SIZE * SIZE);
  private readonly tensor = new Tensor('float32', this.input, [1, 1, SIZE, SIZE]);
  private readonly queue = new SerialQueue();

  private constructor(
    private readonly session: InferenceSession,
    readonly modelId: string,
  ) {}

  static async create(modelsDir: string): Promise<OnnxLandmarker> {
    const { session, modelId } = await loadModelSession(modelsDir, 'fr_landmark.onnx');
    return new OnnxLandmarker(session, modelId);
  }

  static async fromBytes(bytes: Uint8Array): Promise<OnnxLandmarker> {
    const { session, modelId } = await sessionFromBytes('fr_landmark', bytes);
    return new OnnxLandmarker(session, modelId);
  }

  predict(crop: GreyImage): Promise<Float32Array> {
    return this.queue.run(() => this.predictNow(crop));
  }

  private async predictNow(crop: GreyImage): Promise<Float32Array> {
    if (crop.width !== SIZE || crop.height !== SIZE) {
      throw new RangeError(
        `landmark input must be ${SIZE}x${SIZE}, got ${crop.width}x${crop.height}`,
      );
    }
    for (let i = 0; i < this.input.length; i++) this.input[i] = crop.data[i]! / 256;
    const out = await this.session.run({ input: this.tensor });
    const data = out.output?.data;
    if (!(data instanceof Float32Array) || data.length !== 136)
      throw new Error('fr_landmark: unexpected output');
    return data;
  }
}
