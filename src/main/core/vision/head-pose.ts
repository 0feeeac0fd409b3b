/**
 * Head yaw and pitch from the 68 iBUG landmarks, for the enrolment pose gate.
 *
 * A weak-perspective (scaled orthographic) camera is fitted by least squares between a
 * generic 3-D face and the detected points; the fit's rotation gives the direction the face
 * points to. Weak perspective is enough here: an enrolment photo is taken from well beyond ten
 * head depths, and the gate only needs to tell "roughly frontal" from "clearly turned".
 */
import type { FivePoints, Point } from './vision.types';

/** Azimuth and elevation of the direction the face points to (0, 0 = at the camera). */
export interface HeadPose {
  /** Degrees; positive when the face points towards the image's right (subject's left). */
  yawDeg: number;
  /** Degrees; positive when the face points up (chin raised). */
  pitchDeg: number;
}

type Vec3 = readonly [number, number, number];

/**
 * A generic adult face in millimetres (x to the image right, y down, z away from the camera),
 * origin at the outer eye corners' level. Our own rough anthropometric estimates (eye corners
 * ~92 mm apart, nose tip ~38 mm in front of them, the cheek contour well behind): the pose
 * gate's limits are calibrated on photos in these same units, so only the rough shape matters.
 * Only points that keep their anatomical meaning when the head turns moderately are used
 * (no upper-contour points, which slide along the silhouette).
 */
export const HEAD_MODEL_POINTS: ReadonlyArray<readonly [number, Vec3]> = [
  [4, [-58, 80, 25]],
  [6, [-38, 105, 8]],
  [8, [0, 118, -5]],
  [10, [38, 105, 8]],
  [12, [58, 80, 25]],
  [27, [0, 0, -15]],
  [30, [0, 45, -38]],
  [33, [0, 52, -25]],
  [36, [-46, 0, 0]],
  [39, [-16, 0, -10]],
  [42, [16, 0, -10]],
  [45, [46, 0, 0]],
  [48, [-26, 78, -12]],
  [51, [0, 72, -22]],
  [54, [26, 78, -12]],
  [57, [0, 88, -20]],
];

const MODEL_MEAN: Vec3 = meanOf(HEAD_MODEL_POINTS.map(([, p]) => p));

/** Least-squares weak-perspective fit; throws RangeError unless given 68 finite points. */
export function estimateHeadPose(landmarks68: readonly Point[]): HeadPose {
  if (landmarks68.length !== 68) {
    throw new RangeError(`expected 68 landmarks, got ${landmarks68.length}`);
  }
  const image = HEAD_MODEL_POINTS.map(([i]) => landmarks68[i]!);
  const [mx, my] = mean2(image);
  // A (2x3) = sum x_c X_c^T, B (3x3) = sum X_c X_c^T; the affine camera is M = A B^-1.
  const a = [0, 0, 0, 0, 0, 0];
  const b = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  HEAD_MODEL_POINTS.forEach(([, p], k) => {
    const q = image[k]!;
    const x = q[0] - mx;
    const y = q[1] - my;
    const X = [p[0] - MODEL_MEAN[0], p[1] - MODEL_MEAN[1], p[2] - MODEL_MEAN[2]];
    for (let c = 0; c < 3; c++) {
      a[c]! += x * X[c]!;
      a[3 + c]! += y * X[c]!;
      for (let r = 0; r < 3; r++) b[r * 3 + c]! += X[r]! * X[c]!;
    }
  });
  const bi = invert3(b);
  const m1 = mulRow([a[0]!, a[1]!, a[2]!], bi);
  const m2 = mulRow([a[3]!, a[4]!, a[5]!], bi);
  const [r1, r2] = orthonormalPair(m1, m2);
  const r3 = cross(r1, r2);
  // The face's outward direction is model -z; in camera coordinates that is -(third column).
  const fx = -r1[2];
  const fy = -r2[2];
  const fz = -r3[2];
  const deg = 180 / Math.PI;
  return {
    yawDeg: Math.atan2(fx, -fz) * deg,
    pitchDeg: Math.atan2(-fy, Math.hypot(fx, fz)) * deg,
  };
}

/**
 * Yaw from five points (eyes, nose tip, mouth corners) with the same head model: under weak
 * perspective the nose's offset from the eye midpoint along the eye line, over half the eye
 * distance, is (NOSE_DEPTH_MM / EYE_HALF_MM) * tan(yaw). The 68-point fit is better for moderate
 * turns, but started from O-Net's points it draws a profile as a three-quarter face; the nose
 * outside the eyes is the plainer evidence there (the enrolment quality test holds real profiles).
 */
export function yawFromFivePoints(five: FivePoints): number {
  const [le, re, nose, lm, rm] = five;
  const eyeMid = [(le[0] + re[0]) / 2, (le[1] + re[1]) / 2] as const;
  // Across the face = perpendicular to the midline (mouth centre to eye centre). The eye line
  // is not used for this: in a turned head O-Net places the far eye too high or too low.
  const ux = (lm[1] + rm[1]) / 2 - eyeMid[1];
  const uy = eyeMid[0] - (lm[0] + rm[0]) / 2;
  const across = (x: number, y: number) => x * ux + y * uy;
  const halfEyes = across(re[0] - le[0], re[1] - le[1]) / 2;
  if (!(halfEyes > 0)) return 0;
  const noseAcross = across(nose[0] - eyeMid[0], nose[1] - eyeMid[1]);
  return Math.atan2(noseAcross / halfEyes, NOSE_DEPTH_MM / EYE_HALF_MM) * (180 / Math.PI);
}

/** Eye centres (mean of the corners 36/39 and 42/45) from the midline, in HEAD_MODEL_POINTS. */
const EYE_HALF_MM = 31;
/** Nose tip (30, z -38) in front of the eye centres (z -5), in HEAD_MODEL_POINTS. */
const NOSE_DEPTH_MM = 33;

function meanOf(points: readonly Vec3[]): Vec3 {
  const s = [0, 0, 0];
  for (const p of points) for (let c = 0; c < 3; c++) s[c]! += p[c]!;
  return [s[0]! / points.length, s[1]! / points.length, s[2]! / points.length];
}

function mean2(points: readonly Point[]): [number, number] {
  let x = 0;
  let y = 0;
  for (const p of points) {
    if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
      throw new RangeError('landmarks must be finite');
    }
    x += p[0];
    y += p[1];
  }
  return [x / points.length, y / points.length];
}

function invert3(m: readonly number[]): number[] {
  const [a, b, c, d, e, f, g, h, i] = m as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (Math.abs(det) < 1e-9) throw new RangeError('degenerate face model');
  return [
    A / det,
    -(b * i - c * h) / det,
    (b * f - c * e) / det,
    B / det,
    (a * i - c * g) / det,
    -(a * f - c * d) / det,
    C / det,
    -(a * h - b * g) / det,
    (a * e - b * d) / det,
  ];
}

/** Row vector times 3x3 matrix. */
function mulRow(v: readonly number[], m: readonly number[]): Vec3 {
  return [
    v[0]! * m[0]! + v[1]! * m[3]! + v[2]! * m[6]!,
    v[0]! * m[1]! + v[1]! * m[4]! + v[2]! * m[7]!,
    v[0]! * m[2]! + v[1]! * m[5]! + v[2]! * m[8]!,
  ];
}

function unit(v: Vec3): Vec3 {
  const n = Math.hypot(v[0], v[1], v[2]);
  if (!(n > 1e-12)) throw new RangeError('landmarks are degenerate');
  return [v[0] / n, v[1] / n, v[2] / n];
}

/**
 * The orthonormal pair nearest to two almost-orthogonal rows, treating both alike (rotating
 * each by half the excess angle), so neither axis is favoured as Gram-Schmidt would.
 */
function orthonormalPair(m1: Vec3, m2: Vec3): [Vec3, Vec3] {
  const a = unit(m1);
  const b = unit(m2);
  const u = unit([a[0] + b[0], a[1] + b[1], a[2] + b[2]]);
  const v = unit([a[0] - b[0], a[1] - b[1], a[2] - b[2]]);
  const k = Math.SQRT1_2;
  return [
    [(u[0] + v[0]) * k, (u[1] + v[1]) * k, (u[2] + v[2]) * k],
    [(u[0] - v[0]) * k, (u[1] - v[1]) * k, (u[2] - v[2]) * k],
  ];
}

function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}
