/**
 * How much the door terminal shrinks the region it sends (frame bytes are the largest
 * page-to-station cost): the face keeps at least SENT_FACE_PX pixels, above which the station's
 * crops are downsampled anyway.
 */

/** MediaPipe face box side (pixels) kept in the sent region. */
export const SENT_FACE_PX = 96;

/** Scales are multiples of 1/8: the same scale for many frames in a row (see below). */
const STEPS = 8;
/** Keep the previous scale while it is at most this much larger than needed. */
const HYSTERESIS = 1.25;

/**
 * Region pixels per frame pixel (<= 1) for a face of `faceSidePx` frame pixels. A scale that
 * changes from frame to frame would look like the face zooming in the sent pixels; rounding up
 * to 1/8 steps and keeping the previous scale while it still fits keeps it steady while
 * someone stands at the door.
 */
export function sentFaceScale(
  faceSidePx: number,
  previous: number | null = null,
  facePx: number = SENT_FACE_PX,
): number {
  if (!(faceSidePx > 0)) return 1;
  const ideal = Math.min(1, facePx / faceSidePx);
  const stepped = Math.min(1, Math.ceil(ideal * STEPS) / STEPS);
  if (previous !== null && previous >= ideal && previous <= stepped * HYSTERESIS) return previous;
  return stepped;
}
