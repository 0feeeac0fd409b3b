/** Small pure helpers of the door decision engine (kept apart to keep the engine readable). */
import type { ChallengeView } from '../../../shared/challenge';
import type { DecisionReason, PersonRef } from '../../../shared/domain';
import type { ChallengeSession } from '../challenge/challenge-session';
import type { PoseSample } from '../challenge/pose-sample';
import type { DoorPhase } from '../../../shared/door-contract';
import type { TrackBox } from './face-tracker';
import type { DoorDecision, FaceObservation, LivenessReading } from './door-decision.types';

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

/** The index of the largest box (the first of equals); -1 for none. */
export function largestIndex(boxes: readonly TrackBox[]): number {
  let best = -1;
  let bestArea = -1;
  boxes.forEach((b, i) => {
    const area = (b.x2 - b.x1) * (b.y2 - b.y1);
    if (area > bestArea) {
      best = i;
      bestArea = area;
    }
  });
  return best;
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

/** What the engine keeps about one tracked face between frames. */
export interface TrackState {
  votes: (string | null)[];
  people: Map<string, PersonRef>;
  frames: number;
  final: DoorDecision | null;
  finalAtMs: number;
  /**
   * Whom the decision was about, kept internally even when the decision names nobody (a spoof
   * of an enrolled person): a person id, null for a stranger, undefined when not established.
   */
  decidedIdentity: string | null | undefined;
  /** The decision this track had before it expired (the engine's FINAL_TTL_MS), for the regrant rule. */
  previous: { decision: DecisionReason; identity: string | null | undefined } | null;
  /** The station's pose measurements of the last frames (reference for the challenge). */
  poses: PoseSample[];
  challenge: ChallengeSession | null;
  /** The person the challenge was asked of (identity agreed before it started). */
  challenged: PersonRef | null;
  /** The last embedding seen of this face (a challenge abandoned is counted against it). */
  embedding: Float32Array | null;
}

export function newTrackState(): TrackState {
  return {
    votes: [],
    people: new Map(),
    frames: 0,
    final: null,
    finalAtMs: 0,
    decidedIdentity: undefined,
    previous: null,
    poses: [],
    challenge: null,
    challenged: null,
    embedding: null,
  };
}
