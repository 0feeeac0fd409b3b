import type { StationApi } from '../../../shared/contract';
import { StationError } from '../../../shared/errors';
import { closeCamera, openCamera } from './camera';
import { BrowserFaceDetector, type DetectedFace } from './face-detector';
import { drawFaces } from './face-overlay';
import { FrameCapture } from './frame-capture';
import { describeError } from './messages';
import type { TerminalState } from './terminal.svelte';

/** Camera frames per detection while a frame is with the station. */
const BUSY_DETECT_EVERY = 4;

/**
 * The terminal's camera + detection loop. Detection runs on every video frame so the boxes stay
 * live; a frame goes to the station only when the previous one has been answered (at most one
 * request in flight, frames in between are skipped), which bounds the load on the station.
 * When an answer arrives and the camera has delivered a frame since the one sent, that frame
 * is detected and sent at once instead of waiting for the next camera frame: the station's
 * decision window fills at the rate the station answers, not answer + half a frame interval.
 */
export class DoorLoop {
  private stopped = false;
  private stream: MediaStream | null = null;
  private detector: BrowserFaceDetector | null = null;
  private readonly capture = new FrameCapture();
  private busy = false;
  private nextFrameId = 0;
  private framesWhileBusy = 0;
  /** Camera frames seen (frame callbacks), and which of them the last request carried. */
  private framesSeen = 0;
  private frameSent = 0;
  private lastFrameAtMs = 0;
  private cancelFrame: (() => void) | null = null;

  constructor(
    private readonly api: StationApi,
    private readonly state: TerminalState,
    private readonly video: HTMLVideoElement,
    private readonly overlay: HTMLCanvasElement,
  ) {}

  async start(): Promise<void> {
    try {
      this.stream = await openCamera(this.video);
      if (this.stopped) return this.stop();
      await this.reportCamera(this.stream);
      this.detector = await BrowserFaceDetector.create(this.api);
      if (this.stopped) return this.stop();
      this.state.running();
      this.schedule();
    } catch (err) {
      if (!this.stopped) this.state.fail(startFailure(err));
      this.stop();
    }
  }

  /** Teardown: stop the camera (its light goes off), the loop and the wasm detector. */
  stop(): void {
    this.stopped = true;
    this.cancelFrame?.();
    this.cancelFrame = null;
    this.detector?.close();
    this.detector = null;
    closeCamera(this.stream, this.video);
    this.stream = null;
  }

  private schedule(): void {
    if (this.stopped) return;
    // requestVideoFrameCallback fires once per new camera frame; rAF would re-detect repeats.
    if ('requestVideoFrameCallback' in this.video) {
      const handle = this.video.requestVideoFrameCallback(() => this.tick());
      this.cancelFrame = () => this.video.cancelVideoFrameCallback(handle);
    } else {
      const handle = requestAnimationFrame(() => this.tick());
      this.cancelFrame = () => cancelAnimationFrame(handle);
    }
  }

  private tick(): void {
    const detector = this.detector;
    if (this.stopped || !detector) return;
    const now = performance.now();
    this.framesSeen++;
    this.lastFrameAtMs = now;
    // While the station decides on the last frame, detect only every few camera frames (boxes
    // stay live at ~8 Hz): MediaPipe in software on every 30 fps frame would take the CPU the
    // station needs to answer sooner, and none of those detections could be sent anyway.
    if (this.busy && ++this.framesWhileBusy % BUSY_DETECT_EVERY !== 0) {
      this.schedule();
      return;
    }
    this.detectAndSubmit(detector, now);
    this.schedule();
  }

  /** Detects faces in the video's current frame (taken at `now`) and sends it when idle. */
  private detectAndSubmit(detector: BrowserFaceDetector, now: number): void {
    try {
      const faces = detector.detect(this.video, now);
      this.state.faces = faces;
      this.state.noteFaces(faces.length, now);
      drawFaces(
        this.overlay,
        this.video.videoWidth,
        this.video.videoHeight,
        faces,
        this.state.display.tone,
      );
      if (faces.length === 0) this.state.applyNoFace(now);
      else if (!this.busy) void this.submit(faces, now);
    } catch (err) {
      this.state.applyStationError(`Face detection failed: ${String(err)}`);
    }
  }

  /** Main refuses virtual cameras (injection defence); the status bar shows the verdict. */
  private async reportCamera(stream: MediaStream): Promise<void> {
    const label = stream.getVideoTracks()[0]?.label ?? '';
    const result = await this.api.reportCamera({ label: label.slice(0, 200) });
    if (result.ok) this.state.camera = { label, ...result.value };
    else this.state.applyStationError(describeError(result.error));
  }

  private async submit(faces: readonly DetectedFace[], capturedAtMs: number): Promise<void> {
    this.busy = true;
    this.frameSent = this.framesSeen;
    try {
      const request = this.capture.build(this.video, faces, this.nextFrameId++, capturedAtMs);
      const result = await this.api.submitFrame(request);
      if (this.stopped) return;
      if (result.ok) this.state.applyResult(result.value, performance.now());
      else this.state.applyStationError(describeError(result.error));
    } catch (err) {
      if (!this.stopped) this.state.applyStationError(`Could not send the frame: ${String(err)}`);
    } finally {
      this.busy = false;
    }
    // A newer camera frame is already here: send it now rather than at the next frame callback.
    if (!this.stopped && this.detector && this.framesSeen > this.frameSent)
      this.detectAndSubmit(this.detector, this.lastFrameAtMs);
  }
}

function startFailure(err: unknown): string {
  if (err instanceof StationError) return describeError({ code: err.code, message: err.message });
  if (err instanceof DOMException) {
    if (err.name === 'NotAllowedError')
      return 'Camera access was refused. Allow the camera for this station.';
    if (err.name === 'NotFoundError') return 'No camera was found.';
    if (err.name === 'NotReadableError') return 'The camera is in use by another program.';
  }
  return `The terminal could not start: ${err instanceof Error ? err.message : String(err)}`;
}
