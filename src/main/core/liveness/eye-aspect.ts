/**
 * Eye aspect ratio (Soukupova & Cech 2016) from iBUG 68-point landmarks:
 * EAR = (|p2 - p6| + |p3 - p5|) / (2 |p1 - p4|), p1..p6 running round the eye contour from the
 * outer corner. Open eyes give ~0.25-0.35, closed ~0.05-0.15; the ratio is scale-free, so the
 * same thresholds hold for near and far faces.
 */
import type { Point } from '../vision/vision.types';

/** iBUG contour indices p1..p6 of each eye. */
const EYES = [
  [36, 37, 38, 39, 40, 41], // subject's right eye (image left)
  [42, 43, 44, 45, 46, 47], // subject's left eye (image right)
] as const;

function dist(a: Point, b: Point): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}

/** EAR of one eye given its six contour points p1..p6; NaN for a degenerate eye. */
export function eyeAspectRatio(p: readonly Point[]): number {
  if (p.length !== 6) throw new RangeError(`an eye has 6 contour points, got ${p.length}`);
  const [p1, p2, p3, p4, p5, p6] = p as [Point, Point, Point, Point, Point, Point];
  const width = dist(p1, p4);
  if (!(width > 1e-6)) return Number.NaN;
  return (dist(p2, p6) + dist(p3, p5)) / (2 * width);
}

/** Mean EAR of both eyes (a blink closes both; averaging halves landmark jitter). */
export function meanEyeAspectRatio(landmarks68: readonly Point[]): number {
  if (landmarks68.length !== 68)
    throw new RangeError(`expected 68 landmarks, got ${landmarks68.length}`);
  let sum = 0;
  for (const eye of EYES) {
    const ear = eyeAspectRatio(eye.map((i) => landmarks68[i]!));
    if (!Number.isFinite(ear)) return Number.NaN;
    sum += ear;
  }
  return sum / EYES.length;
}

export interface BlinkEvidence {
  /** 0..1: how deep the deepest dip below the open-eye baseline went (1 = a full blink). */
  score: number;
  /** A dip reached the closed level and the eyes were open on at least one side of it. */
  blinked: boolean;
  /** Open-eye baseline EAR (upper quartile of the series). */
  baseline: number;
  minEar: number;
}

/**
 * Blink evidence in a series of per-frame EARs. Relative to the person's own open-eye baseline,
 * because absolute EAR varies with eye shape, glasses and the landmark model's bias; a blink is a
 * dip to `closedRatio` x baseline. `score` grows linearly from no dip (0) to a dip that reaches
 * the closed level (1), so it is a graded cue the fusion can weigh.
 */
export function blinkEvidence(ears: readonly number[], closedRatio: number): BlinkEvidence {
  const valid = ears.filter(Number.isFinite);
  if (valid.length < 3)
    return { score: 0, blinked: false, baseline: Number.NaN, minEar: Number.NaN };
  const sorted = [...valid].sort((a, b) => a - b);
  const baseline = sorted[Math.floor(0.75 * (sorted.length - 1))]!;
  const minEar = sorted[0]!;
  if (!(baseline > 0)) return { score: 0, blinked: false, baseline, minEar };
  const drop = (baseline - minEar) / baseline;
  const score = Math.max(0, Math.min(1, drop / (1 - closedRatio)));
  const closed = minEar <= closedRatio * baseline;
  const minAt = valid.indexOf(minEar);
  // A real blink closes and reopens: an open frame before or after the closed one.
  const openAround =
    valid.slice(0, minAt).some((e) => e >= 0.9 * baseline) ||
    valid.slice(minAt + 1).some((e) => e >= 0.9 * baseline);
  return { score, blinked: closed && openAround, baseline, minEar };
}
