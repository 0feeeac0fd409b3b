import type { FrameResult } from '../../../shared/contract';
import type { DecisionReason } from '../../../shared/domain';
import type { DetectedFace } from './face-detector';
import { terminalWording, type Tone } from './messages';

/** How long a decision stays on screen, so a person can read it before the next frame. */
export const DECISION_HOLD_MS = 2_000;

/** Decisions that hold the screen; advisory states ("Come closer", "Looking…") never do. */
const HOLDING: ReadonlySet<DecisionReason> = new Set(['granted', 'unknown_face', 'multiple_faces']);

export type TerminalPhase = 'starting' | 'running' | 'failed';

export interface TerminalDisplay {
  text: string;
  tone: Tone;
  decision: DecisionReason;
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
    this.stationError = null;
    const next: TerminalDisplay = {
      ...terminalWording(result.decision, result.person?.name ?? null),
      decision: result.decision,
    };
    if (nowMs < this.holdUntil) {
      // Keep the held message; seeing it again keeps it up while the person stays.
      if (next.text === this.display.text) this.holdUntil = nowMs + DECISION_HOLD_MS;
      return;
    }
    this.display = next;
    if (HOLDING.has(result.decision)) this.holdUntil = nowMs + DECISION_HOLD_MS;
  }

  /** A frame in which MediaPipe saw nobody: back to "Looking…" once any hold has run out. */
  applyNoFace(nowMs: number): void {
    if (nowMs >= this.holdUntil && this.display !== LOOKING) this.display = LOOKING;
  }

  applyStationError(message: string): void {
    this.stationError = message;
  }
}
