import type { StationApi } from '../../../shared/api-methods';
import type { CaptureCheck, CaptureCheckStatus } from '../../../shared/enroll-capture-contract';
import { LIMITS } from '../../../shared/limits';
import { closeCamera, openCamera } from './camera';
import { BrowserFaceDetector, type DetectedFace } from './face-detector';
import { drawFaces } from './face-overlay';
import { FrameCapture } from './frame-capture';
import { videoPixels } from './frame-pixels';
import { t } from './i18n';
import { describeError } from './messages';

/** The poses the guide asks for, in order; yaw/pitch signs as in main's head-pose.ts. */
export const POSE_TARGETS = [
  { id: 'straight', yaw: [-8, 8], pitch: [-8, 8] },
  { id: 'left', yaw: [6, 25], pitch: [-12, 12] },
  { id: 'right', yaw: [-25, -6], pitch: [-12, 12] },
  { id: 'up', yaw: [-12, 12], pitch: [5, 20] },
] as const;

/** Captures wanted: enough views for a robust template set, within enroll:create's limit. */
export const MIN_CAPTURES = 5;
export const MAX_CAPTURES = Math.min(10, LIMITS.maxEnrollFiles);
/**
 * When the requested pose is not reached within this time (a person who cannot turn, or a
 * recorded clip in the e2e test), the guide accepts any passing frame whose pose differs from
 * every capture so far by MIN_POSE_SPREAD_DEG: variety is the goal, not the exact angles.
 */
export const POSE_PATIENCE_MS = 2_500;
export const MIN_POSE_SPREAD_DEG = 1.5;
/** Spacing between auto-captures, so consecutive near-identical frames are not all taken. */
const CAPTURE_SPACING_MS = 400;

export interface Capture {
  id: number;
  url: string;
  blob: Blob;
  yaw: number;
  pitch: number;
}

/** Live capture state (Enroll view's "Capture from camera" mode). */
export class LiveCaptureState {
  active = $state(false);
  feedback = $state(t('capture.starting'));
  status = $state<CaptureCheckStatus | null>(null);
  captures = $state.raw<readonly Capture[]>([]);
  error = $state<string | null>(null);
  targetIndex = $state(0);
  /** The camera's device label: the station keeps the captures' liveness scores per camera. */
  cameraLabel = $state<string | null>(null);
  private nextId = 0;

  readonly target = $derived(POSE_TARGETS[this.targetIndex] ?? null);
  readonly guide = $derived(
    this.captures.length >= MAX_CAPTURES
      ? t('capture.enough')
      : this.target
        ? t(`capture.pose.${this.target.id}`)
        : t('capture.anyPose'),
  );

  describe(check: CaptureCheck): string {
    return t(`capture.status.${check.status}`);
  }

  add(blob: Blob, yaw: number, pitch: number): void {
    const capture = { id: this.nextId++, url: URL.createObjectURL(blob), blob, yaw, pitch };
    this.captures = [...this.captures, capture];
  }

  remove(id: number): void {
    const gone = this.captures.find((c) => c.id === id);
    if (gone) URL.revokeObjectURL(gone.url);
    this.captures = this.captures.filter((c) => c.id !== id);
  }

  clear(): void {
    for (const c of this.captures) URL.revokeObjectURL(c.url);
    this.captures = [];
    this.targetIndex = 0;
  }

  /** The accepted captures as files for `enroll:create`. */
  files(): File[] {
    return this.captures.map(
      (c, i) => new File([c.blob], `capture-${i + 1}.png`, { type: 'image/png' }),
    );
  }
}

/**
 * Camera + MediaPipe loop for live capture: at most one `enroll:check` in flight; a frame that
 * passes the gates for the requested pose is captured automatically (the checked region, PNG),
 * until MAX_CAPTURES, when the camera is released.
 */
export class CaptureLoop {
  private stopped = false;
  private stream: MediaStream | null = null;
  private detector: BrowserFaceDetector | null = null;
  private readonly capture = new FrameCapture();
  private readonly still = document.createElement('canvas');
  private busy = false;
  private lastCaptureAt = 0;
  private targetSince = performance.now();
  private handle = 0;

  constructor(
    private readonly api: StationApi,
    private readonly state: LiveCaptureState,
    private readonly video: HTMLVideoElement,
    private readonly overlay: HTMLCanvasElement,
  ) {}

  async start(): Promise<void> {
    try {
      this.stream = await openCamera(this.video);
      if (this.stopped) return this.stop();
      this.state.cameraLabel = this.stream.getVideoTracks()[0]?.label || null;
      this.detector = await BrowserFaceDetector.create(this.api);
      if (this.stopped) return this.stop();
      this.state.feedback = t('capture.lookAtCamera');
      this.targetSince = performance.now();
      this.schedule();
    } catch (err) {
      if (!this.stopped) this.state.error = t('capture.cameraFailed', { error: String(err) });
      this.stop();
    }
  }

  /** Releases the camera (its light goes off) and the wasm detector. */
  stop(): void {
    this.stopped = true;
    cancelAnimationFrame(this.handle);
    this.detector?.close();
    this.detector = null;
    closeCamera(this.stream, this.video);
    this.stream = null;
  }

  private schedule(): void {
    if (!this.stopped) this.handle = requestAnimationFrame(() => this.tick());
  }

  private tick(): void {
    const detector = this.detector;
    if (this.stopped || !detector) return;
    try {
      const now = performance.now();
      const faces = detector.detect(videoPixels(this.video), now);
      const tone = this.state.status === 'ok' ? 'granted' : faces.length ? 'warning' : 'neutral';
      drawFaces(this.overlay, this.video.videoWidth, this.video.videoHeight, faces, tone);
      if (faces.length === 0) {
        this.state.status = 'no_face';
        this.state.feedback = t('capture.status.no_face');
      } else if (!this.busy && this.state.captures.length < MAX_CAPTURES) {
        void this.check(faces, now);
      }
    } catch (err) {
      this.state.error = t('capture.detectionFailed', { error: String(err) });
    }
    this.schedule();
  }

  private async check(faces: readonly DetectedFace[], now: number): Promise<void> {
    this.busy = true;
    try {
      const frame = this.capture.build(videoPixels(this.video), faces, 0, now);
      if (!frame.region) return;
      const result = await this.api.checkCapture({
        frameWidth: frame.frameWidth,
        frameHeight: frame.frameHeight,
        faces: frame.faces,
        region: frame.region,
      });
      if (this.stopped) return;
      if (!result.ok) {
        this.state.error = describeError(result.error);
        return;
      }
      this.state.error = null;
      const check = result.value;
      this.state.status = check.status;
      this.state.feedback = this.state.describe(check);
      if (check.status === 'ok' && check.yaw !== null && check.pitch !== null) {
        // "Hold still" only once the asked pose is reached; until then the feedback repeats
        // the guide, so the two lines never give different instructions.
        if (!this.inTarget(check.yaw, check.pitch)) this.state.feedback = this.state.guide;
        if (this.wanted(check.yaw, check.pitch, performance.now())) {
          // The capture is the checked region itself, losslessly: enrolment judges the very
          // pixels the guide judged (judgeEnrolImage in main), so an accepted capture enrols.
          await this.keep(frame.region, check.yaw, check.pitch);
        }
      }
    } catch (err) {
      if (!this.stopped) this.state.error = t('capture.checkFailed', { error: String(err) });
    } finally {
      this.busy = false;
    }
  }

  /** The requested pose; or, after POSE_PATIENCE_MS (or once the guide is done), any new pose. */
  private wanted(yaw: number, pitch: number, now: number): boolean {
    if (now - this.lastCaptureAt < CAPTURE_SPACING_MS) return false;
    const t = this.state.target;
    if (t && this.inTarget(yaw, pitch)) return true;
    if (t && now - this.targetSince < POSE_PATIENCE_MS) return false;
    return this.state.captures.every(
      (c) => Math.hypot(c.yaw - yaw, c.pitch - pitch) >= MIN_POSE_SPREAD_DEG,
    );
  }

  /** Whether the pose is the one the guide asks for (true when it asks for none). */
  private inTarget(yaw: number, pitch: number): boolean {
    const t = this.state.target;
    if (!t) return true;
    return yaw >= t.yaw[0] && yaw <= t.yaw[1] && pitch >= t.pitch[0] && pitch <= t.pitch[1];
  }

  private holdStill(region: { width: number; height: number; rgb: Uint8Array }): void {
    this.still.width = region.width;
    this.still.height = region.height;
    const rgba = new ImageData(region.width, region.height);
    for (let i = 0, j = 0; i < region.rgb.length; i += 3, j += 4) {
      rgba.data[j] = region.rgb[i]!;
      rgba.data[j + 1] = region.rgb[i + 1]!;
      rgba.data[j + 2] = region.rgb[i + 2]!;
      rgba.data[j + 3] = 255;
    }
    this.still.getContext('2d')?.putImageData(rgba, 0, 0);
  }

  private async keep(
    region: { width: number; height: number; rgb: Uint8Array },
    yaw: number,
    pitch: number,
  ): Promise<void> {
    this.holdStill(region);
    const blob = await new Promise<Blob | null>((resolve) =>
      this.still.toBlob(resolve, 'image/png'),
    );
    if (!blob || this.stopped) return;
    this.state.add(blob, yaw, pitch);
    if (this.state.captures.length >= MAX_CAPTURES) {
      // Enough: the camera goes off (the view's effect stops this loop) and nothing more is taken.
      this.state.active = false;
      return;
    }
    this.lastCaptureAt = performance.now();
    this.targetSince = this.lastCaptureAt;
    if (this.state.targetIndex < POSE_TARGETS.length) this.state.targetIndex += 1;
  }
}
