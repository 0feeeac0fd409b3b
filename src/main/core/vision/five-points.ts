/**
 * Reduces iBUG 68-point landmarks to the five ArcFace alignment points.
 * Eye centres average all six contour points of each eye (more stable than the four the
 * faceplugin code used); nose tip is point 30; mouth corners are the outer lip corners 48 / 54.
 */
import type { FivePoints, Point } from './vision.types';

const RIGHT_EYE_OF_SUBJECT = [36, 37, 38, 39, 40, 41] as const; // image left
const LEFT_EYE_OF_SUBJECT = [42, 43, 44, 45, 46, 47] as const; // image right
const NOSE_TIP = 30;
const MOUTH_IMAGE_LEFT = 48;
const MOUTH_IMAGE_RIGHT = 54;

function at(points: readonly Point[], i: number): Point {
  const p = points[i];
  if (!p) throw new RangeError(`landmark ${i} missing`);
  return p;
}

function mean(points: readonly Point[], idx: readonly number[]): Point {
  let x = 0;
  let y = 0;
  for (const i of idx) {
    const p = at(points, i);
    x += p[0];
    y += p[1];
  }
  return [x / idx.length, y / idx.length];
}

export function fivePointsFrom68(landmarks68: readonly Point[]): FivePoints {
  if (landmarks68.length !== 68)
    throw new RangeError(`expected 68 landmarks, got ${landmarks68.length}`);
  return [
    mean(landmarks68, RIGHT_EYE_OF_SUBJECT),
    mean(landmarks68, LEFT_EYE_OF_SUBJECT),
    at(landmarks68, NOSE_TIP),
    at(landmarks68, MOUTH_IMAGE_LEFT),
    at(landmarks68, MOUTH_IMAGE_RIGHT),
  ];
}

/** Distance between the two eye centres, in the points' own units. */
export function interEyeDistance(five: FivePoints): number {
  return Math.hypot(five[1][0] - five[0][0], five[1][1] - five[0][1]);
}
