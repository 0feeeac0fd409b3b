import type { FaceDecision, Thresholds } from '../../../shared/domain';
import type { FrameResult, ParsedRequestOf } from '../../../shared/contract';
import type { AuditRecorder } from '../audit/audit-recorder';
import type { RecognitionService } from '../recognition/recognition.service';
import { boxTuple, round4 } from '../recognition/recognition.service';
import type { FaceAnalyzer } from '../vision/face-analyzer';
import { rgbFromRgba } from '../vision/image-ops';
import type { FaceBox, Point, RgbImage } from '../vision/vision.types';
import { decideFace, decideFrame, type FaceVerdict } from './access-decision';
import { DecisionDebouncer } from './decision-debouncer';

type FrameRequest = ParsedRequestOf<'access:frame'>;

export interface DoorFrameDeps {
  analyzer: FaceAnalyzer;
  recognition: RecognitionService;
  audit: AuditRecorder;
  thresholds: () => Thresholds;
  now: () => Date;
}

/** How long the same outcome stays one audit event while the person stands there. */
const AUDIT_COOLDOWN_MS = 5_000;

/**
 * Decides on one camera frame from the terminal: the renderer located faces with MediaPipe
 * and sent the part of the frame around them; here we refine, embed, search and decide.
 */
export class DoorFrameService {
  private readonly debouncer = new DecisionDebouncer(AUDIT_COOLDOWN_MS);

  constructor(private readonly d: DoorFrameDeps) {}

  async process(req: FrameRequest): Promise<FrameResult> {
    const t = this.d.thresholds();
    const region = req.region;
    const faces: FaceDecision[] = [];
    const verdicts: FaceVerdict[] = [];
    const img = region ? regionToRgb(region) : null;
    for (const hint of req.faces) {
      const verdict = img && region ? await this.decideHint(img, region, hint, t) : tooLittle();
      verdicts.push(verdict);
      const box = hint.box;
      faces.push({
        box: boxTuple(box),
        person: verdict.person,
        similarity: round4(verdict.similarity),
        decision: verdict.decision,
      });
    }
    const frame = decideFrame(verdicts);
    this.auditIfNew(frame, req.frameId, faces.length);
    return { frameId: req.frameId, faces, decision: frame.decision, person: frame.person };
  }

  private async decideHint(
    img: RgbImage,
    region: { x: number; y: number },
    hint: FrameRequest['faces'][number],
    t: Thresholds,
  ): Promise<FaceVerdict> {
    const box: FaceBox = {
      x1: hint.box.x1 - region.x,
      y1: hint.box.y1 - region.y,
      x2: hint.box.x2 - region.x,
      y2: hint.box.y2 - region.y,
      score: hint.box.score,
    };
    if (box.x2 <= 0 || box.y2 <= 0 || box.x1 >= img.width || box.y1 >= img.height)
      return tooLittle();
    const keypoints: Point[] = hint.keypoints.map(([x, y]) => [x - region.x, y - region.y]);
    const face = await this.d.analyzer.analyzeRegion(img, { box, keypoints });
    if (!face) return tooLittle();
    return decideFace(this.d.recognition.evidence(face), t);
  }

  private auditIfNew(frame: FaceVerdict, frameId: number, faceCount: number): void {
    if (frame.decision === 'no_face') return;
    const key = `${frame.decision}:${frame.person?.id ?? ''}`;
    if (!this.debouncer.shouldRecord(key, this.d.now().getTime())) return;
    this.d.audit.record({
      kind: 'decision',
      decision: frame.decision,
      personId: frame.person?.id ?? null,
      similarity: frame.similarity,
      details: { frameId, faces: faceCount, source: 'terminal' },
    });
  }
}

/** A face we could not analyse (outside the region, landmarks failed) is never granted. */
function tooLittle(): FaceVerdict {
  return { decision: 'face_too_small', person: null, similarity: -1 };
}

function regionToRgb(region: NonNullable<FrameRequest['region']>): RgbImage {
  return rgbFromRgba(Buffer.from(region.rgbaBase64, 'base64'), region.width, region.height);
}
