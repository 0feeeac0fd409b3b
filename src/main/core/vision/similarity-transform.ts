/**
 * Least-squares similarity transform (rotation + uniform scale + translation, no reflection, no
 * shear) between two 2-D point sets: Umeyama (1991) in closed form for 2-D. With centred points p
 * (source) and q (target), [[a, -b], [b, a]] + t with a = sum(p . q) / sum(|p|^2) and
 * b = sum(p x q) / sum(|p|^2); the estimator ArcFace alignment expects, using all five points
 * without letting shear in.
 */
import type { AffineMatrix } from './image-ops';
import type { Point } from './vision.types';

/** ArcFace 112x112 reference: left eye, right eye, nose tip, left / right mouth corner. */
export const ARCFACE_TEMPLATE_112: readonly Point[] = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];

/** Returns the matrix mapping `src` points onto `dst` points (source -> destination). */
export function estimateSimilarity(src: readonly Point[], dst: readonly Point[]): AffineMatrix {
  const n = src.length;
  if (n < 2 || dst.length !== n)
    throw new RangeError('estimateSimilarity needs >= 2 matching points');
  let msx = 0;
  let msy = 0;
  let mdx = 0;
  let mdy = 0;
  for (let i = 0; i < n; i++) {
    msx += src[i]![0];
    msy += src[i]![1];
    mdx += dst[i]![0];
    mdy += dst[i]![1];
  }
  msx /= n;
  msy /= n;
  mdx /= n;
  mdy /= n;
  let dotSum = 0;
  let crossSum = 0;
  let srcVar = 0;
  for (let i = 0; i < n; i++) {
    const px = src[i]![0] - msx;
    const py = src[i]![1] - msy;
    const qx = dst[i]![0] - mdx;
    const qy = dst[i]![1] - mdy;
    dotSum += px * qx + py * qy;
    crossSum += px * qy - py * qx;
    srcVar += px * px + py * py;
  }
  if (!(srcVar > 1e-12)) throw new RangeError('estimateSimilarity: source points are degenerate');
  const a = dotSum / srcVar;
  const b = crossSum / srcVar;
  return [a, -b, mdx - (a * msx - b * msy), b, a, mdy - (b * msx + a * msy)];
}

/** Uniform scale of a similarity matrix (destination pixels per source pixel). */
export function similarityScale(m: AffineMatrix): number {
  return Math.hypot(m[0], m[3]);
}
