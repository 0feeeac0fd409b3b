import type { EnrollFileResult, EnrollFileStatus } from '../../../shared/domain';
import { StationError } from '../../../shared/errors';
import type { FaceAnalyzer, ImageDecoder } from '../vision/face-analyzer';
import { measureFaceQuality, type FaceQuality } from '../vision/face-quality';
import type { FaceAnalysis, RgbImage } from '../vision/vision.types';
import { judgeFaceQuality, type QualityGateLimits } from './quality-gates';

/**
 * A second face counts against "one face only" when at least this fraction of the main face's size;
 * smaller faces are bystanders that cannot be mistaken for the subject (docs/BENCHMARKS.md).
 */
export const BYSTANDER_SIZE_RATIO = 0.5;

export type EnrolFaceChoice =
  | { ok: true; face: FaceAnalysis }
  | { ok: false; status: 'no_face' | 'multiple_faces'; message: string };

/** The one face an enrolment photo is about, or why there is none. */
export function chooseEnrolmentFace(faces: readonly FaceAnalysis[]): EnrolFaceChoice {
  if (faces.length === 0) return { ok: false, status: 'no_face', message: 'No face found.' };
  const bySize = [...faces].sort((a, b) => b.interEyePx - a.interEyePx);
  const main = bySize[0]!;
  const rivals = bySize.filter((f) => f.interEyePx >= BYSTANDER_SIZE_RATIO * main.interEyePx);
  if (rivals.length > 1) {
    return {
      ok: false,
      status: 'multiple_faces',
      message: `${rivals.length} faces found; use a photo of this person alone.`,
    };
  }
  return { ok: true, face: main };
}

export type PhotoCheck =
  { ok: true; face: FaceAnalysis; warnings: string[] } | { ok: false; result: EnrollFileResult };

export type ImageJudgement =
  | { ok: true; face: FaceAnalysis; quality: FaceQuality; warnings: string[] }
  | {
      ok: false;
      status: Exclude<EnrollFileStatus, 'enrolled'>;
      message: string;
      quality: FaceQuality | null;
    };

/**
 * The enrolment gate on decoded pixels: one face, then the quality gates. The live capture
 * guide (enroll:check) and the final check of every enrolment photo both call this, so a
 * frame the guide accepted passes when the same pixels are enrolled.
 */
export async function judgeEnrolImage(
  analyzer: FaceAnalyzer,
  img: RgbImage,
  limits: QualityGateLimits,
): Promise<ImageJudgement> {
  const choice = chooseEnrolmentFace(await analyzer.analyzeImage(img));
  if (!choice.ok)
    return { ok: false, status: choice.status, message: choice.message, quality: null };
  const quality = measureFaceQuality(img, choice.face);
  const verdict = judgeFaceQuality(quality, limits);
  if (!verdict.ok) return { ...verdict, quality };
  return { ok: true, face: choice.face, quality, warnings: verdict.warnings };
}

/**
 * Decode -> the enrolment gate, for one enrolment photo. Unreadable or oversized files become
 * per-file results (a bulk import reports per item); any other error is a real failure and
 * propagates.
 */
export async function checkEnrolPhoto(
  deps: { analyzer: FaceAnalyzer; decode: ImageDecoder },
  image: { fileName: string; bytes: Buffer },
  limits: QualityGateLimits,
): Promise<PhotoCheck> {
  const file = image.fileName;
  let img: RgbImage;
  try {
    img = await deps.decode(image.bytes, file);
  } catch (err) {
    if (err instanceof StationError && err.code === 'IMAGE_TOO_LARGE') {
      return { ok: false, result: { file, status: 'too_large', message: err.message } };
    }
    if (err instanceof StationError && err.code === 'UNREADABLE_IMAGE') {
      return { ok: false, result: { file, status: 'unreadable', message: err.message } };
    }
    throw err;
  }
  const judged = await judgeEnrolImage(deps.analyzer, img, limits);
  if (!judged.ok) {
    return { ok: false, result: { file, status: judged.status, message: judged.message } };
  }
  return { ok: true, face: judged.face, warnings: judged.warnings };
}
