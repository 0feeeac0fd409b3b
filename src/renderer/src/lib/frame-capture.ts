import type { RequestOf } from '../../../shared/contract';
import { LIMITS } from '../../../shared/limits';
import type { DetectedFace } from './face-detector';
import type { FramePixels } from './frame-pixels';
import { sentFaceScale } from '../../../shared/sent-face-scale';
import { regionForFaces, scaleBox, scaleToFit, type PixelRect } from './frame-region';

export type FrameRequest = RequestOf<'access:frame'>;

/**
 * Builds the terminal's `access:frame` request: the faces MediaPipe found plus ONE RGB crop
 * of the frame around all of them, as raw bytes. Only that crop leaves the renderer, never
 * the whole frame.
 */
export class FrameCapture {
  private readonly canvas = document.createElement('canvas');
  private readonly ctx: CanvasRenderingContext2D;
  /** The scale of the last shrunk region (kept while it fits: sent-face-scale.ts). */
  private lastScale: number | null = null;

  /**
   * @param shrinkToFacePx the door's setting: shrink the region so the largest face keeps
   * this many pixels (and say so in `region.scale`); null sends camera pixels as they are.
   */
  constructor(private readonly shrinkToFacePx: number | null = null) {
    // willReadFrequently keeps the canvas on the CPU: we read pixels back every frame.
    const ctx = this.canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('2D canvas is not available');
    this.ctx = ctx;
  }

  /**
   * @param cameraPixels send camera pixels even though this capture shrinks (an active
   * challenge: the turn is read from the landmarks, which a 96 px face blurs too much).
   */
  build(
    frame: FramePixels,
    detected: readonly DetectedFace[],
    frameId: number,
    capturedAtMs: number,
    cameraPixels = false,
  ): FrameRequest {
    const faces = detected.slice(0, LIMITS.maxFacesPerFrame);
    const fw = frame.width;
    const fh = frame.height;
    const region = regionForFaces(
      faces.map((f) => f.box),
      fw,
      fh,
    );
    if (!region)
      return {
        frameId,
        frameWidth: fw,
        frameHeight: fh,
        faces: faces.map(toHint(1)),
        region: null,
        capturedAtMs,
      };
    if (this.shrinkToFacePx !== null && !cameraPixels)
      return this.shrunk(frame, faces, region, {
        frameId,
        frameWidth: fw,
        frameHeight: fh,
        capturedAtMs,
      });
    // Camera pixels (live enrolment: `enroll:check` has no scale field). Over the contract's
    // limit (e.g. a 4K camera with a face filling it): describe a smaller frame instead.
    const s = scaleToFit(region.width, region.height, LIMITS.maxRegionPixels);
    const x = Math.floor(region.x * s);
    const y = Math.floor(region.y * s);
    const frameWidth = Math.max(1, Math.round(fw * s));
    const frameHeight = Math.max(1, Math.round(fh * s));
    const width = Math.max(1, Math.min(Math.floor(region.width * s), frameWidth - x));
    const height = Math.max(1, Math.min(Math.floor(region.height * s), frameHeight - y));
    this.canvas.width = width;
    this.canvas.height = height;
    this.ctx.drawImage(frame.image, x / s, y / s, width / s, height / s, 0, 0, width, height);
    const rgba = this.ctx.getImageData(0, 0, width, height).data;
    const rgb = rgbFromRgba(rgba, width * height);
    return {
      frameId,
      frameWidth,
      frameHeight,
      faces: faces.map(toHint(s)),
      capturedAtMs,
      region: {
        x,
        y,
        width,
        height,
        rgb,
      },
    };
  }

  /** The region shrunk by sentFaceScale; frame, boxes and region origin stay in frame pixels. */
  private shrunk(
    frame: FramePixels,
    faces: readonly DetectedFace[],
    region: PixelRect,
    header: FrameHeader,
  ): FrameRequest {
    const side = Math.max(...faces.map((f) => Math.max(f.box.x2 - f.box.x1, f.box.y2 - f.box.y1)));
    const k = Math.min(
      sentFaceScale(side, this.lastScale, this.shrinkToFacePx ?? undefined),
      scaleToFit(region.width, region.height, LIMITS.maxRegionPixels),
    );
    this.lastScale = k;
    const width = Math.max(1, Math.floor(region.width * k));
    const height = Math.max(1, Math.floor(region.height * k));
    this.canvas.width = width;
    this.canvas.height = height;
    this.ctx.drawImage(
      frame.image,
      region.x,
      region.y,
      region.width,
      region.height,
      0,
      0,
      width,
      height,
    );
    const rgba = this.ctx.getImageData(0, 0, width, height).data;
    const rgb = rgbFromRgba(rgba, width * height);
    return {
      ...header,
      faces: faces.map(toHint(1)),
      region: { x: region.x, y: region.y, width, height, rgb, ...(k < 1 ? { scale: k } : {}) },
    };
  }
}

type FrameHeader = Pick<FrameRequest, 'frameId' | 'frameWidth' | 'frameHeight' | 'capturedAtMs'>;

function toHint(s: number) {
  return (f: DetectedFace): FrameRequest['faces'][number] => ({
    box: scaleBox(f.box, s),
    keypoints: f.keypoints.map(([px, py]): [number, number] => [px * s, py * s]),
  });
}

/** Drops the canvas's alpha (always opaque for a camera frame): a quarter fewer bytes to send. */
export function rgbFromRgba(rgba: Uint8ClampedArray, pixels: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(pixels * 3);
  for (let i = 0, j = 0, k = 0; i < pixels; i++, j += 4, k += 3) {
    out[k] = rgba[j]!;
    out[k + 1] = rgba[j + 1]!;
    out[k + 2] = rgba[j + 2]!;
  }
  return out;
}
