/**
 * Micro-motion between two consecutive frames of one tracked face, in units of the face's size
 * so a face near the camera and one across the room are judged alike.
 *
 * 1. The face neighbourhood of each frame is resampled to a fixed grey patch centred on that
 *    frame's own face (landmark tracking removes the bulk translation, so block matching only
 *    has to find small residual shifts), both at the scale of the earlier face.
 * 2. Block-matching flow on a grid over the face, and a least-squares affine fit: the residual
 *    is motion no rigid flat object (photo, phone, monitor) could make (affine-flow-fit.ts).
 * 3. The whole frame, shrunk, gives the background's motion (a shaking or panning camera), so
 *    the face's rigid motion is measured relative to the scene, not to the sensor.
 */
import {
  type GreyImage,
  rectToSizeMatrix,
  resizeBilinear,
  toGrey,
  warpAffine,
} from '../vision/image-ops';
import type { RgbImage } from '../vision/vision.types';
import {
  type BlockMatchOptions,
  type FlowVector,
  gridFlow,
  matchBlock,
  medianShift,
} from './block-matching';
import { fitAffineFlow } from './affine-flow-fit';
import type { FaceSquare } from './face-square';

/** Patch side, pixels; the face square covers PATCH / PATCH_SCALE = 60 px of it. */
const PATCH = 96;
/** Patch covers the face square grown by this factor (room for the search radius). */
const PATCH_SCALE = 1.6;
/** Flow grid over the face square inside the patch. */
const FACE_GRID = 7;
/**
 * The grid spans the central 70 % of the face square: eyes, nose, mouth, cheeks. The square's
 * corners show hair or the wall behind, whose motion relative to the face is not micro-motion.
 */
const FACE_REGION = 0.7;
/**
 * 10 px blocks, +-4 px search: 4 px of a 60 px face is ~7 % of the face per frame after the
 * landmark re-centring, far more than any residual micro-motion. minStd 3 grey levels drops
 * blocks flat enough for compression noise to dominate.
 */
const FACE_MATCH: BlockMatchOptions = { half: 5, radius: 4, minStd: 3 };
/** Residuals above 3 px (5 % of the face) are mismatches, not micro-motion. */
const RESIDUAL_CLIP = 3;
/** Background thumbnail width and its flow settings. */
const BG_WIDTH = 96;
const BG_MATCH: BlockMatchOptions = { half: 4, radius: 3, minStd: 3 };
const BG_GRID = 8;

export interface FrameMotionInput {
  frame: RgbImage;
  square: FaceSquare;
  /** Shrunk grey frame from `backgroundThumb`, computed once per frame. */
  thumb: GreyImage;
}

export interface PairMotion {
  /** Mean affine-fit residual, as a fraction of the face side. */
  nonRigid: number;
  /** Mean of the largest third of the residuals, fraction of the face side. */
  nonRigidTop: number;
  /** Face translation relative to the background, fraction of the face side. */
  rigid: number;
  /** Background (camera) translation, fraction of the face side. */
  background: number;
  /** Spatial coherence of the affine-fit residuals, -1..1 (affine-flow-fit.ts). */
  coherence: number;
  /** Usable face flow vectors. */
  vectors: number;
}

export function backgroundThumb(frame: RgbImage): GreyImage {
  const w = Math.min(BG_WIDTH, frame.width);
  const h = Math.max(8, Math.round((frame.height * w) / frame.width));
  return toGrey(resizeBilinear(frame, w, h));
}

function facePatch(frame: RgbImage, cx: number, cy: number, side: number): GreyImage {
  const s = side * PATCH_SCALE;
  const m = rectToSizeMatrix(
    { x: cx - s / 2 + 0.5, y: cy - s / 2 + 0.5, width: s, height: s },
    PATCH,
    PATCH,
  );
  return toGrey(warpAffine(frame, m, PATCH, PATCH, { fill: 0, maxSupersample: 4 }));
}

/** Median background shift between thumbnails, ignoring blocks on or near the face. */
function backgroundShift(a: FrameMotionInput, b: FrameMotionInput): [number, number] {
  const k = a.thumb.width / a.frame.width;
  const fx = a.square.cx * k;
  const fy = a.square.cy * k;
  const reach = a.square.side * k * 0.9;
  const vectors: FlowVector[] = [];
  const { width, height } = a.thumb;
  const side = 2 * BG_MATCH.half;
  for (let j = 0; j < BG_GRID; j++) {
    for (let i = 0; i < BG_GRID; i++) {
      const cx = ((i + 0.5) * width) / BG_GRID;
      const cy = ((j + 0.5) * height) / BG_GRID;
      if (Math.abs(cx - fx) < reach && Math.abs(cy - fy) < reach * 1.5) continue;
      const v = matchBlock(
        a.thumb,
        b.thumb,
        Math.round(cx - side / 2),
        Math.round(cy - side / 2),
        BG_MATCH,
      );
      if (v) vectors.push(v);
    }
  }
  // Fewer than 4 textured background blocks (a face filling the frame, a blank wall): assume a
  // still camera rather than trust a median of one or two noisy vectors.
  if (vectors.length < 4) return [0, 0];
  const [dx, dy] = medianShift(vectors);
  return [dx / k, dy / k];
}

/** Motion of the face from frame `a` to frame `b`; null when too few blocks could be matched. */
export function pairMotion(a: FrameMotionInput, b: FrameMotionInput): PairMotion | null {
  const side = a.square.side;
  if (!(side > 4)) return null;
  const pa = facePatch(a.frame, a.square.cx, a.square.cy, side);
  const pb = facePatch(b.frame, b.square.cx, b.square.cy, side);
  const faceSpan = PATCH / PATCH_SCALE;
  const gridSpan = faceSpan * FACE_REGION;
  const margin = (PATCH - gridSpan) / 2;
  const vectors = gridFlow(
    pa,
    pb,
    { x: margin, y: margin, width: gridSpan, height: gridSpan },
    FACE_GRID,
    FACE_MATCH,
  );
  const fit = fitAffineFlow(vectors, RESIDUAL_CLIP);
  if (!fit) return null;
  const pxPerPatch = (side * PATCH_SCALE) / PATCH;
  // Face translation in source pixels: landmark re-centring plus what the flow still saw.
  const tx = b.square.cx - a.square.cx + fit.translation[0] * pxPerPatch;
  const ty = b.square.cy - a.square.cy + fit.translation[1] * pxPerPatch;
  const [bx, by] = backgroundShift(a, b);
  return {
    nonRigid: fit.residual / faceSpan,
    nonRigidTop: fit.residualTop / faceSpan,
    rigid: Math.hypot(tx - bx, ty - by) / side,
    background: Math.hypot(bx, by) / side,
    coherence: fit.coherence,
    vectors: fit.count,
  };
}
