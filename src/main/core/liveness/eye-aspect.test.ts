import { describe, expect, it } from 'vitest';
import type { Point } from '../vision/vision.types';
import { blinkEvidence, eyeAspectRatio, meanEyeAspectRatio } from './eye-aspect';

/** Six contour points of an eye `width` wide and `height` open, outer corner at (x, y). */
function eye(x: number, y: number, width: number, height: number): Point[] {
  const h = height / 2;
  return [
    [x, y],
    [x + width / 3, y - h],
    [x + (2 * width) / 3, y - h],
    [x + width, y],
    [x + (2 * width) / 3, y + h],
    [x + width / 3, y + h],
  ];
}

function face68(openness: number): Point[] {
  const pts: Point[] = Array.from({ length: 68 }, (_, i) => [i, i] as Point);
  eye(100, 100, 30, 30 * openness).forEach((p, i) => (pts[36 + i] = p));
  eye(160, 100, 30, 30 * openness).forEach((p, i) => (pts[42 + i] = p));
  return pts;
}

describe('eye aspect ratio', () => {
  it('is height over width for a symmetric eye, whatever its size', () => {
    expect(eyeAspectRatio(eye(0, 0, 30, 9))).toBeCloseTo(0.3, 10);
    expect(eyeAspectRatio(eye(50, 70, 300, 90))).toBeCloseTo(0.3, 10);
    expect(eyeAspectRatio(eye(0, 0, 30, 0))).toBe(0);
  });

  it('averages both eyes of the 68 iBUG points', () => {
    expect(meanEyeAspectRatio(face68(0.3))).toBeCloseTo(0.3, 10);
    expect(() => meanEyeAspectRatio(face68(0.3).slice(0, 60))).toThrow(RangeError);
  });

  it('returns NaN for a degenerate eye instead of dividing by zero', () => {
    expect(eyeAspectRatio(eye(5, 5, 0, 3))).toBeNaN();
  });
});

describe('blink evidence', () => {
  it('sees a close-and-reopen relative to the open baseline', () => {
    const ears = [0.3, 0.31, 0.29, 0.12, 0.3, 0.3, 0.31, 0.3];
    const b = blinkEvidence(ears, 0.7);
    expect(b.blinked).toBe(true);
    expect(b.score).toBe(1);
    expect(b.baseline).toBeCloseTo(0.3, 5);
  });

  it('gives no blink for steady eyes, and a partial score for a half dip', () => {
    expect(blinkEvidence([0.3, 0.31, 0.3, 0.29, 0.3], 0.7)).toMatchObject({ blinked: false });
    expect(blinkEvidence([0.3, 0.31, 0.3, 0.29, 0.3], 0.7).score).toBeLessThan(0.2);
    const half = blinkEvidence([0.3, 0.3, 0.255, 0.3, 0.3], 0.7);
    expect(half.blinked).toBe(false);
    expect(half.score).toBeCloseTo(0.5, 5);
  });

  it('needs eyes open around the dip: eyes closed throughout is not a blink', () => {
    expect(blinkEvidence([0.1, 0.1, 0.1, 0.1], 0.7).blinked).toBe(false);
  });

  it('ignores NaN frames and needs at least 3 valid ones', () => {
    expect(blinkEvidence([Number.NaN, 0.3], 0.7)).toMatchObject({ blinked: false, score: 0 });
  });
});
