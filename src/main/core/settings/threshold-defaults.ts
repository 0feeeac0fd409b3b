import type { Thresholds } from '../../../shared/domain';

/**
 * Default operating points for fr_feature.onnx with our alignment. They come from the
 * measurements in docs/BENCHMARKS.md ("Thresholds" section, bench/threshold-search.ts), not
 * from habit; a site recalibrates with its own data (calibration issue).
 */
export const DEFAULT_THRESHOLDS: Thresholds = {
  identify: 0.4,
  margin: 0.05,
  verify: 0.3,
  minInterEyePx: 24,
};
