import type { Thresholds } from '../../../shared/domain';
import { BEST_SCORING, type IdentifyScoring } from '../recognition/identify-scoring';

/**
 * Default operating points for fr_feature.onnx with our alignment, taken from measurements in
 * docs/BENCHMARKS.md, not from habit; a site recalibrates with its own data.
 *
 * - identify 0.50 / margin 0.05, judged on DEFAULT_IDENTIFY_SCORING below (see there for why
 *   0.50 and not the lower threshold fitted for it). A gallery of N templates multiplies the
 *   per-pair false match rate by about N, so 1:N needs a much higher threshold than 1:1.
 * - verify 0.35: 1:1 on LFW (bench/lfw-verification.ts): FAR 1e-3 at cosine 0.350, TAR 97.8 %
 *   (the EER point, 0.249, would accept 1 impostor in 110).
 * - minInterEyePx 24: below this the 64x64 landmark crop is upsampled from too few pixels.
 */
export const DEFAULT_THRESHOLDS: Thresholds = {
  identify: 0.5,
  margin: 0.05,
  verify: 0.35,
  minInterEyePx: 24,
};

/**
 * The identify scoring for fr_feature.onnx (identify-scoring.ts): a cohort of the 10 best other
 * people and a reference of 0.22, both fitted on fold A of the open-set CelebA protocol and
 * reported on fold B (docs/BENCHMARKS.md, "Open-set scoring"). The threshold stays at 0.50 rather
 * than the fitted 0.44: the cohort only lowers scores, so nobody the best-similarity rule refused
 * is admitted, whereas a lower threshold raised within-group false matches in the bias report
 * when the gallery holds few faces of the probe's group.
 */
export const DEFAULT_IDENTIFY_SCORING: IdentifyScoring = {
  kind: 'cohort',
  cohortSize: 10,
  reference: 0.22,
};

/** The model the defaults above were measured on (its model id, modelIdOf's form). */
export const DEFAULT_MODEL_ID = 'fr_feature@87aacdfe5751';

/**
 * The scoring for an embedding space with no adopted scoring: the measured one for the
 * shipped model; for any other model 'best', until the site calibrates (the cohort reference
 * is a property of the model's score distribution, unknown for a model we never measured).
 */
export function defaultScoringFor(embeddingSpace: string): IdentifyScoring {
  return embeddingSpace === DEFAULT_MODEL_ID ? DEFAULT_IDENTIFY_SCORING : BEST_SCORING;
}
