import { z } from 'zod';
import type { Thresholds } from '../../../shared/domain';
import type { SettingsRepository } from '../../db/settings.repository';
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

const THRESHOLDS_KEY = 'thresholds';

/** Validated settings; an invalid stored value falls back to the defaults rather than to a guess. */
export class SettingsService {
  constructor(private readonly repo: SettingsRepository) {}

  thresholds(): Thresholds {
    const parsed = thresholdsSchema.safeParse(this.repo.get(THRESHOLDS_KEY));
    return parsed.success ? parsed.data : { ...DEFAULT_THRESHOLDS };
  }

  setThresholds(next: Thresholds): Thresholds {
    const valid = thresholdsSchema.parse(next);
    this.repo.set(THRESHOLDS_KEY, valid);
    return valid;
  }
}
