/**
 * How the door terminal paces the frames it sends when the station is slow. Pure constants
 * shared by the renderer (door-loop.ts) and main (liveness-tracker.ts, face-tracker.ts).
 *
 * Liveness measures micro-motion between two frames about MOTION_PAIR_MS apart (two frames at
 * 15 fps: the gap its thresholds were calibrated on) and ignores pairs more than
 * MAX_MOTION_GAP_MS apart. The terminal sends one frame at a time, the next when the station
 * answered: while answers take longer than SLOW_ANSWER_MS, consecutive frames would be that
 * far apart, so the page then sends frames in pairs MOTION_PAIR_MS apart (both read while the
 * previous frame is with the station). Without pairs a station answering every 1.3 s never
 * measured motion at a gap it was validated on (issue 13, item 14).
 */
export const MOTION_PAIR_MS = 2000 / 15;
export const MAX_MOTION_GAP_MS = 500;
export const SLOW_ANSWER_MS = 400;
