/**
 * The station's face pipeline: find faces (fr_detect proposals confirmed by MTCNN's O-Net, see
 * face-finder.ts) -> 68 landmarks, started from O-Net's five points -> five points (averaged
 * with O-Net's) -> similarity alignment to the ArcFace 112x112 template -> 512-d embedding.
 * Plain TypeScript over model interfaces; composition/onnx-models.ts wires in the ONNX adapters.
 */
import { alignFace } from './face-alignment';
import type { FaceAnalyzer } from './face-analyzer';
import type { DetectOptions } from './face-detection';
import { FaceFinder, type FaceFinderConfig, type FindMode, type FoundFace } from './face-finder';
import {
  type FaceCrop,
  cropFromBox,
  cropFromEyesAndMouth,
  cropFromFivePoints,
  predictLandmarks,
} from './face-landmarks';
import { fivePointsFrom68, interEyeDistance } from './five-points';
import type { MtcnnDetector } from './mtcnn-detector';
import type { EmbeddingModel, FaceDetectorModel, LandmarkModel } from './vision-models';
import type { FaceAnalysis, FaceBox, FivePoints, Point, RgbImage } from './vision.types';

export interface FacePipelineConfig {
  finder: FaceFinderConfig;
  /** Run the landmark model a second time on a crop re-centred from the first pass. */
  refineLandmarks: boolean;
  /** Rotate the refined crop so the landmark model sees a level face. */
  uprightRefine: boolean;
  /** Box-only region hints are grown by this factor before the first landmark pass. */
  regionHintExpand: number;
}

/**
 * fr_detect's own threshold when nothing confirms its boxes (a pipeline built without MTCNN):
 * letterbox fit, 0.7 kept every multi_face photo at >= 2 faces with 1 false face on no_face
 * (the cat), where 0.9 lost ~15 small faces (docs/BENCHMARKS.md, "Face detection recall").
 */
export const UNCONFIRMED_MIN_SCORE = 0.7;

/**
 * Defaults from ../shared/data (docs/BENCHMARKS.md, "Face detection recall"):
 * - fr_detect proposals from score 0.5, kept when O-Net gives >= 0.7: on multi_face and no_face
 *   every real face scored >= 0.87 with O-Net and every false proposal <= 0.42 (round values
 *   inside that gap, not tuned to its edges);
 * - an MTCNN face (searched only when no proposal is confirmed) needs fr_detect >= 0.5 on its
 *   enlarged surroundings;
 * - 3x3 tiles in 'precise' mode find the small faces of group photos (solvay1927);
 * - letterbox, not stretch: fewer false faces and missed CelebA faces.
 */
export const DEFAULT_PIPELINE_CONFIG: FacePipelineConfig = {
  finder: {
    detect: { minScore: 0.5, iouThreshold: 0.4, fit: 'letterbox', tileGrid: 1, maxFaces: 50 },
    preciseTileGrid: 3,
    confirmThreshold: 0.7,
    crossCheckScore: 0.5,
    fallbackViews: ['equalized', 'turned'],
  },
  refineLandmarks: true,
  uprightRefine: true,
  regionHintExpand: 1.15,
};

export interface AnalyzeImageOptions {
  /**
   * 'precise' (the default: enrolment, photo import, calibration) also searches tiles for small
   * faces; 'fast' (video frames) does not.
   */
  mode?: FindMode;
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
  private readonly finder: FaceFinder;

  constructor(
    detector: FaceDetectorModel,
    private readonly landmarker: LandmarkModel,
    private readonly embedder: EmbeddingModel,
    /** Null: fr_detect alone at its own threshold (tools and tests that predate MTCNN). */
    mtcnn: MtcnnDetector | null = null,
    readonly config: FacePipelineConfig = DEFAULT_PIPELINE_CONFIG,
  ) {
    const detect = mtcnn
      ? config.finder.detect
      : {
          ...config.finder.detect,
          minScore: Math.max(config.finder.detect.minScore, UNCONFIRMED_MIN_SCORE),
        };
    this.finder = new FaceFinder(detector, mtcnn, { ...config.finder, detect });
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

  /** The faces of a whole image (boxes, O-Net's points), highest score first. */
  async find(img: RgbImage, opts: AnalyzeImageOptions = {}): Promise<FoundFace[]> {
    return this.finder.find(img, opts.mode ?? 'precise', definedOnly(opts));
  }

  /** Face boxes only (no landmarks / embeddings), highest score first. */
  async detect(img: RgbImage, opts: AnalyzeImageOptions = {}): Promise<FaceBox[]> {
    return (await this.find(img, opts)).map((f) => f.box);
  }

  /**
   * Every face in the image, highest detector score first. Small faces are included: check
   * `interEyePx` against the caller's minimum (FACE_TOO_SMALL is the caller's decision).
   */
  async analyzeImage(img: RgbImage, opts: AnalyzeImageOptions = {}): Promise<FaceAnalysis[]> {
    const faces: FaceAnalysis[] = [];
    for (const found of await this.find(img, opts)) faces.push(await this.analyzeFound(img, found));
    return faces;
  }

  /**
   * Landmarks, alignment and embedding for one face from `find`. O-Net's points give the
   * landmark model a level, centred face even when the head is sideways or the box loose; the
   * face is then aligned on the average of O-Net's and the 68-point model's five points, which
   * beat either alone on both LFW and CelebA (docs/BENCHMARKS.md, "Alignment sources").
   */
  async analyzeFound(img: RgbImage, found: FoundFace): Promise<FaceAnalysis> {
    const first = (found.five && cropFromFivePoints(found.five, true)) ?? cropFromBox(found.box);
    return this.analyzeCrop(img, found.box, first, found.five);
  }

  /** Landmarks, alignment and embedding for a bare box (no O-Net points). */
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
    onetFive: FivePoints | null = null,
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
    if (onetFive) five = meanOfFive(five, onetFive);
    const embedding = await this.embedder.embed(alignFace(img, five));
    return { box, landmarks68, five, embedding, interEyePx: interEyeDistance(five) };
  }
}

/** Point-by-point average of two five-point sets of the same face. */
export function meanOfFive(a: FivePoints, b: FivePoints): FivePoints {
  const p = (i: number): Point => [(a[i]![0] + b[i]![0]) / 2, (a[i]![1] + b[i]![1]) / 2];
  return [p(0), p(1), p(2), p(3), p(4)];
}

function definedOnly(opts: AnalyzeImageOptions): Partial<DetectOptions> {
  const out: Partial<DetectOptions> = {};
  if (opts.minScore !== undefined) out.minScore = opts.minScore;
  if (opts.tileGrid !== undefined) out.tileGrid = opts.tileGrid;
  if (opts.maxFaces !== undefined) out.maxFaces = opts.maxFaces;
  return out;
}
