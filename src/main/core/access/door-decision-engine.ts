import type { ChallengeView } from '../../../shared/challenge';
import type { DecisionReason, PersonRef } from '../../../shared/domain';
import type { DoorPhase, PassiveSummary } from '../../../shared/door-contract';
import { randomChallengeChooser } from '../challenge/challenge-chooser';
import type { ChallengeSession } from '../challenge/challenge-session';
import { DEFAULT_CHALLENGE_SETTINGS, needsChallenge } from '../challenge/challenge-settings';
import type { PoseSample } from '../challenge/pose-sample';
import { DEFAULT_LIVENESS_SETTINGS } from '../liveness/liveness-settings';
import type { FaceVerdict } from './access-decision';
import type { AccessPolicy } from './access-policy.schema';
import { withinSchedule, type PersonScheduleProfile } from './access-schedule';
import { FailureLockout, type FailingFace, type LockoutState } from './failure-lockout';
import type { TrackBox } from './face-tracker';
import { agreedIdentity, frameLevel, largest, pending } from './door-decision-parts';
import {
  challengeOutcome,
  challengeView,
  POSE_HISTORY,
  startChallenge,
  type ChallengeDeps,
  type ChallengeOutcome,
} from './track-challenge';

/** What liveness said so far about one tracked face. */
export interface LivenessReading {
  verdict: 'live' | 'spoof' | 'inconclusive';
  /** True once the window is full: 'inconclusive' then means "ask for a blink", not "wait". */
  settled: boolean;
  score: number;
  components: Record<string, number | null>;
  /**
   * The passive evidence in three bands (core/liveness/passive-assessment.ts): 'uncertain' is
   * what an active challenge is for. Flat, so the audit detail view shows every field.
   */
  passive: PassiveReading;
  /** Why the verdict is what it is (LivenessReason values). */
  reasons: readonly string[];
}

export type PassiveReading = PassiveSummary;

export interface FaceObservation {
  trackId: number;
  box: TrackBox;
  /** Single-frame identity verdict (access-decision.ts decideFace). */
  verdict: FaceVerdict;
  liveness: LivenessReading | null;
  /** Head pose and eye opening from the station's own landmarks (the active challenge). */
  pose?: PoseSample | null;
  /** The face's embedding when it was analysed: refusals are counted per face with it. */
  embedding?: Float32Array | null;
}

export type { DoorPhase };

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

/** The two clocks a final decision is stamped with (see DecideContext). */
interface FinishClock {
  nowMs: number;
  atMs: number;
}

interface TrackState {
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
  /** The decision this track had before it expired (FINAL_TTL_MS), for the regrant rule. */
  previous: { decision: DecisionReason; identity: string | null | undefined } | null;
  /** The station's pose measurements of the last frames (reference for the challenge). */
  poses: PoseSample[];
  challenge: ChallengeSession | null;
  /** The person the challenge was asked of (identity agreed before it started). */
  challenged: PersonRef | null;
  /** The last embedding seen of this face (a challenge abandoned is counted against it). */
  embedding: Float32Array | null;
}

/**
 * A decision sticks to its track for this long, then the face is judged afresh: a track can
 * outlive the person (someone else steps into the same spot while the first walks off), so a
 * grant must not be inherited indefinitely; a person who lingers is simply decided again.
 */
const FINAL_TTL_MS = 10_000;

/** Reasons that count towards the lockout: someone tried and was refused. */
const FAILURES: ReadonlySet<DecisionReason> = new Set([
  'unknown_face',
  'spoof_suspected',
  'challenge_failed',
  'challenge_timeout',
]);

/** DEFAULT_THRESHOLDS.verify: the engine's default when no settings are wired (unit tests). */
const DEFAULT_SAME_FACE_MIN = 0.35;

const DEFAULT_CHALLENGE: ChallengeDeps = {
  settings: () => DEFAULT_CHALLENGE_SETTINGS,
  chooser: randomChallengeChooser,
  blinkClosedRatio: () => DEFAULT_LIVENESS_SETTINGS.blinkClosedRatio,
};

/**
 * The one place that turns per-frame evidence into the door's decision (deny by default).
 * Per tracked face it waits for `agreeFrames` frames that agree on one person and for a live
 * liveness verdict, then decides once; the decision sticks to that track so a person standing
 * at the door is not re-admitted or re-logged every frame. Order of rules (first match wins):
 * untrusted camera, lockout, no face, too many faces, track already decided, too small / poor
 * quality (advice, not a decision), settled spoof, identity votes, liveness (with the active
 * challenge when passive evidence is not clearly live), schedule.
 */
export class DoorDecisionEngine {
  private readonly tracks = new Map<number, TrackState>();
  private readonly lockout: FailureLockout;
  /** Challenges whose face left before answering: refusals the caller audits. */
  private abandoned: DoorDecision[] = [];

  constructor(
    private readonly policy: () => AccessPolicy,
    private readonly challenges: ChallengeDeps = DEFAULT_CHALLENGE,
    /** Cosine above which two embeddings are the same face (the 1:1 verify threshold). */
    sameFaceMin: () => number = () => DEFAULT_SAME_FACE_MIN,
    /** A person's own schedule and groups (people table); read once per decision, at a grant. */
    private readonly scheduleProfile: (personId: string) => PersonScheduleProfile | null = () =>
      null,
  ) {
    this.lockout = new FailureLockout(() => this.policy().lockout, sameFaceMin);
  }

  decide(faces: readonly FaceObservation[], ctx: DecideContext): DoorDecision {
    const clockMs = ctx.now.getTime();
    for (const [id, t] of this.tracks)
      if (!ctx.liveTrackIds.has(id)) this.dropTrack(id, t, clockMs, clockMs);
    const p = this.policy();
    const atMs = ctx.atMs ?? clockMs;
    if (!ctx.cameraTrusted) return frameLevel('device_untrusted', faces);
    const flood = this.lockout.terminalLock(clockMs);
    if (flood) return { ...frameLevel('locked_out', faces), lockout: flood };
    if (faces.length === 0) return { ...pending('idle', null, null), decision: 'no_face' };
    if (faces.length > p.maxFaces) return frameLevel('multiple_faces', faces);

    const face = largest(faces);
    const locked = this.lockout.faceLock(clockMs, failing(face));
    if (locked) return { ...frameLevel('locked_out', faces), lockout: locked };
    const track = this.trackState(face.trackId);
    let previous: TrackState['previous'] = null;
    if (track.final && swapped(track, face.verdict)) this.tracks.delete(face.trackId);
    else if (track.final && (atMs - track.finalAtMs >= FINAL_TTL_MS || atMs < track.finalAtMs)) {
      // The same face, still here: decided afresh, remembering what it was decided before.
      previous = {
        decision: track.final.decision ?? 'unknown_face',
        identity: track.decidedIdentity,
      };
      this.tracks.delete(face.trackId);
    } else if (track.final) return { ...track.final, newlyFinal: false };
    const current = this.trackState(face.trackId);
    if (previous) current.previous = previous;
    if (face.embedding) current.embedding = face.embedding;
    return this.decideTrack(current, face, p, ctx.now, atMs);
  }

  private decideTrack(
    track: TrackState,
    face: FaceObservation,
    p: AccessPolicy,
    now: Date,
    atMs: number,
  ): DoorDecision {
    const clockMs = now.getTime();
    const at = { nowMs: clockMs, atMs };
    if (track.challenge) return this.continueChallenge(track, track.challenge, face, p, now, at);

    const v = face.verdict;
    if (v.decision === 'face_too_small' || v.decision === 'poor_quality')
      return { ...pending('looking', face, face.liveness), decision: v.decision };

    track.frames += 1;
    track.votes.push(v.decision === 'granted' && v.person ? v.person.id : null);
    if (v.person) track.people.set(v.person.id, v.person);
    if (face.pose) track.poses = [...track.poses.slice(1 - POSE_HISTORY), face.pose];
    const identity = agreedIdentity(track.votes, p.agreeFrames);
    const live = face.liveness;
    const outOfFrames = track.frames >= p.maxFramesPerDecision;

    if (p.requireLiveness && live?.settled && live.verdict === 'spoof')
      return this.finish(track, face, 'spoof_suspected', null, at);
    if (identity === null) return this.finish(track, face, 'unknown_face', null, at);
    if (identity === undefined)
      return outOfFrames
        ? this.finish(track, face, 'unknown_face', null, at)
        : pending('looking', face, live);

    const person = track.people.get(identity) ?? null;
    if (p.requireLiveness) {
      const waiting = this.livenessGate(track, face, person, outOfFrames, at);
      if (waiting) return waiting;
    }
    if (person && !withinSchedule(p, person.id, now, this.scheduleProfile(person.id)))
      return this.finish(track, face, 'outside_schedule', person, at);
    return this.finish(track, face, 'granted', person, at);
  }

  /**
   * Liveness before the door opens: null when the face may go on to the schedule (clearly
   * live); otherwise what to say meanwhile, a refusal, or a challenge started.
   */
  private livenessGate(
    track: TrackState,
    face: FaceObservation,
    person: PersonRef | null,
    outOfFrames: boolean,
    at: FinishClock,
  ): DoorDecision | null {
    const clockMs = at.nowMs;
    const live = face.liveness;
    if (!live?.settled)
      return outOfFrames
        ? this.finish(track, face, 'spoof_suspected', null, at)
        : pending('hold_still', face, live);
    const settings = this.challenges.settings();
    if (needsChallenge(live, settings)) {
      const session = startChallenge(this.challenges, track.poses, clockMs);
      track.challenge = session;
      track.challenged = person;
      // This frame already counts (a face towards the camera is where every action starts).
      const status = session.observe(face.pose ?? null, clockMs);
      return pending('challenge', face, live, challengeView(session, status));
    }
    if (live.verdict === 'live') return null;
    return outOfFrames
      ? this.finish(track, face, 'spoof_suspected', null, at)
      : pending('blink_please', face, live);
  }

  /**
   * A face answering a challenge: the station's own pose measurement of each frame goes to the
   * session. The passive check keeps running (a settled spoof still refuses), and a frame that
   * names another enrolled person means this is not the face that was asked.
   */
  private continueChallenge(
    track: TrackState,
    session: ChallengeSession,
    face: FaceObservation,
    p: AccessPolicy,
    now: Date,
    at: FinishClock,
  ): DoorDecision {
    const clockMs = at.nowMs;
    const v = face.verdict;
    const live = face.liveness;
    const status = session.observe(face.pose ?? null, clockMs);
    const outcome = challengeOutcome(session, status);
    if (p.requireLiveness && live?.settled && live.verdict === 'spoof')
      return this.finish(track, face, 'spoof_suspected', null, at, outcome);
    const other = v.decision === 'granted' && v.person && v.person.id !== track.challenged?.id;
    if (other && status.state === 'running')
      return this.finish(track, face, 'challenge_failed', null, at, outcome);
    switch (status.state) {
      case 'running':
        return pending('challenge', face, live, challengeView(session, status));
      case 'failed':
        return this.finish(track, face, 'challenge_failed', null, at, outcome);
      case 'timeout':
        return this.finish(track, face, 'challenge_timeout', null, at, outcome);
      case 'passed': {
        const person = track.challenged;
        if (person && !withinSchedule(p, person.id, now, this.scheduleProfile(person.id)))
          return this.finish(track, face, 'outside_schedule', person, at, outcome);
        return this.finish(track, face, 'granted', person, at, outcome);
      }
    }
  }

  /**
   * A face that left (or a stream that restarted) in the middle of a challenge is refused as a
   * timeout, audited by the caller (takeAbandoned): stepping out must not be a free retry.
   */
  private dropTrack(id: number, t: TrackState, clockMs: number, nowMs: number): void {
    this.tracks.delete(id);
    if (!t.challenge || t.final) return;
    const status = t.challenge.current(clockMs);
    const outcome = challengeOutcome(t.challenge, status);
    this.lockout.recordFailure(nowMs, { trackId: id, embedding: t.embedding });
    this.abandoned.push({
      phase: 'decided',
      decision: 'challenge_timeout',
      person: null,
      similarity: -1,
      runnerUp: null,
      score: null,
      trackId: id,
      liveness: null,
      challenge: null,
      challengeOutcome: outcome,
      newlyFinal: true,
      lockout: null,
      auditRef: null,
      regrant: false,
    });
  }

  /** Refusals of challenges whose face left before answering, each to be audited once. */
  takeAbandoned(): DoorDecision[] {
    const out = this.abandoned;
    this.abandoned = [];
    return out;
  }

  /** The flood guard's terminal-wide lock (faces need not be analysed while it holds). */
  terminalLocked(now: Date): boolean {
    return this.terminalLock(now) !== null;
  }

  terminalLock(now: Date): LockoutState | null {
    return this.lockout.terminalLock(now.getTime());
  }

  /** Remembers the audit row of a track's final decision (the screen names it). */
  noteAudit(trackId: number, row: number): void {
    const t = this.tracks.get(trackId);
    if (t?.final) t.final.auditRef = row;
  }

  /** The final decision already taken about this tracked face, if any. */
  finalOf(trackId: number, atMs: number): DoorDecision | null {
    const t = this.tracks.get(trackId);
    return t?.final && atMs - t.finalAtMs < FINAL_TTL_MS && atMs >= t.finalAtMs ? t.final : null;
  }

  /**
   * A new camera stream: per-face evidence and decisions go; the lockout stays (a reload must
   * not lift it), and a challenge in progress is refused (a reload must not be a free retry).
   */
  resetTracks(now: Date = new Date()): void {
    for (const [id, t] of this.tracks) this.dropTrack(id, t, now.getTime(), now.getTime());
    this.tracks.clear();
  }

  /** Admin action from the terminal: lift every lockout early (what was lifted, for the audit). */
  resetLockout(now: Date): { lockedFaces: number; terminalLocked: boolean } {
    return this.lockout.reset(now.getTime());
  }

  private trackState(id: number): TrackState {
    let t = this.tracks.get(id);
    if (!t) {
      t = {
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
      this.tracks.set(id, t);
    }
    return t;
  }

  private finish(
    track: TrackState,
    face: FaceObservation,
    decision: DecisionReason,
    person: PersonRef | null,
    /** The station's clock (lockout, challenge) and the frame's stream time (FINAL_TTL_MS). */
    at: FinishClock,
    outcome: ChallengeOutcome | null = null,
  ): DoorDecision {
    track.challenge = null;
    // A refusal never names anyone: the terminal must not tell a stranger whom they resemble.
    const named = decision === 'granted' || decision === 'outside_schedule' ? person : null;
    const d: DoorDecision = {
      phase: 'decided',
      decision,
      person: named,
      similarity: face.verdict.similarity,
      runnerUp: face.verdict.runnerUp ?? null,
      score: face.verdict.score ?? null,
      trackId: face.trackId,
      liveness: face.liveness,
      challenge: null,
      challengeOutcome: outcome,
      newlyFinal: true,
      lockout: null,
      auditRef: null,
      regrant:
        decision === 'granted' &&
        track.previous?.decision === 'granted' &&
        track.previous.identity === (person?.id ?? null),
    };
    track.final = d;
    track.finalAtMs = at.atMs;
    track.decidedIdentity = agreedIdentity(track.votes, this.policy().agreeFrames);
    if (FAILURES.has(decision)) d.lockout = this.lockout.recordFailure(at.nowMs, failing(face));
    if (decision === 'granted') this.lockout.forgive(failing(face));
    return d;
  }
}

/** The face a refusal counts against: its track, and its embedding when analysed. */
function failing(face: FaceObservation): FailingFace {
  return { trackId: face.trackId, embedding: face.embedding ?? null };
}

/**
 * True when a decided track now shows a face the decision was not about: a name other than the
 * one granted, or a recognised person where a stranger was refused. Advice-only verdicts (too
 * small) and a momentary "unknown" for a granted person (a blurred frame) keep the decision.
 */
function swapped(track: TrackState, v: FaceVerdict): boolean {
  if (v.decision !== 'granted' || !v.person || track.decidedIdentity === undefined) return false;
  return track.decidedIdentity !== v.person.id;
}
