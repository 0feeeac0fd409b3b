/**
 * The shapes the door decision engine reads and answers with. Kept apart from the engine so
 * its helpers, the liveness monitor and the challenge rules can name them without importing
 * the engine (no import cycle through it).
 */
import type { ChallengeView } from '../../../shared/challenge';
import type { DecisionReason, PersonRef } from '../../../shared/domain';
import type { DoorPhase, LivenessSummary, PassiveSummary } from '../../../shared/door-contract';
import type { PoseSample } from '../challenge/pose-sample';
import type { LockoutState } from './failure-lockout';
import type { TrackBox } from './face-tracker';
import type { ChallengeOutcome } from './track-challenge';

/** What the pipeline and gallery found for one face. */
export interface FaceEvidence {
  interEyePx: number;
  /** Best match per person, best first (from Gallery.search); empty for an empty gallery. */
  matches: { person: PersonRef; similarity: number }[];
  /**
   * The best match's identify score (identify-scoring.ts), which the identify threshold is
   * compared with; absent = its raw similarity.
   */
  score?: number;
}

/** The engine's verdict about a single face in a single frame (decideFace). */
export interface FaceVerdict {
  decision: DecisionReason;
  person: PersonRef | null;
  similarity: number;
  /** Best similarity of any other person (-1 when none): the margin is similarity - runnerUp. */
  runnerUp?: number;
  /** The identify score the threshold was compared with (absent before a gallery match). */
  score?: number;
}

/**
 * What liveness said so far about one tracked face: the summary the terminal is sent, with the
 * passive bands (what an active challenge is for) and the reasons always present.
 */
export interface LivenessReading extends LivenessSummary {
  passive: PassiveSummary;
  /** Why the verdict is what it is (LivenessReason values). */
  reasons: readonly string[];
}

export interface FaceObservation {
  trackId: number;
  box: TrackBox;
  /** Single-frame identity verdict (door-decision-engine.ts decideFace). */
  verdict: FaceVerdict;
  liveness: LivenessReading | null;
  /** Head pose and eye opening from the station's own landmarks (the active challenge). */
  pose?: PoseSample | null;
  /** The face's embedding when it was analysed: refusals are counted per face with it. */
  embedding?: Float32Array | null;
}

export interface DoorDecision {
  phase: DoorPhase;
  /** Final or advisory reason; null while waiting for more frames. */
  decision: DecisionReason | null;
  person: PersonRef | null;
  similarity: number;
  /** Best other person's similarity (-1 none; null when not measured). */
  runnerUp: number | null;
  /** The identify score the threshold judged (identify-scoring.ts); null when not measured. */
  score: number | null;
  trackId: number | null;
  liveness: LivenessReading | null;
  /** The challenge being asked (phase 'challenge'), for the terminal. */
  challenge: ChallengeView | null;
  /** How a challenge ended, on the final decision it decided (audited). */
  challengeOutcome: ChallengeOutcome | null;
  /** True on exactly one frame per tracked face: audit it, and open the door if granted. */
  newlyFinal: boolean;
  /** The lock behind a `locked_out` decision (whose face, until when), for the countdown. */
  lockout: LockoutState | null;
  /** The audit row of this track's final decision, once the caller recorded it. */
  auditRef: number | null;
  /**
   * A grant of the person the same track was granted for before, decided again once that
   * decision was FINAL_TTL_MS old: they never left. It opens the door again (see docs/DOOR.md,
   * "A person who stays") and its audit row says so.
   */
  regrant: boolean;
}

/**
 * Extra context of one frame's decision. `now` is the station's clock at the door (the
 * terminal's frame stamps are not trusted for time limits); for `station access VIDEO` it is
 * the recording's time, which decodes faster or slower than real time.
 */
export interface DecideContext {
  now: Date;
  /**
   * The frame's capture time on its stream's clock (ms), what FINAL_TTL_MS is measured in, so
   * a decision sticks for 10 s of the stream the face was seen in. Default: now.
   */
  atMs?: number;
  cameraTrusted: boolean;
  liveTrackIds: ReadonlySet<number>;
}
