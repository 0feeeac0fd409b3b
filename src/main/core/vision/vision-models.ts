/**
 * What the face pipeline needs from the three neural networks. Implemented by the ONNX
 * adapters in src/main/adapters/; the core never sees a tensor or a session.
 */
import type { GreyImage } from './image-ops';
import type { PnetMap } from './mtcnn-boxes';
import type { FaceBox, RgbImage } from './vision.types';

export interface FaceDetectorModel {
  /** The fixed network input the caller must resize to (fr_detect: 320 x 240). */
  readonly inputWidth: number;
  readonly inputHeight: number;
  /**
   * Candidate faces in an image of exactly inputWidth x inputHeight, before NMS, with
   * coordinates in that input's pixels. Only candidates scoring >= minScore are returned.
   */
  detect(input: RgbImage, minScore: number): Promise<FaceBox[]>;
}

export interface LandmarkModel {
  /** Side of the square grey input (fr_landmark: 64). */
  readonly inputSize: number;
  /** 68 (x, y) pairs, interleaved, normalised to the input crop (0..1 spans the crop). */
  predict(crop: GreyImage): Promise<Float32Array>;
}

export interface EmbeddingModel {
  /** Stable identity of the weights, e.g. 'fr_feature@1a2b3c4d5e6f'; stored with templates. */
  readonly modelId: string;
  /** The weights and how they are fed (embedding-manifest.ts); templates of another are never compared. */
  readonly embeddingSpace: string;
  readonly dim: number;
  /** Embedding of a 112 x 112 aligned face, L2-normalised. */
  embed(aligned112: RgbImage): Promise<Float32Array>;
  /** Releases what the model holds outside the heap (the ONNX adapter's worker thread). */
  close?(): Promise<void>;
}

/** The three MTCNN networks (mtcnn_*.onnx). Inputs are RGB images; the adapter normalises them. */
export interface MtcnnNetworks {
  /** P-Net over one whole pyramid level (at least 12 x 12 pixels). */
  proposals(level: RgbImage): Promise<PnetMap>;
  /** R-Net on 24 x 24 crops: face probability per crop, regression [n][4]. */
  refine(crops: readonly RgbImage[]): Promise<{ prob: Float32Array; reg: Float32Array }>;
  /**
   * O-Net on 48 x 48 crops: probability, regression [n][4] and five landmarks [n][10]
   * (x1..x5 then y1..y5, as fractions of the crop).
   */
  output(
    crops: readonly RgbImage[],
  ): Promise<{ prob: Float32Array; reg: Float32Array; landmarks: Float32Array }>;
}
