import { z } from 'zod';
import { faceHint, frameRegion } from './frame-schemas';
import { LIMITS } from './limits';

/**
 * Guided live capture (admin Enroll view): the page sends one camera frame region and main
 * answers whether it would pass the same quality gates as an enrolment photo file. A check
 * stores nothing; accepted frames are enrolled later through `enroll:create`.
 */
export const enrollCaptureContract = {
  'enroll:check': z
    .object({
      frameWidth: z.number().int().min(1).max(8192),
      frameHeight: z.number().int().min(1).max(8192),
      /** MediaPipe faces in frame coordinates (the page's live boxes). */
      faces: z.array(faceHint).max(LIMITS.maxFacesPerFrame),
      region: frameRegion,
    })
    .strict(),
} as const;

export const CAPTURE_CHECK_STATUSES = [
  'ok',
  'too_small',
  'pose',
  'blurry',
  'exposure',
  'eyes_closed',
  'no_face',
  'multiple_faces',
] as const;
export type CaptureCheckStatus = (typeof CAPTURE_CHECK_STATUSES)[number];

export interface CaptureCheck {
  status: CaptureCheckStatus;
  /** Plain words for the admin (empty when ok without warnings). */
  message: string;
  /** Head pose of the chosen face in degrees (null when no face); positive pitch = up. */
  yaw: number | null;
  pitch: number | null;
  interEyePx: number | null;
}
