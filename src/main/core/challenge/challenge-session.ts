/**
 * One face's active challenge: the asked actions in order, each from a face turned to the camera,
 * within the station-clock time limit. A recording cannot know the random order, so it times out or
 * does the wrong movement, which fails.
 */
import type { ChallengeAction } from '../../../shared/challenge';
import type { PoseReference, PoseSample } from './pose-sample';

export type ChallengeStatus =
  | { state: 'running'; step: number; remainingMs: number }
  | { state: 'passed'; elapsedMs: number }
  | { state: 'failed'; step: number; seen: Gesture; elapsedMs: number }
  | { state: 'timeout'; step: number; elapsedMs: number };

/** A head movement the frames show (relative to the reference pose). */
export type Gesture = 'turn_left' | 'turn_right' | 'look_up';

export interface ChallengeRules {
  timeLimitMs: number;
  turnDeg: number;
  /** EAR at or below this fraction of the open-eye level is a closed eye. */
  blinkClosedRatio: number;
}

/** An eye counts as open again at this fraction of the open-eye level (hysteresis). */
const REOPEN_RATIO = 0.85;
const BLINKS_ASKED = 2;

export class ChallengeSession {
  private step = 0;
  private facedCamera = false;
  private blinks = 0;
  private eyesClosed = false;
  private readonly ears: number[] = [];
  private status: ChallengeStatus;

  constructor(
    readonly actions: readonly ChallengeAction[],
    private readonly reference: PoseReference,
    private readonly rules: ChallengeRules,
    readonly startedAtMs: number,
  ) {
    if (Number.isFinite(reference.openEar)) this.ears.push(reference.openEar);
    this.status = { state: 'running', step: 0, remainingMs: rules.timeLimitMs };
  }

  timeLimitMs(): number {
    return this.rules.timeLimitMs;
  }

  /** The current status without a new frame (e.g. a frame in which the face was not measured). */
  current(nowMs: number): ChallengeStatus {
    if (this.status.state !== 'running') return this.status;
    const elapsedMs = nowMs - this.startedAtMs;
    if (elapsedMs > this.rules.timeLimitMs)
      this.status = { state: 'timeout', step: this.step, elapsedMs };
    else
      this.status = {
        state: 'running',
        step: this.step,
        remainingMs: this.rules.timeLimitMs - elapsedMs,
      };
    return this.status;
  }

  /** One frame's measurement of the face (null: no usable landmarks in this frame). */
  observe(sample: PoseSample | null, nowMs: number): ChallengeStatus {
    const status = this.current(nowMs);
    if (status.state !== 'running' || !sample) return status;
    const action = this.actions[this.step];
    if (!action) return status;
    const gesture = this.classify(sample);
    if (gesture === 'facing') {
      this.facedCamera = true;
      this.countBlink(sample.ear);
    } else if (gesture !== 'between' && this.facedCamera) {
      if (gesture !== action)
        return (this.status = {
          state: 'failed',
          step: this.step,
          seen: gesture,
          elapsedMs: nowMs - this.startedAtMs,
        });
      this.nextStep();
    }
    if (action === 'blink_twice' && this.blinks >= BLINKS_ASKED) this.nextStep();
    if (this.step >= this.actions.length)
      return (this.status = { state: 'passed', elapsedMs: nowMs - this.startedAtMs });
    return this.current(nowMs);
  }

  private nextStep(): void {
    this.step += 1;
    this.facedCamera = false;
    this.blinks = 0;
    this.eyesClosed = false;
  }

  /**
   * The head movement this frame shows; 'facing' when the face is within turnDeg/2 of the
   * reference pose, 'between' when it is neither (half turned, or looking down).
   */
  private classify(s: PoseSample): Gesture | 'facing' | 'between' {
    const dYaw = s.yawDeg - this.reference.yawDeg;
    const dPitch = s.pitchDeg - this.reference.pitchDeg;
    const t = this.rules.turnDeg;
    // The larger movement wins when a head both turns and tilts.
    if (Math.abs(dYaw) >= t && Math.abs(dYaw) >= dPitch)
      return dYaw > 0 ? 'turn_left' : 'turn_right';
    if (dPitch >= t) return 'look_up';
    return Math.abs(dYaw) <= t / 2 && Math.abs(dPitch) <= t / 2 ? 'facing' : 'between';
  }

  /** Counts closings of the eyes (closed, then open again) relative to the open-eye level. */
  private countBlink(ear: number): void {
    if (!Number.isFinite(ear)) return;
    const open = quantile(this.ears, 0.75);
    if (!this.eyesClosed && Number.isFinite(open) && ear <= this.rules.blinkClosedRatio * open) {
      this.eyesClosed = true;
      return;
    }
    if (this.eyesClosed && ear >= REOPEN_RATIO * open) {
      this.eyesClosed = false;
      this.blinks += 1;
    }
    if (!this.eyesClosed) this.ears.push(ear);
  }
}

function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(q * (s.length - 1))]!;
}
