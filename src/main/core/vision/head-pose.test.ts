import { describe, expect, it } from 'vitest';
import { estimateHeadPose, HEAD_MODEL_POINTS, yawFromFivePoints } from './head-pose';
import type { FivePoints, Point } from './vision.types';

/** The generic face turned by (yaw, pitch), seen by a weak-perspective camera. */
function project(yawDeg: number, pitchDeg: number, scale = 2, shift: Point = [300, 200]): Point[] {
  const y = (yawDeg * Math.PI) / 180;
  const p = (pitchDeg * Math.PI) / 180;
  const pts: Point[] = Array.from({ length: 68 }, (): Point => [0, 0]);
  for (const [i, [X, Y, Z]] of HEAD_MODEL_POINTS) {
    // Yaw about the vertical axis (positive turns the face to the image right), then pitch
    // about the horizontal axis (positive raises the chin).
    const x1 = X * Math.cos(y) - Z * Math.sin(y);
    const z1 = X * Math.sin(y) + Z * Math.cos(y);
    const y2 = Y * Math.cos(p) + z1 * Math.sin(p);
    pts[i] = [shift[0] + scale * x1, shift[1] + scale * y2];
  }
  return pts;
}

describe('estimateHeadPose', () => {
  it('recovers the yaw and pitch of the model it was built on, whatever the scale and place', () => {
    for (const [yaw, pitch] of [
      [0, 0],
      [20, 0],
      [-35, 5],
      [0, 25],
      [10, -20],
    ] as const) {
      const est = estimateHeadPose(project(yaw, pitch, 3.1, [512, 90]));
      // The estimate is the azimuth and elevation of the face's direction: for a turned AND
      // tilted head the elevation is a little less than the tilt (cos(yaw) * sin(pitch)).
      const r = Math.PI / 180;
      const elevation = Math.asin(Math.cos(yaw * r) * Math.sin(pitch * r)) / r;
      const azimuth = Math.atan2(Math.sin(yaw * r), Math.cos(yaw * r) * Math.cos(pitch * r)) / r;
      expect(est.yawDeg).toBeCloseTo(azimuth, 3);
      expect(est.pitchDeg).toBeCloseTo(elevation, 3);
    }
  });

  it('a mirrored face has the opposite yaw and the same pitch', () => {
    const pts = project(25, 10);
    const mirrored = pts.map(([x, y]): Point => [1000 - x, y]);
    // Mirroring swaps the subject's left and right: re-index the symmetric points.
    const swap = new Map<number, number>([
      [4, 12],
      [6, 10],
      [36, 45],
      [39, 42],
      [48, 54],
    ]);
    for (const [a, b] of [...swap]) {
      [mirrored[a], mirrored[b]] = [mirrored[b]!, mirrored[a]!];
    }
    const a = estimateHeadPose(pts);
    const b = estimateHeadPose(mirrored);
    expect(b.yawDeg).toBeCloseTo(-a.yawDeg, 3);
    expect(b.pitchDeg).toBeCloseTo(a.pitchDeg, 3);
  });

  it('rejects a wrong point count and non-finite points', () => {
    expect(() => estimateHeadPose(project(0, 0).slice(1))).toThrow(RangeError);
    const bad = project(0, 0);
    bad[30] = [Number.NaN, 1];
    expect(() => estimateHeadPose(bad)).toThrow(RangeError);
  });
});

describe('yawFromFivePoints', () => {
  // The head model's eyes, nose tip and mouth corners seen from a camera turned `deg` about the
  // vertical axis (weak perspective), rolled by `roll` in the image.
  function fiveAt(deg: number, roll = 0): FivePoints {
    const t = (deg * Math.PI) / 180;
    const r = (roll * Math.PI) / 180;
    const model: [number, number, number][] = [
      [-31, 0, -5],
      [31, 0, -5],
      [0, 45, -38],
      [-26, 78, -12],
      [26, 78, -12],
    ];
    const pts = model.map(([x, y, z]): Point => {
      const u = x * Math.cos(t) - z * Math.sin(t);
      return [u * Math.cos(r) - y * Math.sin(r) + 200, u * Math.sin(r) + y * Math.cos(r) + 200];
    });
    return pts as unknown as FivePoints;
  }

  it('reads the turn of the head model back, to either side and under roll', () => {
    for (const deg of [0, 20, -35, 50]) {
      for (const roll of [0, 15, -15]) {
        expect(yawFromFivePoints(fiveAt(deg, roll))).toBeCloseTo(deg, -1);
      }
    }
  });

  it('returns 0 for a degenerate face instead of NaN', () => {
    const p: Point = [10, 10];
    expect(yawFromFivePoints([p, p, p, p, p])).toBe(0);
  });
});
