/**
 * 68-point landmarks from a square grey crop around the face, mapped back to source pixels.
 */
import { type Rect, createRgbImage, rectToSizeMatrix, toGrey, warpAffine } from './image-ops';
import type { LandmarkModel } from './vision-models';
import type { FaceBox, Point, RgbImage } from './vision.types';

/** Square crop centred on the box; side = box height * scale (the detector's box is taller than wide). */
export function squareCropAround(box: FaceBox, scale = 1): Rect {
  const side = Math.max(1, (box.y2 - box.y1) * scale);
  const cx = (box.x1 + box.x2) / 2;
  const cy = (box.y1 + box.y2) / 2;
  return { x: cx - side / 2, y: cy - side / 2, width: side, height: side };
}

export async function predictLandmarks(model: LandmarkModel, img: RgbImage, crop: Rect): Promise<Point[]> {
  const size = model.inputSize;
  const rgb = warpAffine(img, rectToSizeMatrix(crop, size, size), size, size, {
    out: createRgbImage(size, size),
    fill: 0,
    maxSupersample: 4,
  });
  const out = await model.predict(toGrey(rgb));
  const points: Point[] = [];
  for (let i = 0; i < 68; i++) {
    points.push([crop.x + out[2 * i]! * crop.width, crop.y + out[2 * i + 1]! * crop.height]);
  }
  return points;
}
