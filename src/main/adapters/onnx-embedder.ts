/**
 * The face-embedding network: an aligned face in, an L2-normalised vector out. The shipped
 * fr_feature.onnx (512-d from a 1x3x112x112 ArcFace-aligned crop, (v - 127) / 128, BGR) or a
 * site's own model described by a manifest (core/models/embedding-manifest.ts), checked at
 * load against the model's real input and output shapes and by one trial inference.
 */
import { fillChwInput, type ChannelOrder } from './chw-input';
import { l2Normalize } from '../core/vision/embedding-math';
import { checkModelInterface, checkTrialOutput } from '../core/models/embedding-model-check';
import {
  BUILTIN_MANIFEST,
  embeddingSpaceOf,
  manifestModelId,
  type EmbeddingManifest,
} from '../core/models/embedding-manifest';
import {
  builtinSpec,
  loadEmbeddingModel,
  type EmbeddingModelSpec,
} from '../core/models/embedding-model-source';
import { sha256Hex } from '../core/models/model-verifier';
import type { EmbeddingModel } from '../core/vision/vision-models';
import type { RgbImage } from '../core/vision/vision.types';
import { type OnnxWorkerSession, workerFromBytes } from './onnx-worker-session';

export type { ChannelOrder };

/**
 * Blue first. Measured with the full pipeline on celeba_wild_subset/pairs.csv (colour, 600
 * genuine + 600 impostor pairs, `bench/lfw-verification.ts --dataset celeba --channel-order X`):
 * BGR 10-fold accuracy 96.17 % +- 1.98, AUC 0.9880, mean genuine / impostor cosine 0.603 / 0.000;
 * RGB 95.67 % +- 1.48, AUC 0.9852, 0.565 / 0.005. The faceplugin demo also fed BGR, by accident
 * (it "converted" canvas RGBA with BGR2RGB).
 */
export const CHANNEL_ORDER: ChannelOrder = BUILTIN_MANIFEST.input.channelOrder;

/** Runs in its own worker thread (onnx-worker-session.ts), so a frame's other work goes on meanwhile. */
export class OnnxEmbedder implements EmbeddingModel {
  readonly dim: number;
  readonly modelId: string;
  readonly embeddingSpace: string;
  private readonly size: number;

  private constructor(
    private readonly session: OnnxWorkerSession,
    private readonly manifest: EmbeddingManifest,
    private readonly names: { input: string; output: string },
  ) {
    this.dim = manifest.output.size;
    this.size = manifest.input.size;
    this.modelId = manifestModelId(manifest);
    this.embeddingSpace = embeddingSpaceOf(manifest);
  }

  /** The shipped model from `modelsDir` (pinned hash), or another when `spec` names one. */
  static async create(
    modelsDir: string,
    spec: EmbeddingModelSpec = builtinSpec(),
  ): Promise<OnnxEmbedder> {
    const loaded = loadEmbeddingModel(spec, modelsDir);
    return OnnxEmbedder.start(loaded.bytes, loaded.manifest, loaded.source);
  }

  /**
   * For tools that already hold the bytes (benchmarks, model comparisons); no pinned-hash
   * check. `order` feeds the shipped model another way (a different embedding space).
   */
  static async fromBytes(
    bytes: Uint8Array,
    order: ChannelOrder = CHANNEL_ORDER,
    manifest: EmbeddingManifest = BUILTIN_MANIFEST,
  ): Promise<OnnxEmbedder> {
    const fed = {
      ...manifest,
      sha256: sha256Hex(bytes),
      input: { ...manifest.input, channelOrder: order },
    };
    return OnnxEmbedder.start(bytes, fed, 'bytes given by a tool');
  }

  /**
   * Starts the session, then refuses a manifest that does not fit the model (shapes, names,
   * a trial embedding): MODEL_MANIFEST_INVALID naming the mismatch; the worker is stopped.
   */
  private static async start(
    bytes: Uint8Array,
    manifest: EmbeddingManifest,
    source: string,
  ): Promise<OnnxEmbedder> {
    const { session } = await workerFromBytes(manifest.name, bytes);
    try {
      const io = checkModelInterface(manifest, session.modelInterface, source);
      const embedder = new OnnxEmbedder(session, manifest, {
        input: io.inputName,
        output: io.outputName,
      });
      checkTrialOutput(manifest, await embedder.raw(midGrey(manifest.input.size)), source);
      return embedder;
    } catch (err) {
      await session.close();
      throw err;
    }
  }

  async embed(aligned: RgbImage): Promise<Float32Array> {
    const data = await this.raw(aligned);
    if (data.length !== this.dim)
      throw new Error(`${this.manifest.name}: ${data.length} values, ${this.dim} expected`);
    return l2Normalize(data);
  }

  private async raw(aligned: RgbImage): Promise<Float32Array> {
    const size = this.size;
    if (aligned.width !== size || aligned.height !== size) {
      throw new RangeError(
        `embedder input must be ${size}x${size}, got ${aligned.width}x${aligned.height}`,
      );
    }
    // A fresh input per call: its buffer moves to the worker, and overlapping calls (a door
    // frame during an enrolment import) each keep their own.
    const input = new Float32Array(3 * size * size);
    const { channelOrder, mean, std } = this.manifest.input;
    // (x - mean) / std; the shipped model's 1/128 is exact, so the same floats as a division.
    fillChwInput(input, aligned, channelOrder, mean, 1 / std);
    return this.session.run(input, [1, 3, size, size], this.names.input, this.names.output);
  }

  /** Stops the worker thread; pending and later calls fail with MODEL_FAILED. */
  close(): Promise<void> {
    return this.session.close();
  }
}

function midGrey(size: number): RgbImage {
  return { width: size, height: size, data: new Uint8Array(size * size * 3).fill(128) };
}
