/**
 * Quarter turns of an image and the maps back, for finding faces in frames that arrive sideways
 * (a phone recording whose rotation tag was lost): the detectors only know upright faces.
 */
import type { FaceBox, FivePoints, Point, RgbImage } from './vision.types';

/** 'cw': the image turned 90 degrees clockwise; 'ccw': counter-clockwise. */
export type QuarterTurn = 'cw' | 'ccw';

export function turnImage(img: RgbImage, turn: QuarterTurn): RgbImage {
  const { width: w, height: h } = img;
  const out = new Uint8Array(img.data.length);
  // Output is h wide and w high; (x, y) of the source lands at (h-1-y, x) for cw.
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [ox, oy] = turn === 'cw' ? [h - 1 - y, x] : [y, w - 1 - x];
      const s = (y * w + x) * 3;
      const d = (oy * h + ox) * 3;
      out[d] = img.data[s]!;
      out[d + 1] = img.data[s + 1]!;
      out[d + 2] = img.data[s + 2]!;
    }
  }
  return { width: h, height: w, data: out };
}

/** A pixel-centre point of the turned image, back in the source (w x h) image. */
export function pointBack(p: Point, turn: QuarterTurn, w: number, h: number): Point {
  return turn === 'cw' ? [p[1], h - 1 - p[0]] : [w - 1 - p[1], p[0]];
}

/** A box (edge coordinates) of the turned image, back in the source (w x h) image. */
export function boxBack(b: FaceBox, turn: QuarterTurn, w: number, h: number): FaceBox {
  return turn === 'cw'
    ? { x1: b.y1, y1: h - b.x2, x2: b.y2, y2: h - b.x1, score: b.score }
    : { x1: w - b.y2, y1: b.x1, x2: w - b.y1, y2: b.x2, score: b.score };
}

export function fiveBack(f: FivePoints, turn: QuarterTurn, w: number, h: number): FivePoints {
  const p = (i: number): Point => pointBack(f[i]!, turn, w, h);
  return [p(0), p(1), p(2), p(3), p(4)];
}
