import { FaceDetector, FilesetResolver, type Detection } from '@mediapipe/tasks-vision';
import type { StationApi } from '../../../shared/contract';
import { StationError } from '../../../shared/errors';
import { base64ToBytes } from './base64';
import type { Box } from './frame-region';

export interface DetectedFace {
  box: Box & { score: number };
  /** BlazeFace's 6 keypoints in frame pixels: eyes, nose tip, mouth, ear tragions. */
  keypoints: [number, number][];
}

/** Folder next to index.html where the build ships MediaPipe's runtime (scripts/vite/mediapipe-assets.plugin.ts). */
const WASM_DIR = 'mediapipe';

/**
 * MediaPipe's BlazeFace in the renderer. The wasm runtime comes from our own build output and
 * the model bytes from the station (which checked the file's SHA-256 first), so nothing is
 * fetched from anywhere else. CPU delegate: predictable on machines without a usable GPU.
 */
export class BrowserFaceDetector {
  private lastTimestamp = -1;

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

  /** Faces in the current video frame, in the video's own pixel coordinates. */
  detect(video: HTMLVideoElement, nowMs: number): DetectedFace[] {
    // MediaPipe's VIDEO mode rejects timestamps that do not increase.
    const timestamp = Math.max(nowMs, this.lastTimestamp + 1);
    this.lastTimestamp = timestamp;
    const result = this.detector.detectForVideo(video, timestamp);
    return result.detections.flatMap((d) => toFace(d, video.videoWidth, video.videoHeight));
  }

  close(): void {
    this.detector.close();
  }
}

function toFace(d: Detection, width: number, height: number): DetectedFace[] {
  const b = d.boundingBox;
  if (!b || b.width <= 0 || b.height <= 0) return [];
  return [
    {
      box: {
        x1: b.originX,
        y1: b.originY,
        x2: b.originX + b.width,
        y2: b.originY + b.height,
        score: Math.min(1, Math.max(0, d.categories[0]?.score ?? 0)),
      },
      keypoints: d.keypoints.slice(0, 6).map((k): [number, number] => [k.x * width, k.y * height]),
    },
  ];
}
