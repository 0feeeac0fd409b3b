import { FaceDetector, FilesetResolver, type Detection } from '@mediapipe/tasks-vision';
import type { StationApi } from '../../../shared/contract';
import { StationError } from '../../../shared/errors';
import { base64ToBytes } from './base64';
import type { FramePixels } from './frame-pixels';
import type { Box } from './frame-region';

export interface DetectedFace {
  box: Box & { score: number };
  /** BlazeFace's 6 keypoints in frame pixels: eyes, nose tip, mouth, ear tragions. */
  keypoints: [number, number][];
}

/** Folder beside index.html where the build ships MediaPipe's runtime (mediapipe-assets.plugin.ts). */
const WASM_DIR = 'mediapipe';

/**
 * MediaPipe's BlazeFace in the renderer. The wasm runtime comes from our own build output and
 * the model bytes from the station (which checked the file's SHA-256 first), so nothing is
 * fetched from anywhere else. CPU delegate: predictable on machines without a usable GPU.
 */
/**
 * Longest side of the image MediaPipe is given. BlazeFace sees a 128 x 128 input anyway, but
 * MediaPipe first uploads the whole image as a WebGL texture, which in software GL dominated each
 * detection of a 640 x 480 frame (bench/door-latency.ts with DOOR_PROFILE). Boxes and keypoints
 * are mapped back to video pixels.
 */
export const DETECT_MAX_SIDE = 320;

export class BrowserFaceDetector {
  private lastTimestamp = -1;
  private readonly small = document.createElement('canvas');
  private readonly smallCtx: CanvasRenderingContext2D | null = this.small.getContext('2d', {
    alpha: false,
  });

  private constructor(private readonly detector: FaceDetector) {}

  static async create(api: StationApi): Promise<BrowserFaceDetector> {
    const model = await api.detectorModel({ variant: 'short_range' });
    if (!model.ok) throw new StationError(model.error.code, model.error.message);
    // No trailing slash: FilesetResolver appends "/vision_wasm_internal.js" itself.
    const base = new URL(WASM_DIR, document.baseURI).href;
    const fileset = await FilesetResolver.forVisionTasks(base);
    const detector = await FaceDetector.createFromOptions(fileset, {
      baseOptions: { modelAssetBuffer: base64ToBytes(model.value.base64), delegate: 'CPU' },
      runningMode: 'VIDEO',
      minDetectionConfidence: 0.5,
    });
    return new BrowserFaceDetector(detector);
  }

  /** Faces in the frame, in the frame's own (camera) pixel coordinates. */
  detect(frame: FramePixels, nowMs: number): DetectedFace[] {
    // MediaPipe's VIDEO mode rejects timestamps that do not increase.
    const timestamp = Math.max(nowMs, this.lastTimestamp + 1);
    this.lastTimestamp = timestamp;
    const { width, height } = frame;
    const scale = Math.min(1, DETECT_MAX_SIDE / Math.max(width, height, 1));
    let input: HTMLVideoElement | HTMLCanvasElement = frame.image;
    if (scale < 1 && this.smallCtx) {
      const w = Math.max(1, Math.round(width * scale));
      const h = Math.max(1, Math.round(height * scale));
      if (this.small.width !== w || this.small.height !== h) {
        this.small.width = w;
        this.small.height = h;
      }
      this.smallCtx.drawImage(frame.image, 0, 0, width, height, 0, 0, w, h);
      input = this.small;
    }
    const result = this.detector.detectForVideo(input, timestamp);
    // Boxes come in input pixels, keypoints normalised: both back to camera pixels.
    const k = input === this.small ? width / this.small.width : 1;
    return result.detections.flatMap((d) => toFace(d, width, height, k));
  }

  close(): void {
    this.detector.close();
  }
}

function toFace(d: Detection, width: number, height: number, k: number): DetectedFace[] {
  const b = d.boundingBox;
  if (!b || b.width <= 0 || b.height <= 0) return [];
  return [
    {
      box: {
        x1: b.originX * k,
        y1: b.originY * k,
        x2: (b.originX + b.width) * k,
        y2: (b.originY + b.height) * k,
        score: Math.min(1, Math.max(0, d.categories[0]?.score ?? 0)),
      },
      keypoints: d.keypoints.slice(0, 6).map((k): [number, number] => [k.x * width, k.y * height]),
    },
  ];
}
