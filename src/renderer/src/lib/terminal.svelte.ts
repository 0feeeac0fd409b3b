import type { ChallengeView } from '../../../shared/challenge';
import type { FrameResult } from '../../../shared/contract';
import type { DetectedFace } from './face-detector';
import type { DoorScreenState, DoorStatusView } from '../../../shared/door-contract';
import { NO_ONE, screenDisplay, type TerminalDisplay } from './door-screen-words';

export type { TerminalDisplay };
export type TerminalPhase = 'starting' | 'running' | 'failed';

/** The active challenge on screen, with its deadline on this page's wall clock (Date.now). */
export interface ShownChallenge {
  view: ChallengeView;
  deadlineMs: number;
}

/** A lockout on screen, with its end on this page's wall clock (Date.now). */
export interface ShownLockout {
  scope: 'face' | 'terminal';
  untilMs: number;
}

type CameraView = DoorScreenState['camera'];

/**
 * The door terminal's state. What the big status, the lock and the camera say comes from one
 * place: the station's screen snapshot (pushed on every change, and returned with each frame),
 * newest `seq` wins, so the banner never disagrees with the door. The page adds only what
 * it alone knows: whether its detector sees anyone, and how long a decision took.
 */
export class TerminalState {
  phase = $state<TerminalPhase>('starting');
  failure = $state<string | null>(null);
  display = $state.raw<TerminalDisplay>(NO_ONE);
  screen = $state.raw<DoorScreenState | null>(null);
  /** Per-frame detections and station answers: replaced wholesale, never mutated. */
  faces = $state.raw<readonly DetectedFace[]>([]);
  lastResult = $state.raw<FrameResult | null>(null);
  /** Last transient station error (in the diagnostics panel; the big status keeps its meaning). */
  stationError = $state<string | null>(null);
  /** Status bar: the camera the terminal opened and whether main trusts it, and the lock. */
  camera = $state.raw<CameraView | null>(null);
  door = $state.raw<DoorStatusView | null>(null);
  /** The station's active challenge for the face in view, while it is being asked. */
  challenge = $state.raw<ShownChallenge | null>(null);
  lockout = $state.raw<ShownLockout | null>(null);
  /**
   * Milliseconds from the first camera frame in which a face appeared (after none) to the
   * station's final decision about it: the latency a person at the door feels (diagnostics).
   */
  decisionLatencyMs = $state<number | null>(null);
  private faceSince: number | null = null;
  private latencyTaken = false;

  running(): void {
    this.phase = 'running';
    this.failure = null;
  }

  fail(message: string): void {
    this.phase = 'failed';
    this.failure = message;
  }

  /** The station's screen: applied when newer than the one shown (pushes and answers race). */
  applyScreen(s: DoorScreenState): void {
    const cur = this.screen;
    // A lower seq from a later time is a restarted station: its counter began again.
    if (cur && s.seq <= cur.seq && s.at <= cur.at) return;
    this.screen = s;
    this.door = s.door;
    this.camera = s.camera;
    // The page and the station share one machine (loopback only), so the station's end time
    // is on this clock too; a snapshot published a while ago still counts down correctly.
    this.lockout = s.lockout && { scope: s.lockout.scope, untilMs: Date.parse(s.lockout.until) };
    this.show();
  }

  /** A station answer for a frame we sent. */
  applyResult(result: FrameResult, nowMs: number): void {
    this.lastResult = result;
    if (result.phase === 'decided' && this.faceSince !== null && !this.latencyTaken) {
      this.decisionLatencyMs = Math.round(nowMs - this.faceSince);
      this.latencyTaken = true;
    }
    this.stationError = null;
    // The station's clock decides; the countdown only shows its answer in local time.
    this.challenge = result.challenge
      ? { view: result.challenge, deadlineMs: Date.now() + result.challenge.remainingMs }
      : null;
    if (result.screen) this.applyScreen(result.screen);
  }

  /** The detector's view of a camera frame: the latency clock, and "No one in view". */
  noteFaces(count: number, frameAtMs: number): void {
    if (count === 0) {
      this.faceSince = null;
      this.latencyTaken = false;
      this.challenge = null;
    } else if (this.faceSince === null) this.faceSince = frameAtMs;
    this.show();
  }

  applyStationError(message: string): void {
    this.stationError = message;
  }

  private show(): void {
    if (!this.screen) return;
    const next = screenDisplay(this.screen, this.faceSince !== null);
    if (
      next.text !== this.display.text ||
      next.next !== this.display.next ||
      next.tone !== this.display.tone
    )
      this.display = next;
  }
}
