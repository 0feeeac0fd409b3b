import { createHash } from 'node:crypto';
import type { StationStatus, Thresholds } from '../../shared/domain';
import type { AuthStatus } from '../../shared/operator-roles';
import { loadVerifiedModel } from './models/model-verifier';

const DETECTOR_FILES = {
  short_range: 'face_detection_short_range.meta.tflite',
  full_range: 'face_detection_full_range.meta.tflite',
} as const;

const APP_VERSION = '0.1.0';

/** What the page learns about the station when it starts: status and the detector model. */
export class StationInfo {
  constructor(
    private readonly d: {
      mode: StationStatus['mode'];
      modelId: string;
      modelsDir: string;
      locale: string | undefined;
      people: () => number;
      templates: () => number;
      thresholds: () => Thresholds;
      auth: () => AuthStatus;
      timeZone: () => string;
    },
  ) {}

  status(): StationStatus {
    const d = this.d;
    return {
      version: APP_VERSION,
      mode: d.mode,
      modelId: d.modelId,
      people: d.people(),
      templates: d.templates(),
      thresholds: d.thresholds(),
      auth: d.auth(),
      timeZone: d.timeZone(),
      locale: d.locale ?? null,
    };
  }

  /** The MediaPipe model for the renderer, only after its hash was checked against the catalog. */
  detectorModel(variant: keyof typeof DETECTOR_FILES): {
    fileName: string;
    sha256: string;
    base64: string;
  } {
    const fileName = DETECTOR_FILES[variant];
    const bytes = loadVerifiedModel(this.d.modelsDir, fileName);
    return {
      fileName,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      base64: bytes.toString('base64'),
    };
  }
}
