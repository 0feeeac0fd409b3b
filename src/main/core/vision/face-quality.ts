/**
 * Measurements the enrolment quality gates judge: size, pose, sharpness, exposure, open eyes.
 * Pure functions over a face the pipeline already analysed; the limits live in settings and
 * the judging in core/enrollment/quality-gates.ts, so a live-capture screen can reuse both.
 *
 * Sharpness and exposure are measured on the aligned 112x112 face (the crop the embedding
 * model sees), so they are independent of where the face is in the photo and of its size:
 * a 300 px face and a 40 px face are compared at the same scale.
 */
import { alignFace } from './face-alignment';
import { estimateHeadPose, yawFromFivePoints } from './head-pose';
import { toGrey, type GreyImage } from './image-ops';
import type { FaceAnalysis, Point, RgbImage } from './vision.types';

export interface FaceQuality {
  /** Distance between the eye centres in source pixels. */
  interEyePx: number;
  yawDeg: number;
  pitchDeg: number;
  /** Variance of the Laplacian over the variance of the grey levels (inner face). */
  sharpness: number;
  /** Mean grey level 0..255 of the inner face. */
  brightness: number;
  /** Fraction of inner-face pixels at or below DARK_LEVEL. */
  darkFraction: number;
  /** Fraction of inner-face pixels at or above BRIGHT_LEVEL. */
  brightFraction: number;
  /** Eye aspect ratio (opening height / width), mean of both eyes; ~0.3 open, <0.15 shut. */
  eyeAspect: number;
}

export const DARK_LEVEL = 16;
export const BRIGHT_LEVEL = 240;

/**
 * The inner face in the 112x112 ArcFace crop: eyebrows to chin top, cheek to cheek, inside the
 * five template points' hull with a margin. Background, hair and the black fill of a face cut
 * by the photo's edge lie mostly outside it.
 */
const INNER = { x0: 26, x1: 86, y0: 34, y1: 100 } as const;

export function measureFaceQuality(img: RgbImage, face: FaceAnalysis): FaceQuality {
  const grey = toGrey(alignFace(img, face.five));
  const pose = estimateHeadPose(face.landmarks68);
  const yawFive = yawFromFivePoints(face.five);
  return {
    interEyePx: face.interEyePx,
    // The larger turn of the two measures: each under-reads a different kind of photo.
    yawDeg: Math.abs(yawFive) > Math.abs(pose.yawDeg) ? yawFive : pose.yawDeg,
    pitchDeg: pose.pitchDeg,
    sharpness: laplacianSharpness(grey),
    ...exposure(grey),
    eyeAspect: eyeAspectRatio(face.landmarks68),
  };
}

/**
 * Variance of the 4-neighbour Laplacian over the inner face, divided by the variance of the
 * grey levels there. The division makes it contrast-free: darkening a sharp face scales both
 * terms alike, so only blur (which removes high frequencies first) lowers the ratio.
 */
export function laplacianSharpness(g: GreyImage): number {
  const { width: w, data: d } = g;
  let n = 0;
  let sl = 0;
  let sl2 = 0;
  let si = 0;
  let si2 = 0;
  for (let y = INNER.y0; y < INNER.y1; y++) {
    for (let x = INNER.x0; x < INNER.x1; x++) {
      const i = y * w + x;
      const v = d[i]!;
      const lap = d[i - 1]! + d[i + 1]! + d[i - w]! + d[i + w]! - 4 * v;
      n++;
      sl += lap;
      sl2 += lap * lap;
      si += v;
      si2 += v * v;
    }
  }
  const varLap = sl2 / n - (sl / n) ** 2;
  const varI = si2 / n - (si / n) ** 2;
  // A flat (all one grey) face has no detail at all: report 0, the least sharp value.
  return varI < 1 ? 0 : varLap / varI;
}

export function exposure(g: GreyImage): {
  brightness: number;
  darkFraction: number;
  brightFraction: number;
} {
  const { width: w, data: d } = g;
  let n = 0;
  let sum = 0;
  let dark = 0;
  let bright = 0;
  for (let y = INNER.y0; y < INNER.y1; y++) {
    for (let x = INNER.x0; x < INNER.x1; x++) {
      const v = d[y * w + x]!;
      n++;
      sum += v;
      if (v <= DARK_LEVEL) dark++;
      if (v >= BRIGHT_LEVEL) bright++;
    }
  }
  return { brightness: sum / n, darkFraction: dark / n, brightFraction: bright / n };
}

/** iBUG eye contours: corner, two upper lid points, corner, two lower lid points. */
const EYES = [
  [36, 37, 38, 39, 40, 41],
  [42, 43, 44, 45, 46, 47],
] as const;

/** Mean over both eyes of (|p2-p6| + |p3-p5|) / (2 |p1-p4|). */
export function eyeAspectRatio(landmarks68: readonly Point[]): number {
  let sum = 0;
  for (const [p1, p2, p3, p4, p5, p6] of EYES) {
    const d = (i: number, j: number): number => {
      const a = landmarks68[i];
      const b = landmarks68[j];
      if (!a || !b) throw new RangeError(`landmark ${a ? j : i} missing`);
      return Math.hypot(a[0] - b[0], a[1] - b[1]);
    };
    const width = d(p1, p4);
    sum += width > 0 ? (d(p2, p6) + d(p3, p5)) / (2 * width) : 0;
  }
  return sum / EYES.length;
}
