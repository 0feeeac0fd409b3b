import { z } from 'zod';
import type { Thresholds } from '../../../shared/domain';
import type { SettingsStore } from '../ports/storage';
import { INDEX_KINDS, type IndexKind } from '../gallery/vector-index';
import {
  BEST_SCORING,
  identifyScoringSchema,
  type IdentifyScoring,
} from '../recognition/identify-scoring';
import { DEFAULT_QUALITY_LIMITS, type QualityLimits } from './quality-defaults';
import { DEFAULT_THRESHOLDS } from './threshold-defaults';

const cosine = z.number().finite().min(-1).max(1);

export const thresholdsSchema = z
  .object({
    identify: cosine,
    margin: z.number().finite().min(0).max(1),
    verify: cosine,
    minInterEyePx: z.number().finite().min(8).max(1000),
  })
  .strict();

const degrees = z.number().finite().min(5).max(90);
const fraction = z.number().finite().min(0).max(1);
const grey = z.number().finite().min(0).max(255);

export const qualityLimitsSchema = z
  .object({
    recommendedInterEyePx: z.number().finite().min(8).max(1000),
    maxYawDeg: degrees,
    maxPitchDeg: degrees,
    minSharpness: z.number().finite().min(0).max(10),
    minBrightness: grey,
    maxBrightness: grey,
    maxClippedFraction: fraction,
    minEyeAspect: z.number().finite().min(0).max(1),
  })
  .strict()
  .refine((q) => q.minBrightness < q.maxBrightness, 'minBrightness must be below maxBrightness');

/** Audit retention: at least a day (a purge never races today's events), at most 100 years. */
export const auditRetentionDaysSchema = z.number().int().min(1).max(36_500);

/**
 * Default audit retention. Long enough to investigate an incident reported weeks later, short
 * enough that access records of people who left do not pile up for years (GDPR Art. 5(1)(e)).
 * A site sets its own period with its data-protection officer.
 */
export const DEFAULT_AUDIT_RETENTION_DAYS = 365;

const THRESHOLDS_KEY = 'thresholds';
const QUALITY_KEY = 'enrollQuality';
const RETENTION_KEY = 'auditRetentionDays';
const INDEX_KIND_KEY = 'gallery_index_kind';
const SCORING_KEY = 'identify_scoring';

/** An admin's explicit gallery index kind; absent = follow the gallery size. */
export const galleryIndexKindSchema = z.enum(INDEX_KINDS);

/** Validated settings; an invalid stored value falls back to the defaults rather than to a guess. */
export class SettingsService {
  constructor(private readonly repo: SettingsStore) {}

  thresholds(): Thresholds {
    const parsed = thresholdsSchema.safeParse(this.repo.get(THRESHOLDS_KEY));
    return parsed.success ? parsed.data : { ...DEFAULT_THRESHOLDS };
  }

  setThresholds(next: Thresholds): Thresholds {
    const valid = thresholdsSchema.parse(next);
    this.repo.set(THRESHOLDS_KEY, valid);
    return valid;
  }

  /**
   * The scoring the identify threshold is compared with: the one stored with the last adopted
   * identify threshold, else `spaceDefault`. A threshold stored before scorings existed was
   * calibrated on raw best similarities, so it keeps that meaning ('best') until an admin
   * adopts a new one: an upgrade never silently changes whom the door admits.
   */
  identifyScoring(spaceDefault: IdentifyScoring): IdentifyScoring {
    const parsed = identifyScoringSchema.safeParse(this.repo.get(SCORING_KEY));
    if (parsed.success) return parsed.data;
    return this.repo.get(THRESHOLDS_KEY) === undefined ? spaceDefault : BEST_SCORING;
  }

  setIdentifyScoring(next: IdentifyScoring): IdentifyScoring {
    const valid = identifyScoringSchema.parse(next);
    this.repo.set(SCORING_KEY, valid);
    return valid;
  }

  /** Enrolment quality gate limits (quality-defaults.ts). */
  qualityLimits(): QualityLimits {
    const parsed = qualityLimitsSchema.safeParse(this.repo.get(QUALITY_KEY));
    return parsed.success ? parsed.data : { ...DEFAULT_QUALITY_LIMITS };
  }

  setQualityLimits(next: QualityLimits): QualityLimits {
    const valid = qualityLimitsSchema.parse(next);
    this.repo.set(QUALITY_KEY, valid);
    return valid;
  }

  /** Days audit events are kept before `station audit purge` may delete them. */
  auditRetentionDays(): number {
    const parsed = auditRetentionDaysSchema.safeParse(this.repo.get(RETENTION_KEY));
    return parsed.success ? parsed.data : DEFAULT_AUDIT_RETENTION_DAYS;
  }

  setAuditRetentionDays(days: number): number {
    const valid = auditRetentionDaysSchema.parse(days);
    this.repo.set(RETENTION_KEY, valid);
    return valid;
  }

  /**
   * The admin's gallery index kind, or null to follow the size policy (chooseIndexKind).
   * An invalid stored value also means null: the size policy is always a working choice.
   */
  galleryIndexKind(): IndexKind | null {
    const parsed = galleryIndexKindSchema.safeParse(this.repo.get(INDEX_KIND_KEY));
    return parsed.success ? parsed.data : null;
  }

  setGalleryIndexKind(kind: IndexKind | null): IndexKind | null {
    const valid = kind === null ? null : galleryIndexKindSchema.parse(kind);
    this.repo.set(INDEX_KIND_KEY, valid);
    return valid;
  }
}
