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
 * A camera frame region as raw RGB bytes plus its place in the frame; hints are in frame
 * coordinates. Sent as a Uint8Array (never base64) and RGB, not RGBA, because a camera's alpha is
 * always 255.
 */
const regionFields = {
  x: z.number().int().min(0),
  y: z.number().int().min(0),
  width: z.number().int().min(1).max(4096),
  height: z.number().int().min(1).max(4096),
  rgb: z.instanceof(Uint8Array, { message: 'region.rgb must be binary (a Uint8Array)' }),
};

type RegionShape = { width: number; height: number; rgb: Uint8Array };
const regionChecks = <S extends z.ZodType<RegionShape>>(schema: S) =>
  schema
    .refine((r) => r.width * r.height <= LIMITS.maxRegionPixels, 'region too large')
    .refine((r) => r.rgb.byteLength === r.width * r.height * 3, {
      message: 'region.rgb must hold exactly width * height * 3 bytes (RGB)',
      path: ['rgb'],
    });

export const frameRegion = regionChecks(z.object(regionFields).strict());

/**
 * The door's region may be shrunk (sent-face-scale.ts): `scale` is region pixels per frame
 * pixel. `x`, `y` stay in frame pixels (where the region starts), `width` x `height` are the
 * pixels sent, and face hints stay in frame pixels, so tracking and the minimum face size are
 * judged in camera pixels whatever the terminal sent.
 */
export const doorFrameRegion = regionChecks(
  z
    .object({
      ...regionFields,
      scale: z
        .number()
        .finite()
        .min(1 / 64)
        .max(1)
        .optional(),
    })
    .strict(),
);
