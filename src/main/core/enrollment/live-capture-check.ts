import {
  CAPTURE_CHECK_STATUSES,
  type CaptureCheck,
  type CaptureCheckStatus,
} from '../../../shared/enroll-capture-contract';
import type { ParsedRequestOf } from '../../../shared/contract';
import type { FaceAnalyzer } from '../vision/face-analyzer';
import { measureFaceQuality } from '../vision/face-quality';
import type { FaceAnalysis, RgbImage } from '../vision/vision.types';
import { chooseEnrolmentFace } from './enroll-photo-check';
import { judgeFaceQuality, type QualityGateLimits } from './quality-gates';

export type CaptureCheckRequest = ParsedRequestOf<'enroll:check'>;

/**
 * One live camera frame judged exactly like an enrolment photo file: the station's own
 * detector runs on the region (so "one face only" counts faces the same way as for files),
 * then the same face choice and quality gates. Stores nothing.
 */
export async function checkLiveCapture(
  analyzer: FaceAnalyzer,
  req: CaptureCheckRequest,
  limits: QualityGateLimits,
): Promise<CaptureCheck> {
  const { region } = req;
  // The schema checked the byte count (width * height * 3).
  const img: RgbImage = { width: region.width, height: region.height, data: region.rgb };
  let faces = await analyzer.analyzeImage(img);
  if (faces.length === 0) faces = await fromHints(analyzer, img, req);
  const choice = chooseEnrolmentFace(faces);
  if (!choice.ok) {
    return {
      status: choice.status,
      message: choice.message,
      yaw: null,
      pitch: null,
      interEyePx: null,
    };
  }
  const q = measureFaceQuality(img, choice.face);
  const verdict = judgeFaceQuality(q, limits);
  const pose = { yaw: q.yawDeg, pitch: q.pitchDeg, interEyePx: q.interEyePx };
  if (!verdict.ok) return { status: gateStatus(verdict.status), message: verdict.message, ...pose };
  return { status: 'ok', message: verdict.warnings.join(' '), ...pose };
}

/**
 * The detector can miss a face cut tight by the page's crop; MediaPipe's hint (mapped into the
 * region) still locates it for landmarks. Only used when the detector found nothing.
 */
async function fromHints(
  analyzer: FaceAnalyzer,
  img: RgbImage,
  req: CaptureCheckRequest,
): Promise<FaceAnalysis[]> {
  const { x, y } = req.region;
  const found: FaceAnalysis[] = [];
  for (const hint of req.faces) {
    const b = hint.box;
    const face = await analyzer.analyzeRegion(img, {
      box: { x1: b.x1 - x, y1: b.y1 - y, x2: b.x2 - x, y2: b.y2 - y, score: b.score },
      keypoints: hint.keypoints.map(([px, py]) => [px - x, py - y] as [number, number]),
    });
    if (face) found.push(face);
  }
  return found;
}

/**
 * The gates share their status type with whole-file results (unreadable, duplicate...), which a
 * gate never returns; narrowing here keeps the channel's answer a closed set.
 */
function gateStatus(status: string): CaptureCheckStatus {
  const known = CAPTURE_CHECK_STATUSES.find((s) => s === status);
  if (!known) throw new Error(`quality gate returned an unexpected status: ${status}`);
  return known;
}
