/** Warps a face to the 112 x 112 ArcFace crop the embedding model was trained on. */
import { type AffineMatrix, warpAffine } from './image-ops';
import { ARCFACE_TEMPLATE_112, estimateSimilarity } from './similarity-transform';
import type { FivePoints, RgbImage } from './vision.types';

export const ALIGNED_SIZE = 112;

/** Source -> 112x112 matrix: least-squares similarity from the five points to the template. */
export function alignmentMatrix(five: FivePoints): AffineMatrix {
  return estimateSimilarity(five, ARCFACE_TEMPLATE_112);
}

/**
 * The aligned crop. Outside the photo is black, as in the insightface training crops
 * (cv2.warpAffine's default border), so faces at the frame edge look like training data.
 */
export function alignFace(img: RgbImage, five: FivePoints, out?: RgbImage): RgbImage {
  return warpAffine(img, alignmentMatrix(five), ALIGNED_SIZE, ALIGNED_SIZE, {
    out,
    fill: 0,
    maxSupersample: 4,
  });
}
