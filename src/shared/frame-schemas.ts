import { z } from 'zod';
import { LIMITS } from './limits';

/** Schemas of camera-frame payloads, shared by the door (`access:frame`) and live enrolment. */

const finite = z.number().finite();
const point = z.tuple([finite, finite]);

/** One face the page's MediaPipe found, in frame pixels. */
export const faceHint = z
  .object({
    box: z.object({ x1: finite, y1: finite, x2: finite, y2: finite, score: finite.min(0).max(1) }),
    /** MediaPipe BlazeFace keypoints in frame pixels: eyes, nose tip, mouth, ear tragions. */
    keypoints: z.array(point).max(6),
  })
  .strict()
  .refine((f) => f.box.x2 > f.box.x1 && f.box.y2 > f.box.y1, 'box must have positive size');

/**
 * A region of the camera frame as raw RGBA (base64), plus where it sits in the frame.
 * Face hints are in frame coordinates; main maps them into the region.
 */
export const frameRegion = z
  .object({
    x: z.number().int().min(0),
    y: z.number().int().min(0),
    width: z.number().int().min(1).max(4096),
    height: z.number().int().min(1).max(4096),
    rgbaBase64: z.string().max(Math.ceil((LIMITS.maxRegionPixels * 4 * 4) / 3) + 4),
  })
  .strict()
  .refine((r) => r.width * r.height <= LIMITS.maxRegionPixels, 'region too large');
