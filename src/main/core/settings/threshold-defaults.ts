import type { Thresholds } from '../../../shared/domain';

/**
 * Default operating points for fr_feature.onnx with our alignment, taken from measurements in
 * docs/BENCHMARKS.md, not from habit; a site recalibrates with its own data.
 *
 * - identify 0.50 / margin 0.05: open-set 1:N on CelebA (139 enrolled x 3 photos, 140
 *   strangers; bench/open-set-identification.ts): FPIR 0.7 % at FNIR 15 % per single photo.
 *   0.40 let 10.7 % of strangers through: a gallery of N templates multiplies the per-pair false
 *   match rate by about N, so 1:N needs a much higher threshold than 1:1.
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
