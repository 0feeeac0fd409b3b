import type { ChallengeView } from '../../../shared/challenge';
import type { FrameResult } from '../../../shared/contract';
import type { DecisionReason } from '../../../shared/domain';
import type { DetectedFace } from './face-detector';
import type { CameraReport, DoorStatusView } from '../../../shared/door-contract';
import { challengeWording, pendingWording, terminalWording, type Tone } from './messages';

/** How long a decision stays on screen, so a person can read it before the next frame. */
export const DECISION_HOLD_MS = 2_000;

/** Decisions that hold the screen; advisory states ("Come closer", "Looking…") never do. */
const HOLDING: ReadonlySet<DecisionReason> = new Set([
  'granted',
  'unknown_face',
  'spoof_suspected',
  'multiple_faces',
  'outside_schedule',
  'locked_out',
  'device_untrusted',
  'challenge_failed',
  'challenge_timeout',
]);

export type TerminalPhase = 'starting' | 'running' | 'failed';

export interface TerminalDisplay {
  text: string;
  tone: Tone;
  /** The decision, or the pending phase ("hold_still", "blink_please") while undecided. */
  decision: DecisionReason | 'hold_still' | 'blink_please' | 'challenge' | 'looking';
}

/** The active challenge on screen, with its deadline on this page's wall clock (Date.now). */
export interface ShownChallenge {
  view: ChallengeView;
  deadlineMs: number;
}

const LOOKING: TerminalDisplay = { ...terminalWording('no_face', null), decision: 'no_face' };

/** The door terminal's state: what the screen says, and the latest per-frame data. */
export class TerminalState {
  phase = $state<TerminalPhase>('starting');
  failure = $state<string | null>(null);
  display = $state.raw<TerminalDisplay>(LOOKING);
  /** Per-frame detections and station answers: replaced wholesale, never mutated. */
  faces = $state.raw<readonly DetectedFace[]>([]);
  lastResult = $state.raw<FrameResult | null>(null);
  /** Last transient station error (shown small; the big status keeps its meaning). */
  stationError = $state<string | null>(null);
  /** Status bar: the camera the terminal opened and whether main trusts it, and the lock. */
  camera = $state.raw<(CameraReport & { label: string }) | null>(null);
  door = $state.raw<DoorStatusView | null>(null);
  /** The station's active challenge for the face in view, while it is being asked. */
  challenge = $state.raw<ShownChallenge | null>(null);
  /**
   * Milliseconds from the first camera frame in which a face appeared (after none) to the
   * station's final decision about it: the latency a person at the door feels.
   */
  decisionLatencyMs = $state<number | null>(null);
  private faceSince: number | null = null;
  private latencyTaken = false;
  private holdUntil = 0;

  running(): void {
    this.phase = 'running';
    this.failure = null;
  }

  fail(message: string): void {
    this.phase = 'failed';
    this.failure = message;
  }

  /** A station decision for a frame we sent. */
  applyResult(result: FrameResult, nowMs: number): void {
    this.lastResult = result;
    if (result.phase === 'decided' && this.faceSince !== null && !this.latencyTaken) {
      this.decisionLatencyMs = Math.round(nowMs - this.faceSince);
      this.latencyTaken = true;
    }
    this.stationError = null;
    this.door = result.door;
    // The station's clock decides; the countdown only shows its answer in local time.
    this.challenge = result.challenge
      ? { view: result.challenge, deadlineMs: Date.now() + result.challenge.remainingMs }
      : null;
    const next: TerminalDisplay = displayOf(result);
    if (nowMs < this.holdUntil) {
      // Keep the held message; seeing it again keeps it up while the person stays.
      if (next.text === this.display.text) this.holdUntil = nowMs + DECISION_HOLD_MS;
      return;
    }
    this.display = next;
    if (result.decision !== null && HOLDING.has(result.decision))
      this.holdUntil = nowMs + DECISION_HOLD_MS;
  }

  /** A frame in which MediaPipe saw nobody: back to "Looking…" once any hold has run out. */
  /** The detector's view of a camera frame, for the latency measure. */
  noteFaces(count: number, frameAtMs: number): void {
    if (count === 0) {
      this.faceSince = null;
      this.latencyTaken = false;
    } else if (this.faceSince === null) this.faceSince = frameAtMs;
  }

  applyNoFace(nowMs: number): void {
    if (nowMs >= this.holdUntil && this.display !== LOOKING) this.display = LOOKING;
  }

  applyStationError(message: string): void {
    this.stationError = message;
  }
}

function displayOf(result: FrameResult): TerminalDisplay {
  if (result.decision !== null)
    return {
      ...terminalWording(result.decision, result.person?.name ?? null),
      decision: result.decision,
    };
  const action = result.challenge?.actions[result.challenge.step];
  if (result.phase === 'challenge' && action)
    return { text: challengeWording(action), tone: 'warning', decision: 'challenge' };
  return { ...pendingWording(result.phase), decision: pendingDecision(result.phase) };
}

function pendingDecision(phase: FrameResult['phase']): TerminalDisplay['decision'] {
  return phase === 'hold_still' || phase === 'blink_please' || phase === 'challenge'
    ? phase
    : 'looking';
}
