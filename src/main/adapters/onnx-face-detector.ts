/**
 * fr_detect.onnx (Ultra-Light-Fast-Generic-Face-Detector RFB-320): 1x3x240x320 RGB,
 * (v - 127) / 128; outputs "scores" [1, N, 2] (index 1 = face) and "boxes" [1, N, 4], already
 * decoded against the priors, as x1, y1, x2, y2 normalised to the input.
 */
import { Tensor } from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-node';
import type { FaceDetectorModel } from '../core/vision/vision-models';
import type { FaceBox, RgbImage } from '../core/vision/vision.types';
import { SerialQueue, loadModelSession, sessionFromBytes } from './onnx-session';

const WIDTH = 320;
const HEIGHT = 240;

export class OnnxFaceDetector implements FaceDetectorModel {
  readonly inputWidth = WIDTH;
  readonly inputHeight = HEIGHT;
  /** Reused for every frame: the input tensor wraps this buffer. */
  private readonly input = new Float32Array(3 * WIDTH * HEIGHT);
  private readonly tensor = new Tensor('float32', this.input, [1, 3, HEIGHT, WIDTH]);
  private readonly queue = new SerialQueue();

  private constructor(
    private readonly session: InferenceSession,
    readonly modelId: string,
  ) {}

  static async create(modelsDir: string): Promise<OnnxFaceDetector> {
    const { session, modelId } = await loadModelSession(modelsDir, 'fr_detect.onnx');
    return new OnnxFaceDetector(session, modelId);
  }

  /** For tools that already hold the model bytes (benchmarks, model-comparison scripts). */
  static async fromBytes(bytes: Uint8Array): Promise<OnnxFaceDetector> {
    const { session, modelId } = await sessionFromBytes('fr_detect', bytes);
    return new OnnxFaceDetector(session, modelId);
  }

  detect(img: RgbImage, minScore: number): Promise<FaceBox[]> {
    return this.queue.run(() => this.detectNow(img, minScore));
  }

  private async detectNow(img: RgbImage, minScore: number): Promise<FaceBox[]> {
    if (img.width !== WIDTH || img.height !== HEIGHT) {
      throw new RangeError(
        `detector input must be ${WIDTH}x${HEIGHT}, got ${img.width}x${img.height}`,
      );
    }
    this.fillInput(img);
    const out = await this.session.run({ input: this.tensor });
    const scores = out.scores?.data;
    const boxes = out.boxes?.data;
    if (!(scores instanceof Float32Array) || !(boxes instanceof Float32Array)) {
      throw new Error('fr_detect: unexpected output tensors');
    }
    const found: FaceBox[] = [];
    const n = scores.length / 2;
    for (let i = 0; i < n; i++) {
      const score = scores[i * 2 + 1]!;
      if (score < minScore) continue;
      found.push({
        x1: boxes[i * 4]! * WIDTH,
        y1: boxes[i * 4 + 1]! * HEIGHT,
        x2: boxes[i * 4 + 2]! * WIDTH,
        y2: boxes[i * 4 + 3]! * HEIGHT,
        score,
      });
    }
    return found;
  }

  private fillInput(img: RgbImage): void {
    const plane = WIDTH * HEIGHT;
    const src = img.data;
    const dst = this.input;
    for (let i = 0, j = 0; i < plane; i++, j += 3) {
      dst[i] = (src[j]! - 127) / 128;
      dst[plane + i] = (src[j + 1]! - 127) / 128;
      dst[2 * plane + i] = (src[j + 2]! - 127) / 128;
    }
  }
}
