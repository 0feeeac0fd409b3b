import {
  CAPTURE_CHECK_STATUSES,
  type CaptureCheck,
  type CaptureCheckStatus,
} from '../../../shared/enroll-capture-contract';
import type { ParsedRequestOf } from '../../../shared/contract';
import type { FaceAnalyzer } from '../vision/face-analyzer';
import type { RgbImage } from '../vision/vision.types';
import { judgeEnrolImage } from './enroll-photo-check';
import type { QualityGateLimits } from './quality-gates';

export type CaptureCheckRequest = ParsedRequestOf<'enroll:check'>;

/**
 * Judges a live frame region with the same gate every enrolment photo passes, so the guide never
 * accepts a capture the final check refuses. Stores nothing; the page's face boxes are not used
 * because the final check has none.
 */
export async function checkLiveCapture(
  analyzer: FaceAnalyzer,
  req: CaptureCheckRequest,
  limits: QualityGateLimits,
): Promise<CaptureCheck> {
  const { region } = req;
  // The schema checked the byte count (width * height * 3).
  const img: RgbImage = { width: region.width, height: region.height, data: region.rgb };
  const judged = await judgeEnrolImage(analyzer, img, limits);
  const q = judged.quality;
  const pose = q
    ? { yaw: q.yawDeg, pitch: q.pitchDeg, interEyePx: q.interEyePx }
    : { yaw: null, pitch: null, interEyePx: null };
  if (!judged.ok) return { status: gateStatus(judged.status), message: judged.message, ...pose };
  return { status: 'ok', message: judged.warnings.join(' '), ...pose };
}

/**
 * The gate shares its status type with whole-file results (unreadable, duplicate...), which it
 * never returns for decoded pixels; narrowing here keeps the channel's answer a closed set.
 */
function gateStatus(status: string): CaptureCheckStatus {
  const known = CAPTURE_CHECK_STATUSES.find((s) => s === status);
  if (!known) throw new Error(`enrolment gate returned an unexpected status: ${status}`);
  return known;
}
