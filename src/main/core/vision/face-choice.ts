import type { FaceAnalysis } from './vision.types';

/**
 * The face a whole-image 1:1 comparison uses: the largest by inter-ocular distance, the rule
 * `station verify` applies, so a threshold calibrated on pairs means the same thing there.
 * Undefined when the image has no face.
 */
export function largestFace(faces: readonly FaceAnalysis[]): FaceAnalysis | undefined {
  return faces.reduce<FaceAnalysis | undefined>(
    (best, f) => (!best || f.interEyePx > best.interEyePx ? f : best),
    undefined,
  );
}
