import { z } from 'zod';
import { CALIBRATION_BATCH_FILES, LIMITS } from './limits';
import { plainTextField, withoutControls } from './text-fields';
import type { Thresholds } from './domain';

/**
 * The admin's calibration channels: upload labelled photos in batches, run a calibration
 * (from the enrolled templates or an upload), adopt a threshold from a run (audited).
 */

export { CALIBRATION_BATCH_FILES };

const threshold = z.number().finite().min(0).max(1);
/** A target false-match rate of the caller's own (the CLI's --target-fmr) beside the standard ones. */
const targetFmr = z.number().gt(0).lt(1);

export const calibrationContract = {
  'calibration:upload': z
    .object({
      /** null = start a new upload; else the id the first batch returned. */
      uploadId: z.string().min(1).max(64).nullable(),
      photos: z
        .array(
          z
            .object({
              /** The sub-folder name: photos of one identity share it. */
              identity: plainTextField(LIMITS.maxNameLength),
              fileName: withoutControls(z.string().min(1).max(255)),
              base64: z.string().min(1).max(LIMITS.maxImageBase64),
            })
            .strict(),
        )
        .min(1)
        .max(CALIBRATION_BATCH_FILES),
    })
    .strict(),
  'calibration:run': z.discriminatedUnion('source', [
    z.object({ source: z.literal('enrolled'), targetFmr: targetFmr.optional() }).strict(),
    z
      .object({
        source: z.literal('upload'),
        uploadId: z.string().min(1).max(64),
        targetFmr: targetFmr.optional(),
      })
      .strict(),
  ]),
  'calibration:adopt': z
    .object({
      runId: z.string().min(1).max(64),
      identify: threshold.optional(),
      verify: threshold.optional(),
      /** The target FMR row the admin picked, recorded as evidence; absent = a free choice. */
      targetFmr: targetFmr.optional(),
      /** Must be literally true: the view asked for confirmation. */
      confirm: z.literal(true),
    })
    .strict()
    .refine((r) => r.identify !== undefined || r.verify !== undefined, {
      message: 'give the identify and/or verify threshold to adopt',
    }),
} as const;

export interface CalibrationUploadView {
  uploadId: string;
  photos: number;
  identities: number;
  skipped: { noFace: number; manyFaces: number; unreadable: number };
  skippedFiles: string[];
}

/** Error rates at one threshold: FMR = impostors >= t, FNMR = genuine < t. */
export interface RatePointView {
  threshold: number;
  fmr: number;
  fnmr: number;
}

/** A DET point: the rates and their standard-normal deviates (the DET plot's axes). */
export interface DetPointView extends RatePointView {
  fmrDeviate: number;
  fnmrDeviate: number;
}

/** The threshold for one target false-match rate, or why the data cannot support it. */
export interface TargetView {
  targetFmr: number;
  /** False when there are too few impostor pairs to show this FMR (rule of three). */
  supported: boolean;
  /** Why the target is unsupported; absent when supported. */
  reason?: string;
  /** Lowest threshold whose FMR on the given impostors is <= target; null when unsupported. */
  threshold: number | null;
  /** FMR and FNMR measured at `threshold`. */
  fmr: number | null;
  fnmr: number | null;
  /** 95 % Clopper-Pearson interval on the FMR at `threshold`. */
  ci: [number, number] | null;
  /** Impostor pairs at or above the threshold (the k of the interval). */
  falseMatches: number | null;
}

/** FMR/FNMR (pairs) and FPIR/FNIR (open-set, null without such probes) at one threshold. */
export interface OperatingPoint extends RatePointView {
  fpir: number | null;
  fnir: number | null;
}

export interface OpenSetView {
  /** How the probes were made (leave-one-person-out, or uploaded identities). */
  method: string;
  matedProbes: number;
  nonMatedProbes: number;
  /** Why FNIR is likely optimistic, or other caveats, in plain words. */
  caveat: string;
}

export interface CalibrationRunView {
  runId: string;
  source: 'enrolled' | 'upload';
  identities: number;
  pairs: {
    genuine: number;
    impostor: number;
    /** Cross-identity pairs that exist; more than `impostor` when they were sampled. */
    impostorAvailable: number;
    /** Files (upload) left out: no face, several faces, unreadable. */
    skipped: number;
  };
  skippedFiles: { noFace: number; manyFaces: number; unreadable: number } | null;
  auc: number;
  eer: number;
  eerThreshold: number;
  targets: TargetView[];
  roc: RatePointView[];
  det: DetPointView[];
  histogram: { min: number; max: number; genuine: number[]; impostor: number[] };
  /** The slider's stops (threshold 0..1 by 0.01), each with all four rates. */
  grid: OperatingPoint[];
  openSet: OpenSetView | null;
  /** Why there are no open-set figures (e.g. nobody enrolled); null when there are. */
  openSetUnavailable: string | null;
  current: Thresholds;
  /** Rates at the station's identify threshold and at the proposed one. */
  atCurrent: OperatingPoint;
  candidate: OperatingPoint & { source: string };
}

export interface CalibrationAdoptView {
  before: Thresholds;
  after: Thresholds;
  /** Id of the audit row that records the change and its evidence. */
  auditId: number;
  /** The evidence recorded in that row (flat `evidence.*` keys). */
  evidence: Record<string, string | number | boolean | null>;
}
