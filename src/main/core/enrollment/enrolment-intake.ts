import type { CaptureCheck } from '../../../shared/enroll-capture-contract';
import type { EnrollResult } from '../../../shared/domain';
import type { PadCalibrationService } from '../calibration/pad-calibration.service';
import { faceSquare } from '../liveness/face-square';
import type { PassiveLivenessModel } from '../liveness/passive-scorer';
import type { SettingsService } from '../settings/settings.service';
import type { FaceAnalyzer, ImageDecoder } from '../vision/face-analyzer';
import { largestFace } from '../vision/face-choice';
import type { EnrollmentService, EnrollRequest } from './enrollment.service';
import { checkLiveCapture, type CaptureCheckRequest } from './live-capture-check';

/** An enrolment as the hosts ask for it: photos, or live captures from a named camera. */
export type IntakeRequest = EnrollRequest & { captureCamera?: string | undefined };

/**
 * The enrolment desk: the guided capture's checks, then enrolment; live captures also feed
 * the camera's liveness calibration.
 */
export class EnrolmentIntake {
  constructor(
    private readonly d: {
      enrollment: EnrollmentService;
      analyzer: FaceAnalyzer;
      decode: ImageDecoder;
      settings: SettingsService;
      passive: PassiveLivenessModel | null;
      padCalibration: PadCalibrationService;
    },
  ) {}

  /**
   * Enrols; when the images are live captures from a camera (the Enrolment view's guided
   * capture), the passive liveness score of each enrolled one is kept for that camera's
   * calibration: consented, supervised live presentations (scores only, never the image).
   */
  async enroll(req: IntakeRequest): Promise<EnrollResult> {
    const result = await this.d.enrollment.enroll(req);
    if (result.person && req.captureCamera)
      await this.recordCaptureScores(req, result, req.captureCamera);
    return result;
  }

  /** Guided live capture: the enrolment quality gates on one camera frame; stores nothing. */
  checkCapture(req: CaptureCheckRequest): Promise<CaptureCheck> {
    const limits = {
      ...this.d.settings.qualityLimits(),
      minInterEyePx: this.d.settings.thresholds().minInterEyePx,
    };
    return checkLiveCapture(this.d.analyzer, req, limits);
  }

  private async recordCaptureScores(req: EnrollRequest, result: EnrollResult, camera: string) {
    const { passive, analyzer } = this.d;
    if (!passive) return;
    for (const [i, image] of req.images.entries()) {
      if (result.files[i]?.status !== 'enrolled') continue;
      const frame = await this.d.decode(image.bytes, image.fileName);
      const face = largestFace(await analyzer.analyzeImage(frame));
      if (!face) continue;
      const s = await passive.scoreFace(frame, faceSquare(face));
      this.d.padCalibration.recordLive('enrolment', camera, s);
    }
  }
}
