/**
 * How the door terminal paces frames when the station is slow. Liveness motion thresholds were
 * calibrated on frames MOTION_PAIR_MS apart, so while answers take longer than SLOW_ANSWER_MS the
 * page sends frames in pairs at that gap.
 */
export const MOTION_PAIR_MS = 2000 / 15;
export const MAX_MOTION_GAP_MS = 500;
export const SLOW_ANSWER_MS = 400;
