/**
 * The face of a still image for a single-frame PAD verdict (`station pad-eval` on photos, the
 * PAD training data). Many liveness photo sets are tight face crops in which the detector,
 * trained on faces with surroundings, finds nothing; such a crop is placed on a mid-grey canvas
 * and detected again, and the face square maps back to the crop's own pixels. The door never
 * needs this: its frames always hold the face with its surroundings.
 */
import type { LivenessFace } from './face-square';
import type { RgbImage } from '../vision/vision.types';
import { createRgbImage } from '../vision/image-ops';

/** Canvas side as a multiple of the crop's larger side. */
const PAD_CANVAS = 1.8;
const GREY = 128;

export interface StillFace {
  face: LivenessFace;
  /** True when the face was found only on the padded canvas (a tight crop). */
  padded: boolean;
}

function padOnCanvas(img: RgbImage): { canvas: RgbImage; dx: number; dy: number } {
  const side = Math.ceil(Math.max(img.width, img.height) * PAD_CANVAS);
  const canvas = createRgbImage(side, side);
  canvas.data.fill(GREY);
  const dx = Math.floor((side - img.width) / 2);
  const dy = Math.floor((side - img.height) / 2);
  for (let y = 0; y < img.height; y++) {
    const from = y * img.width * 3;
    canvas.data.set(img.data.subarray(from, from + img.width * 3), ((y + dy) * side + dx) * 3);
  }
  return { canvas, dx, dy };
}

function shifted(face: LivenessFace, dx: number, dy: number): LivenessFace {
  const move = ([x, y]: readonly [number, number]): [number, number] => [x - dx, y - dy];
  const b = face.box;
  return {
    box: { ...b, x1: b.x1 - dx, x2: b.x2 - dx, y1: b.y1 - dy, y2: b.y2 - dy },
    landmarks68: face.landmarks68.map(move),
    ...(face.five ? { five: face.five.map(move) as unknown as LivenessFace['five'] } : {}),
  };
}

/** The largest face of `img`, trying a padded canvas when the plain image has none. */
export async function findStillFace(
  img: RgbImage,
  largestFace: (frame: RgbImage) => Promise<LivenessFace | null>,
): Promise<StillFace | null> {
  const direct = await largestFace(img);
  if (direct) return { face: direct, padded: false };
  const { canvas, dx, dy } = padOnCanvas(img);
  const found = await largestFace(canvas);
  return found ? { face: shifted(found, dx, dy), padded: true } : null;
}
