/** The per-camera PAD live scores (db/pad-live-scores.repository.ts implements the store). */
export type { PadLiveScore, PadLiveScoreStore } from '../calibration/pad-calibration.service';
