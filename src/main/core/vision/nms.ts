/**
 * Greedy non-maximum suppression with standard intersection-over-union, highest score first.
 * (The faceplugin code sorted by the box's bottom edge and divided the overlap by one box's
 * area, which keeps the wrong box and suppresses small faces next to big ones.)
 */
import type { FaceBox } from './vision.types';

export function boxArea(b: FaceBox): number {
  return Math.max(0, b.x2 - b.x1) * Math.max(0, b.y2 - b.y1);
}

export function iou(a: FaceBox, b: FaceBox): number {
  const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const union = boxArea(a) + boxArea(b) - inter;
  return union > 0 ? inter / union : 0;
}

/** Returns the kept boxes, sorted by descending score. Input is not modified. */
export function nonMaxSuppression(
  boxes: readonly FaceBox[],
  iouThreshold: number,
  maxKeep = Infinity,
): FaceBox[] {
  const sorted = boxes.filter((b) => boxArea(b) > 0).sort((p, q) => q.score - p.score);
  const kept: FaceBox[] = [];
  const suppressed = new Uint8Array(sorted.length);
  for (let i = 0; i < sorted.length && kept.length < maxKeep; i++) {
    if (suppressed[i]) continue;
    const best = sorted[i]!;
    kept.push(best);
    for (let j = i + 1; j < sorted.length; j++) {
      if (!suppressed[j] && iou(best, sorted[j]!) > iouThreshold) suppressed[j] = 1;
    }
  }
  return kept;
}

/**
 * Drops a box lying mostly (>= `fraction` of its area) inside a larger kept box: a face cannot
 * contain another face, and the detector does fire on an eye or a mouth inside a big face
 * (seen on faceapi_bbt howard5.png: an "eye face" at score 0.74 made a portrait "2 faces").
 */
export function dropNestedBoxes(boxes: readonly FaceBox[], fraction = 0.8): FaceBox[] {
  return boxes.filter((inner) => {
    const area = boxArea(inner);
    return !boxes.some((outer) => {
      if (outer === inner || boxArea(outer) <= area) return false;
      const w = Math.min(inner.x2, outer.x2) - Math.max(inner.x1, outer.x1);
      const h = Math.min(inner.y2, outer.y2) - Math.max(inner.y1, outer.y1);
      return w > 0 && h > 0 && (w * h) / area >= fraction;
    });
  });
}
