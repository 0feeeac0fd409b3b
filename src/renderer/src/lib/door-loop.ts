import type { StationApi } from '../../../shared/contract';
import { MOTION_PAIR_MS, SLOW_ANSWER_MS } from '../../../shared/door-cadence';
import { SENT_FACE_PX } from '../../../shared/sent-face-scale';
import { StationError } from '../../../shared/errors';
import { closeCamera, openCamera } from './camera';
import { BrowserFaceDetector, type DetectedFace } from './face-detector';
import { drawFaces } from './face-overlay';
import { FrameCapture, type FrameRequest } from './frame-capture';
import { FrameSnapshot, type FramePixels } from './frame-pixels';
import { t } from './i18n';
import { describeError } from './messages';
import type { TerminalState } from './terminal.svelte';

/**
 * The terminal's camera + detection loop. At most one frame is with the station at a time, which
 * bounds its load; meanwhile the page detects and reads back ONE newer frame (`queue`), sent the
 * moment the answer arrives, so the decision window fills at the station's pace. Other frames are
 * skipped while a request is out: detecting them in software would take the station's CPU.
 * A slow station (last answer over SLOW_ANSWER_MS) gets two frames MOTION_PAIR_MS apart per
 * request, so liveness measures motion at the gap it was validated on (shared/door-cadence.ts).
 */
export class DoorLoop {
  private stopped = false;
  private stream: MediaStream | null = null;
  private detector: BrowserFaceDetector | null = null;
  // Shrunk regions: fewer bytes per frame is the largest single saving per answered frame.
  private readonly capture = new FrameCapture(SENT_FACE_PX);
  /** The video is read once per detected frame; detection and the region share that copy. */
  private readonly snapshot = new FrameSnapshot();
  private busy = false;
  private nextFrameId = 0;
  /** The next request(s), detected and read back while the previous one is with the station. */
  private queue: FrameRequest[] = [];
  /** Frames the request in flight may still have read for it (0 once one had no face). */
  private flightBudget = 0;
  /** Capture time of the last frame queued (a pair's second comes MOTION_PAIR_MS later). */
  private queuedAtMs = 0;
  /** How long the station took to answer the last frame. */
  private lastAnswerMs = 0;
  /** Camera frames seen (frame callbacks), and which of them the last request carried. */
  private framesSeen = 0;
  private frameSent = 0;
  private lastFrameAtMs = 0;
  private cancelFrame: (() => void) | null = null;
  /**
   * The station is asking an active challenge: frames go at camera resolution until it ends,
   * because the asked turn is judged from the landmarks and a shrunk face hides it (a turn the
   * station reads on full frames was missed on 96 px faces: tests/e2e/door-challenge.test.ts).
   */
  private challengeAsked = false;

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
    this.queue = [];
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
    if (!this.busy) this.detectAndSubmit(detector, now);
    else if (
      this.flightBudget > 0 &&
      (this.queue.length === 0 || now - this.queuedAtMs >= MOTION_PAIR_MS)
    )
      this.prepareDuringFlight(detector, now);
    this.schedule();
  }

  /** Reads one more frame for the station while a request is out (see the class comment). */
  private prepareDuringFlight(detector: BrowserFaceDetector, now: number): void {
    this.frameSent = this.framesSeen;
    const frame = this.grab();
    const faces = this.detect(detector, frame, now);
    const request = faces && faces.length > 0 ? this.build(frame, faces, now) : null;
    if (!request) {
      this.flightBudget = 0;
      return;
    }
    this.queue.push(request);
    this.queuedAtMs = now;
    this.flightBudget--;
  }

  /** Detects faces in the video's current frame (taken at `now`) and sends it when idle. */
  private detectAndSubmit(detector: BrowserFaceDetector, now: number): void {
    const frame = this.grab();
    const faces = this.detect(detector, frame, now);
    if (faces && faces.length > 0 && !this.busy) {
      this.frameSent = this.framesSeen;
      const request = this.build(frame, faces, now);
      if (request) void this.submit(request);
    }
  }

  /** The video's current frame, copied once (frame-pixels.ts). */
  private grab(): FramePixels {
    const t0 = performance.now();
    const frame = this.snapshot.take(this.video);
    measure('door:grab', t0);
    return frame;
  }

  /** MediaPipe on the grabbed frame; updates the boxes and the "face seen" clock. */
  private detect(
    detector: BrowserFaceDetector,
    frame: FramePixels,
    now: number,
  ): DetectedFace[] | null {
    try {
      const t0 = performance.now();
      const faces = detector.detect(frame, now);
      measure('door:detect', t0);
      this.state.faces = faces;
      this.state.noteFaces(faces.length, now);
      drawFaces(
        this.overlay,
        this.video.videoWidth,
        this.video.videoHeight,
        faces,
        this.state.display.tone,
      );
      return faces;
    } catch (err) {
      this.state.applyStationError(t('terminal.detectionFailed', { error: String(err) }));
      return null;
    }
  }

  /** The region around the faces, from the grabbed frame (the frame `capturedAtMs` stamps). */
  private build(
    frame: FramePixels,
    faces: readonly DetectedFace[],
    capturedAtMs: number,
  ): FrameRequest | null {
    try {
      const t0 = performance.now();
      const request = this.capture.build(
        frame,
        faces,
        this.nextFrameId++,
        capturedAtMs,
        this.challengeAsked,
      );
      measure('door:capture', t0);
      return request;
    } catch (err) {
      this.state.applyStationError(t('terminal.frameUnreadable', { error: String(err) }));
      return null;
    }
  }

  /** Main refuses virtual cameras (injection defence); the status bar shows the verdict. */
  private async reportCamera(stream: MediaStream): Promise<void> {
    const label = stream.getVideoTracks()[0]?.label ?? '';
    const result = await this.api.reportCamera({ label: label.slice(0, 200) });
    if (result.ok)
      this.state.camera = { label, trusted: result.value.trusted, reason: result.value.reason };
    else this.state.applyStationError(describeError(result.error));
  }

  private async submit(request: FrameRequest): Promise<void> {
    this.busy = true;
    // A pair's second is already queued: this flight reads nothing more.
    this.flightBudget = this.queue.length > 0 ? 0 : this.lastAnswerMs > SLOW_ANSWER_MS ? 2 : 1;
    try {
      const t0 = performance.now();
      const result = await this.api.submitFrame(request);
      this.lastAnswerMs = measure('door:submit', t0) - t0;
      if (this.stopped) return;
      if (result.ok) {
        this.challengeAsked = result.value.challenge !== null;
        this.state.applyResult(result.value, performance.now());
      } else this.state.applyStationError(describeError(result.error));
    } catch (err) {
      if (!this.stopped)
        this.state.applyStationError(t('terminal.sendFailed', { error: String(err) }));
    } finally {
      this.busy = false;
    }
    if (this.stopped || !this.detector) return;
    // The frame prepared meanwhile goes at once; failing that, a camera frame that arrived
    // after the last detection is detected and sent now rather than at the next frame callback.
    const next = this.queue.shift();
    if (next) void this.submit(next);
    else if (this.framesSeen > this.frameSent)
      this.detectAndSubmit(this.detector, this.lastFrameAtMs);
  }
}

/**
 * A User Timing entry (what `bench/door-latency.ts --trace` reads; a few objects per frame,
 * nothing else listens). Returns the end time so a caller can chain stages.
 */
function measure(name: string, start: number): number {
  const end = performance.now();
  performance.measure(name, { start, end });
  return end;
}

function startFailure(err: unknown): string {
  if (err instanceof StationError) return describeError({ code: err.code, message: err.message });
  if (err instanceof DOMException) {
    if (err.name === 'NotAllowedError') return t('terminal.cameraDenied');
    if (err.name === 'NotFoundError') return t('terminal.cameraMissing');
    if (err.name === 'NotReadableError') return t('terminal.cameraBusy');
  }
  return t('terminal.startFailed', { error: err instanceof Error ? err.message : String(err) });
}
