/**
 * The face square liveness works on, derived from the landmarks when there are any, so the
 * texture crop and the motion patch are the same whether the face came from fr_detect (CLI,
 * enrolment) or from MediaPipe's tighter box in the renderer (the door). The canonical crop of
 * face-landmarks.ts was measured to match fr_detect's box (side = box height), which is the box
 * the texture model's 2.7x context crop was designed around.
 */
import { cropFromFivePoints } from '../vision/face-landmarks';
import type { FaceBox, FivePoints, Point } from '../vision/vision.types';

export interface FaceSquare {
  cx: number;
  cy: number;
  side: number;
}

/** What liveness needs to know about a face in one frame (FaceAnalysis satisfies it). */
export interface LivenessFace {
  box: FaceBox;
  landmarks68: readonly Point[];
  five?: FivePoints;
}

export function squareFromBox(box: FaceBox): FaceSquare {
  return {
    cx: (box.x1 + box.x2) / 2,
    cy: (box.y1 + box.y2) / 2,
    side: Math.max(box.x2 - box.x1, box.y2 - box.y1),
  };
}

export function faceSquare(face: LivenessFace): FaceSquare {
  const crop = face.five ? cropFromFivePoints(face.five, false) : null;
  if (crop) return { cx: crop.centre[0], cy: crop.centre[1], side: crop.side };
  return squareFromBox(face.box);
}
