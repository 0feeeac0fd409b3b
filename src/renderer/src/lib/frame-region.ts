/** Pure geometry for the terminal: which part of the frame goes to the station, at what scale. */

export interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface PixelRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Margin added on every side of each face box, as a fraction of the box size. The station
 * re-aligns the face from landmarks it finds itself (forehead, chin and ears must be there even
 * when the head turns), and its texture liveness model looks at the face in context: a square
 * 2.7x the face box, where screen bezels, paper edges and moire show. 85% each side = 2.7x.
 */
export const FACE_MARGIN = 0.85;

/**
 * One rectangle (integer pixels, clamped to the frame) covering every face plus its margin,
 * or null when there are no faces or nothing of them lies inside the frame.
 */
export function regionForFaces(
  boxes: readonly Box[],
  frameWidth: number,
  frameHeight: number,
  margin = FACE_MARGIN,
): PixelRect | null {
  if (boxes.length === 0) return null;
  let x1 = Infinity;
  let y1 = Infinity;
  let x2 = -Infinity;
  let y2 = -Infinity;
  for (const b of boxes) {
    const mx = (b.x2 - b.x1) * margin;
    const my = (b.y2 - b.y1) * margin;
    x1 = Math.min(x1, b.x1 - mx);
    y1 = Math.min(y1, b.y1 - my);
    x2 = Math.max(x2, b.x2 + mx);
    y2 = Math.max(y2, b.y2 + my);
  }
  const left = Math.max(0, Math.floor(x1));
  const top = Math.max(0, Math.floor(y1));
  const right = Math.min(frameWidth, Math.ceil(x2));
  const bottom = Math.min(frameHeight, Math.ceil(y2));
  if (right - left < 1 || bottom - top < 1) return null;
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/**
 * Scale (<= 1) for the whole frame so that a region of `width` x `height` frame pixels fits in
 * `maxPixels`. The contract has no separate scale field, so a downscaled request describes a
 * smaller frame: frame size, boxes, keypoints and region are all multiplied by this factor.
 */
export function scaleToFit(width: number, height: number, maxPixels: number): number {
  const pixels = width * height;
  if (pixels <= maxPixels) return 1;
  // A hair under the exact root so rounding the scaled sides up can never exceed the limit.
  return Math.sqrt(maxPixels / pixels) * 0.999;
}

export function scaleBox<T extends Box>(box: T, s: number): T {
  return { ...box, x1: box.x1 * s, y1: box.y1 * s, x2: box.x2 * s, y2: box.y2 * s };
}
