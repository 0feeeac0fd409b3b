/**
 * The door's side of the active challenge: starting one for a tracked face, and what the
 * terminal and the audit log are told about it. The rules of the challenge itself live in
 * core/challenge/challenge-session.ts; the decision stays in the decision engine.
 */
import type { ChallengeAction, ChallengeView } from '../../../shared/challenge';
import type { ChallengeChooser } from '../challenge/challenge-chooser';
import { ChallengeSession, type ChallengeStatus } from '../challenge/challenge-session';
import type { ChallengeSettings } from '../challenge/challenge-settings';
import { poseReference, type PoseSample } from '../challenge/pose-sample';

export interface ChallengeDeps {
  settings: () => ChallengeSettings;
  /** Injected by the composition root: the CSPRNG chooser, or a fixed one in tests. */
  chooser: ChallengeChooser;
  /** The liveness settings' closed-eye ratio, shared with the passive blink cue. */
  blinkClosedRatio: () => number;
}

/** What the audit row keeps about a challenge (component evidence of the decision). */
export interface ChallengeOutcome {
  actions: ChallengeAction[];
  result: 'passed' | 'failed' | 'timeout' | 'abandoned';
  /** Actions completed before the end. */
  completed: number;
  elapsedMs: number;
  /** The head movement seen instead of the one asked (failed only). */
  seen?: string;
}

/** Pose samples kept per track as the reference for "facing the camera". */
export const POSE_HISTORY = 8;

export function startChallenge(
  deps: ChallengeDeps,
  poses: readonly PoseSample[],
  clockMs: number,
): ChallengeSession {
  const s = deps.settings();
  const actions = deps.chooser(s.allowed, s.actions);
  return new ChallengeSession(
    actions,
    poseReference(poses),
    { timeLimitMs: s.timeLimitMs, turnDeg: s.turnDeg, blinkClosedRatio: deps.blinkClosedRatio() },
    clockMs,
  );
}

export function challengeView(session: ChallengeSession, status: ChallengeStatus): ChallengeView {
  const step =
    status.state === 'running' || status.state === 'failed' || status.state === 'timeout'
      ? status.step
      : session.actions.length;
  return {
    actions: [...session.actions],
    step,
    remainingMs: status.state === 'running' ? Math.max(0, Math.round(status.remainingMs)) : 0,
  };
}

export function challengeOutcome(
  session: ChallengeSession,
  status: ChallengeStatus,
): ChallengeOutcome {
  const actions = [...session.actions];
  switch (status.state) {
    case 'passed':
      return { actions, result: 'passed', completed: actions.length, elapsedMs: status.elapsedMs };
    case 'failed':
      return {
        actions,
        result: 'failed',
        completed: status.step,
        elapsedMs: status.elapsedMs,
        seen: status.seen,
      };
    case 'timeout':
      return { actions, result: 'timeout', completed: status.step, elapsedMs: status.elapsedMs };
    case 'running':
      // The face left (or the stream restarted) before answering: refused like a timeout.
      return {
        actions,
        result: 'abandoned',
        completed: status.step,
        elapsedMs: session.timeLimitMs() - status.remainingMs,
      };
  }
}
