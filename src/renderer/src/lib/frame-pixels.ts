/**
 * One camera frame as something the 2D canvas can draw from, with its size in camera pixels.
 * Detection and the region readback both take this, so the door terminal can read the video
 * ONCE per frame (FrameSnapshot) and hand the same pixels to both.
 */
export interface FramePixels {
  readonly image: HTMLVideoElement | HTMLCanvasElement;
  readonly width: number;
  readonly height: number;
}

/** The video element itself: every draw reads the video's current frame again. */
export function videoPixels(video: HTMLVideoElement): FramePixels {
  return { image: video, width: video.videoWidth, height: video.videoHeight };
}

/**
 * A copy of the video's current frame on a CPU-backed canvas. Drawing from the video is the
 * costly step in software rendering (each draw converts the decoder's frame and copies it across
 * Chromium's processes); drawing from this copy is a plain memory copy, and detection and the
 * region sent are guaranteed to come from the same frame.
 */
export class FrameSnapshot {
  private readonly canvas = document.createElement('canvas');
  // willReadFrequently keeps the canvas on the CPU: the region is read back from it each frame.
  private readonly ctx = this.canvas.getContext('2d', { alpha: false, willReadFrequently: true });

  /** Copies the video's current frame; falls back to the video itself without a 2D context. */
  take(video: HTMLVideoElement): FramePixels {
    const width = video.videoWidth;
    const height = video.videoHeight;
    if (!this.ctx || width === 0 || height === 0) return videoPixels(video);
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
    this.ctx.drawImage(video, 0, 0, width, height);
    return { image: this.canvas, width, height };
  }
}
