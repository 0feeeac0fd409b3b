/**
 * The station's face pipeline: detect -> 68 landmarks -> five points -> similarity alignment to
 * the ArcFace 112x112 template -> 512-d embedding. Plain TypeScript over three model
 * interfaces; `load` wires in the ONNX adapters.
 */
import { OnnxEmbedder } from '../../adapters/onnx-embedder';
import { OnnxFaceDetector } from '../../adapters/onnx-face-detector';
import { OnnxLandmarker } from '../../adapters/onnx-landmarker';
import type { EmbeddingModelSpec } from '../models/embedding-model-source';
import { alignFace } from './face-alignment';
import type { FaceAnalyzer } from './face-analyzer';
import { type DetectOptions, detectFaces } from './face-detection';
import {
  type FaceCrop,
  cropFromBox,
  cropFromEyesAndMouth,
  cropFromFivePoints,
  predictLandmarks,
} from './face-landmarks';
import { fivePointsFrom68, interEyeDistance } from './five-points';
import type { EmbeddingModel, FaceDetectorModel, LandmarkModel } from './vision-models';
import type { FaceAnalysis, FaceBox, Point, RgbImage } from './vision.types';

export interface FacePipelineConfig {
  detect: DetectOptions;
  /** Run the landmark model a second time on a crop re-centred from the first pass. */
  refineLandmarks: boolean;
  /** Rotate the refined crop so the landmark model sees a level face. */
  uprightRefine: boolean;
  /** Box-only region hints are grown by this factor before the first landmark pass. */
  regionHintExpand: number;
}

/**
 * Defaults chosen from measurements on ../shared/data (docs/BENCHMARKS.md):
 * - letterbox beat stretch: on no_face, 1 false face (the cat) vs 4 at score 0.7, and fewer
 *   missed faces on celeba_wild_subset (2 vs 6 of 1,170 images) at equal multi_face recall;
 * - minScore 0.7: every multi_face photo still yields >= 2 faces; 0.9 would drop the cat but
 *   lose ~15 real small faces on multi_face and 3 more celeba faces;
 * - tiling (tileGrid > 1) finds ~14 more small faces in group photos for 5x the detector time
 *   and adds false faces, so it is opt-in per call.
 */
export const DEFAULT_PIPELINE_CONFIG: FacePipelineConfig = {
  detect: { minScore: 0.7, iouThreshold: 0.4, fit: 'letterbox', tileGrid: 1, maxFaces: 50 },
  refineLandmarks: true,
  uprightRefine: true,
  regionHintExpand: 1.15,
};

export interface AnalyzeImageOptions {
  minScore?: number;
  tileGrid?: number;
  maxFaces?: number;
}

export interface RegionHint {
  box: FaceBox;
  /**
   * MediaPipe FaceDetector keypoints in source pixels, in its order: right eye, left eye,
   * nose tip, mouth centre, right ear, left ear (eyes may come in either order).
   */
  keypoints?: Point[];
}

export class FacePipeline implements FaceAnalyzer {
  constructor(
    private readonly detector: FaceDetectorModel,
    private readonly landmarker: LandmarkModel,
    private readonly embedder: EmbeddingModel,
    readonly config: FacePipelineConfig = DEFAULT_PIPELINE_CONFIG,
  ) {}

  /**
   * Loads the three verified models from `modelsDir` (throws MODEL_MISSING / MODEL_TAMPERED),
   * the embedding model from `embedding` when a site brings its own.
   */
  static async load(
    modelsDir: string,
    config: FacePipelineConfig = DEFAULT_PIPELINE_CONFIG,
    embedding?: EmbeddingModelSpec,
  ): Promise<FacePipeline> {
    const [detector, landmarker, embedder] = await Promise.all([
      OnnxFaceDetector.create(modelsDir),
      OnnxLandmarker.create(modelsDir),
      OnnxEmbedder.create(modelsDir, embedding),
    ]);
    return new FacePipeline(detector, landmarker, embedder, config);
  }

  /** e.g. 'fr_feature@87aacdfe5751': templates from different weights are never compared. */
  get modelId(): string {
    return this.embedder.modelId;
  }

  get embeddingSpace(): string {
    return this.embedder.embeddingSpace;
  }

  get embeddingDim(): number {
    return this.embedder.dim;
  }

  /** Face boxes only (no landmarks / embeddings), highest score first. */
  async detect(img: RgbImage, opts: AnalyzeImageOptions = {}): Promise<FaceBox[]> {
    return detectFaces(this.detector, img, { ...this.config.detect, ...definedOnly(opts) });
  }

  /**
   * Every face in the image, highest detector score first. Small faces are included: check
   * `interEyePx` against the caller's minimum (FACE_TOO_SMALL is the caller's decision).
   */
  async analyzeImage(img: RgbImage, opts: AnalyzeImageOptions = {}): Promise<FaceAnalysis[]> {
    const boxes = await this.detect(img, opts);
    const faces: FaceAnalysis[] = [];
    for (const box of boxes) faces.push(await this.analyzeDetection(img, box));
    return faces;
  }

  /** Landmarks, alignment and embedding for one box from `detect` (what analyzeImage does per face). */
  async analyzeDetection(img: RgbImage, box: FaceBox): Promise<FaceAnalysis> {
    return this.analyzeCrop(img, box, cropFromBox(box));
  }

  /**
   * For a face the renderer already found: landmarks inside the hinted region, align, embed.
   * The detector is not run. Returns null when the hint is degenerate.
   */
  async analyzeRegion(img: RgbImage, hint: RegionHint): Promise<FaceAnalysis | null> {
    const crop = this.cropFromHint(hint);
    if (!crop) return null;
    return this.analyzeCrop(img, hint.box, crop);
  }

  /** Embedding of an already aligned 112x112 face (L2-normalised). */
  async embedAligned(aligned112: RgbImage): Promise<Float32Array> {
    return this.embedder.embed(aligned112);
  }

  /** Stops the embedder's worker thread (later embeddings fail with MODEL_FAILED). */
  async close(): Promise<void> {
    await this.embedder.close?.();
  }

  private cropFromHint(hint: RegionHint): FaceCrop | null {
    const { box, keypoints } = hint;
    const w = box.x2 - box.x1;
    const h = box.y2 - box.y1;
    if (!(w > 1 && h > 1) || ![box.x1, box.y1, box.x2, box.y2].every(Number.isFinite)) return null;
    const [e1, e2, , mouth] = keypoints ?? [];
    if (e1 && e2 && mouth) {
      const eyeMid: Point = [(e1[0] + e2[0]) / 2, (e1[1] + e2[1]) / 2];
      const crop = cropFromEyesAndMouth(eyeMid, mouth, false);
      if (crop) return crop;
    }
    // MediaPipe's box is squarer and tighter than fr_detect's; grow it, then let the refine
    // pass re-centre the crop from the landmarks it yields.
    const side = Math.max(w, h) * this.config.regionHintExpand;
    return { centre: [(box.x1 + box.x2) / 2, (box.y1 + box.y2) / 2], side, down: [0, 1] };
  }

  private async analyzeCrop(
    img: RgbImage,
    box: FaceBox,
    firstCrop: FaceCrop,
  ): Promise<FaceAnalysis> {
    let landmarks68 = await predictLandmarks(this.landmarker, img, firstCrop);
    let five = fivePointsFrom68(landmarks68);
    if (this.config.refineLandmarks) {
      const refined = cropFromFivePoints(five, this.config.uprightRefine);
      if (refined) {
        landmarks68 = await predictLandmarks(this.landmarker, img, refined);
        five = fivePointsFrom68(landmarks68);
      }
    }
    const embedding = await this.embedder.embed(alignFace(img, five));
    return { box, landmarks68, five, embedding, interEyePx: interEyeDistance(five) };
  }
}

function definedOnly(opts: AnalyzeImageOptions): Partial<DetectOptions> {
  const out: Partial<DetectOptions> = {};
  if (opts.minScore !== undefined) out.minScore = opts.minScore;
  if (opts.tileGrid !== undefined) out.tileGrid = opts.tileGrid;
  if (opts.maxFaces !== undefined) out.maxFaces = opts.maxFaces;
  return out;
}
