import type { RequestOf } from '../../../shared/contract';
import { LIMITS } from '../../../shared/limits';
import { bytesToBase64 } from './base64';
import type { DetectedFace } from './face-detector';
import { regionForFaces, scaleBox, scaleToFit } from './frame-region';

export type FrameRequest = RequestOf<'access:frame'>;

/**
 * Builds the terminal's `access:frame` request: the faces MediaPipe found plus ONE RGBA crop
 * of the frame around all of them. Only that crop leaves the renderer, never the whole frame.
 */
export class FrameCapture {
  private readonly canvas = document.createElement('canvas');
  private readonly ctx: CanvasRenderingContext2D;

  constructor() {
    // willReadFrequently keeps the canvas on the CPU: we read pixels back every frame.
    const ctx = this.canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('2D canvas is not available');
    this.ctx = ctx;
  }

  build(
    video: HTMLVideoElement,
    detected: readonly DetectedFace[],
    frameId: number,
    capturedAtMs: number,
  ): FrameRequest {
    const faces = detected.slice(0, LIMITS.maxFacesPerFrame);
    const fw = video.videoWidth;
    const fh = video.videoHeight;
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
    // Over the contract's limit (e.g. a 4K camera with a face filling it): describe a smaller
    // frame instead, since the region has no scale field of its own.
    const s = scaleToFit(region.width, region.height, LIMITS.maxRegionPixels);
    const x = Math.floor(region.x * s);
    const y = Math.floor(region.y * s);
    const frameWidth = Math.max(1, Math.round(fw * s));
    const frameHeight = Math.max(1, Math.round(fh * s));
    const width = Math.max(1, Math.min(Math.floor(region.width * s), frameWidth - x));
    const height = Math.max(1, Math.min(Math.floor(region.height * s), frameHeight - y));
    this.canvas.width = width;
    this.canvas.height = height;
    this.ctx.drawImage(video, x / s, y / s, width / s, height / s, 0, 0, width, height);
    const rgba = this.ctx.getImageData(0, 0, width, height).data;
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
        rgbaBase64: bytesToBase64(new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.byteLength)),
      },
    };
  }
}

function toHint(s: number) {
  return (f: DetectedFace): FrameRequest['faces'][number] => ({
    box: scaleBox(f.box, s),
    keypoints: f.keypoints.map(([px, py]): [number, number] => [px * s, py * s]),
  });
}
