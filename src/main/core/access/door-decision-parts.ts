/** Small pure helpers of the door decision engine (kept apart to keep the engine readable). */
import type { ChallengeView } from '../../../shared/challenge';
import type { DecisionReason } from '../../../shared/domain';
import type { DoorPhase } from '../../../shared/door-contract';
import type { DoorDecision, FaceObservation, LivenessReading } from './door-decision-engine';

/**
 * The person the last `k` votes agree on; null when the last `k` votes all say "unknown";
 * undefined while undecided (too few votes, or they disagree).
 */
export function agreedIdentity(
  votes: readonly (string | null)[],
  k: number,
): string | null | undefined {
  if (votes.length < k) return undefined;
  const last = votes.slice(-k);
  const first = last[0];
  if (first === undefined || !last.every((v) => v === first)) return undefined;
  return first;
}

export function largest(faces: readonly FaceObservation[]): FaceObservation {
  const area = (f: FaceObservation): number => (f.box.x2 - f.box.x1) * (f.box.y2 - f.box.y1);
  return faces.reduce((a, b) => (area(b) > area(a) ? b : a));
}

export function pending(
  phase: DoorPhase,
  face: FaceObservation | null,
  liveness: LivenessReading | null,
  challenge: ChallengeView | null = null,
): DoorDecision {
  return {
    phase,
    decision: null,
    person: null,
    similarity: face?.verdict.similarity ?? -1,
    runnerUp: face?.verdict.runnerUp ?? null,
    score: face?.verdict.score ?? null,
    trackId: face?.trackId ?? null,
    liveness,
    challenge,
    challengeOutcome: null,
    newlyFinal: false,
    lockout: null,
    auditRef: null,
    regrant: false,
  };
}

/** A decision about the whole frame (not one track): the caller debounces its audit rows. */
export function frameLevel(
  decision: DecisionReason,
  faces: readonly FaceObservation[],
): DoorDecision {
  const similarity = faces.length ? Math.max(...faces.map((f) => f.verdict.similarity)) : -1;
  return {
    phase: 'decided',
    decision,
    person: null,
    similarity,
    runnerUp: null,
    score: null,
    trackId: null,
    liveness: null,
    challenge: null,
    challengeOutcome: null,
    newlyFinal: false,
    lockout: null,
    auditRef: null,
    regrant: false,
  };
}
