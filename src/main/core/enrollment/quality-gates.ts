import type { EnrollFileStatus } from '../../../shared/domain';
import type { QualityLimits } from '../settings/quality-defaults';
import type { FaceQuality } from '../vision/face-quality';

export type QualityGateLimits = QualityLimits & { minInterEyePx: number };

export type QualityVerdict =
  | { ok: true; warnings: string[] }
  | { ok: false; status: Exclude<EnrollFileStatus, 'enrolled'>; message: string };

/**
 * Judges one enrolment face. A template is only as good as the photo it came from, and a bad
 * template hurts twice: the person is refused at the door, and it attracts strangers. So a
 * photo that fails a gate is rejected with the reason in plain words; the first failing gate is
 * reported, in the order an admin can fix them (size, light, focus, pose, eyes).
 */
export function judgeFaceQuality(q: FaceQuality, limits: QualityGateLimits): QualityVerdict {
  const fail = (status: Exclude<EnrollFileStatus, 'enrolled'>, message: string) =>
    ({ ok: false, status, message }) as const;
  if (q.interEyePx < limits.minInterEyePx) {
    return fail(
      'too_small',
      `Face too small: the eyes are ${px(q.interEyePx)} apart, at least ${px(limits.minInterEyePx)} needed (${px(limits.recommendedInterEyePx)} recommended). Use a closer or larger photo.`,
    );
  }
  if (q.brightness < limits.minBrightness || q.darkFraction > limits.maxClippedFraction) {
    return fail('exposure', 'The face is too dark. Use a photo taken in better light.');
  }
  if (q.brightness > limits.maxBrightness || q.brightFraction > limits.maxClippedFraction) {
    return fail(
      'exposure',
      'The face is over-exposed (washed out). Use a photo without strong light or flash on the face.',
    );
  }
  if (q.sharpness < limits.minSharpness) {
    return fail(
      'blurry',
      'The face is blurred. Use a sharp, in-focus photo taken without movement.',
    );
  }
  const yaw = Math.abs(q.yawDeg);
  const pitch = Math.abs(q.pitchDeg);
  if (yaw > limits.maxYawDeg || pitch > limits.maxPitchDeg) {
    const turned =
      yaw / limits.maxYawDeg >= pitch / limits.maxPitchDeg
        ? `turned sideways by about ${deg(yaw)} (at most ${deg(limits.maxYawDeg)})`
        : `tilted ${q.pitchDeg > 0 ? 'up' : 'down'} by about ${deg(pitch)} (at most ${deg(limits.maxPitchDeg)})`;
    return fail('pose', `The head is ${turned}. Use a photo looking at the camera.`);
  }
  if (q.eyeAspect < limits.minEyeAspect) {
    return fail('eyes_closed', 'The eyes look closed. Use a photo with the eyes open.');
  }
  const warnings: string[] = [];
  if (q.interEyePx < limits.recommendedInterEyePx) {
    warnings.push(
      `Face smaller than recommended: eyes ${px(q.interEyePx)} apart, ${px(limits.recommendedInterEyePx)} recommended.`,
    );
  }
  return { ok: true, warnings };
}

function px(v: number): string {
  return `${Math.round(v)} px`;
}

function deg(v: number): string {
  return `${Math.round(v)}°`;
}
