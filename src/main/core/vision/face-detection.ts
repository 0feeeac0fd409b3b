/**
 * Runs a fixed-input face detector on an image of any size: plans one or more "views"
 * (the whole image, optionally a grid of overlapping tiles for small faces), warps each to the
 * network input, maps candidates back to source pixels and merges them with NMS.
 */
import {
  type AffineMatrix,
  type Rect,
  createRgbImage,
  invertAffine,
  rectToSizeMatrix,
  warpAffine,
} from './image-ops';
import { dropNestedBoxes, nonMaxSuppression } from './nms';
import type { FaceDetectorModel } from './vision-models';
import type { FaceBox, RgbImage } from './vision.types';

export type DetectorFit = 'letterbox' | 'stretch';

export interface DetectOptions {
  /** Face score threshold 0..1. */
  minScore: number;
  /** IoU above which a lower-scored overlapping box is dropped. */
  iouThreshold: number;
  /** How the whole image (and each tile) is fitted to the network input. */
  fit: DetectorFit;
  /**
   * Tile grid side (n x n overlapping tiles) run in addition to the whole image, for faces too
   * small for the whole-image pass; 1 = whole image only. Applied only when the image is at
   * least twice the network input, where a tile actually magnifies.
   */
  tileGrid: number;
  maxFaces: number;
}

/** Fraction of a tile shared with its neighbour, so a face on a seam is whole in some tile. */
const TILE_OVERLAP = 0.3;

/** Matrix fitting `rect` of the source into a net input of inW x inH. */
export function fitMatrix(rect: Rect, inW: number, inH: number, fit: DetectorFit): AffineMatrix {
  if (fit === 'stretch') return rectToSizeMatrix(rect, inW, inH);
  // Letterbox: one scale for both axes, content centred, the rest filled by the warp's border.
  const s = Math.min(inW / rect.width, inH / rect.height);
  const ox = (inW - rect.width * s) / 2;
  const oy = (inH - rect.height * s) / 2;
  return [s, 0, (0.5 - rect.x) * s - 0.5 + ox, 0, s, (0.5 - rect.y) * s - 0.5 + oy];
}

/** Source rectangles to run the detector on: the whole image first, then tiles if useful. */
export function planDetectorViews(
  width: number,
  height: number,
  inW: number,
  inH: number,
  grid: number,
): Rect[] {
  const views: Rect[] = [{ x: 0, y: 0, width, height }];
  const magnification = Math.max(width / inW, height / inH);
  if (grid <= 1 || magnification < 2) return views;
  const n = Math.max(1, Math.min(grid, Math.floor(magnification)));
  // n tiles of side t with overlap o*t cover the length L: n*t - (n-1)*o*t = L.
  const tw = width / (n - (n - 1) * TILE_OVERLAP);
  const th = height / (n - (n - 1) * TILE_OVERLAP);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      views.push({
        x: i * tw * (1 - TILE_OVERLAP),
        y: j * th * (1 - TILE_OVERLAP),
        width: tw,
        height: th,
      });
    }
  }
  return views;
}

/** Maps a box from network-input pixels back to source pixels through the inverse fit matrix. */
function mapBack(box: FaceBox, inverse: AffineMatrix): FaceBox {
  // Fit matrices are scale + translation only, so corners map to corners.
  return {
    x1: inverse[0] * box.x1 + inverse[2],
    y1: inverse[4] * box.y1 + inverse[5],
    x2: inverse[0] * box.x2 + inverse[2],
    y2: inverse[4] * box.y2 + inverse[5],
    score: box.score,
  };
}

/**
 * A box touching a tile's inner edge is probably a cut face: the whole-image pass or the
 * neighbouring tile sees it whole, so drop it rather than let NMS keep half a face.
 */
function touchesInnerEdge(
  box: FaceBox,
  view: Rect,
  img: { width: number; height: number },
): boolean {
  const m = 2;
  return (
    (box.x1 <= view.x + m && view.x > 0) ||
    (box.y1 <= view.y + m && view.y > 0) ||
    (box.x2 >= view.x + view.width - m && view.x + view.width < img.width - 1) ||
    (box.y2 >= view.y + view.height - m && view.y + view.height < img.height - 1)
  );
}

export async function detectFaces(
  model: FaceDetectorModel,
  img: RgbImage,
  opts: DetectOptions,
): Promise<FaceBox[]> {
  const inW = model.inputWidth;
  const inH = model.inputHeight;
  const views = planDetectorViews(img.width, img.height, inW, inH, opts.tileGrid);
  const input = createRgbImage(inW, inH);
  const candidates: FaceBox[] = [];
  for (const [index, view] of views.entries()) {
    const m = fitMatrix(view, inW, inH, opts.fit);
    // Mid-grey border: the value the network's (v - 127) / 128 maps to zero.
    warpAffine(img, m, inW, inH, { out: input, fill: 127 });
    const inverse = invertAffine(m);
    for (const raw of await model.detect(input, opts.minScore)) {
      const box = mapBack(raw, inverse);
      if (index > 0 && touchesInnerEdge(box, view, img)) continue;
      candidates.push(box);
    }
  }
  return dropNestedBoxes(nonMaxSuppression(candidates, opts.iouThreshold, opts.maxFaces));
}
