import { StationError } from '../../../shared/errors';
import { dot } from '../vision/embedding-math';
import type { LabelledPair } from './pairs-csv';

export interface ScoredLabelledPair extends LabelledPair {
  score: number;
}

export interface SkippedImage {
  image: string;
  reason: string;
}

export interface PairScoring {
  scored: ScoredLabelledPair[];
  /** Pairs left out because an image was unreadable or showed no usable face. */
  skipped: number;
  skippedImages: SkippedImage[];
}

/** Returns the L2-normalised embedding of the face to use; throws StationError to skip the image. */
export type ImageEmbedder = (image: string) => Promise<Float32Array>;

/**
 * Cosine similarity of every pair, embedding each distinct image once (pair lists reuse
 * images: the 1,200 CelebA pairs use 1,053 images).
 * An image that fails with a StationError (unreadable, no face) skips its pairs; any other
 * error is a bug and propagates.
 */
export async function scorePairs(
  pairs: readonly LabelledPair[],
  embed: ImageEmbedder,
): Promise<PairScoring> {
  const cache = new Map<string, Float32Array | null>();
  const skippedImages: SkippedImage[] = [];
  const embeddingOf = async (image: string): Promise<Float32Array | null> => {
    const known = cache.get(image);
    if (known !== undefined) return known;
    let value: Float32Array | null;
    try {
      value = await embed(image);
    } catch (err) {
      if (!(err instanceof StationError)) throw err;
      skippedImages.push({ image, reason: `${err.code}: ${err.message}` });
      value = null;
    }
    cache.set(image, value);
    return value;
  };
  const scored: ScoredLabelledPair[] = [];
  let skipped = 0;
  for (const p of pairs) {
    const a = await embeddingOf(p.img1);
    const b = await embeddingOf(p.img2);
    if (a && b) scored.push({ ...p, score: dot(a, b) });
    else skipped++;
  }
  return { scored, skipped, skippedImages };
}
