import type { FindMode } from './face-finder';
import type { FaceAnalysis, FaceBox, Point, RgbImage } from './vision.types';

/** What the station needs from the face pipeline (FacePipeline implements it). */
export interface FaceAnalyzer {
  /** Identifies the embedding model's weights (templates.model_id). */
  readonly modelId: string;
  /** The embedding space (templates.embedding_space): templates of another are never mixed in. */
  readonly embeddingSpace: string;
  readonly embeddingDim: number;
  /**
   * Detects every face in a whole image, then landmarks, aligns and embeds each. 'precise' (the
   * default) for photos, 'fast' for video frames (face-finder.ts).
   */
  analyzeImage(img: RgbImage, opts?: { mode?: FindMode }): Promise<FaceAnalysis[]>;
  /** For a face already located (by MediaPipe in the renderer): landmarks, align, embed. */
  analyzeRegion(
    img: RgbImage,
    hint: { box: FaceBox; keypoints?: Point[] },
  ): Promise<FaceAnalysis | null>;
}

/** Decodes untrusted image bytes; throws StationError UNREADABLE_IMAGE / IMAGE_TOO_LARGE. */
export type ImageDecoder = (bytes: Buffer, name: string) => Promise<RgbImage>;
