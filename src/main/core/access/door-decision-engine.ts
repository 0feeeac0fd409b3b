import type { DecisionReason, PersonRef, Thresholds } from '../../../shared/domain';
import { randomChallengeChooser } from '../challenge/challenge-chooser';
import type { ChallengeSession } from '../challenge/challenge-session';
import { DEFAULT_CHALLENGE_SETTINGS, needsChallenge } from '../challenge/challenge-settings';
import { DEFAULT_LIVENESS_SETTINGS } from '../liveness/liveness-settings';
import type { AccessPolicy } from './access-policy.schema';
import { withinSchedule, type PersonScheduleProfile } from './access-schedule';
import { FailureLockout, type FailingFace, type LockoutState } from './failure-lockout';
import type { TrackBox } from './face-tracker';
import {
  agreedIdentity,
  frameLevel,
  largestIndex,
  newTrackState,
  pending,
  type TrackState,
} from './door-decision-parts';
import type {
  DecideContext,
  DoorDecision,
  FaceEvidence,
  FaceObservation,
  FaceVerdict,
} from './door-decision.types';
import {
  challengeOutcome,
  challengeView,
  POSE_HISTORY,
  startChallenge,
  type ChallengeDeps,
  type ChallengeOutcome,
} from './track-challenge';

/**
 * The identity rule for a single face in a single frame. Deny by default: a name is returned
 * only when the best person's identify score clears the 1:N threshold AND its similarity beats
 * the runner-up person's by the margin (two people both "close" is not an identification).
 */
export function decideFace(e: FaceEvidence, t: Thresholds): FaceVerdict {
  const best = e.matches[0];
  const similarity = best?.similarity ?? -1;
  if (e.interEyePx < t.minInterEyePx)
    return { decision: 'face_too_small', person: null, similarity };
  const runnerUp = e.matches[1]?.similarity ?? -1;
  if (!best) return { decision: 'unknown_face', person: null, similarity, runnerUp };
  const score = e.score ?? best.similarity;
  if (score < t.identify)
    return { decision: 'unknown_face', person: null, similarity, runnerUp, score };
  if (best.similarity - runnerUp < t.margin)
    return { decision: 'unknown_face', person: null, similarity, runnerUp, score };
  return { decision: 'granted', person: best.person, similarity, runnerUp, score };
}

/**
 * The verdict for a face that was not analysed, never a grant: a frame-level rule decides the
 * frame anyway (the face was not worth analysing), or the face could not be analysed (outside
 * the region, landmarks failed), which is too little to judge.
 */
export function unanalysedVerdict(frameDecided: boolean): FaceVerdict {
  return frameDecided
    ? { decision: 'unknown_face', person: null, similarity: -1 }
    : { decision: 'face_too_small', person: null, similarity: -1 };
}

/** A rule that decides the whole frame whatever its faces are (DoorDecisionEngine.frameRule). */
export interface FrameRule {
  decision: 'device_untrusted' | 'locked_out' | 'multiple_faces';
  lockout: LockoutState | null;
}

/** The two clocks a final decision is stamped with (see DecideContext). */
interface FinishClock {
  nowMs: number;
  atMs: number;
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
 * The one place that turns per-frame evidence into the door's decision (deny by default). Per track
 * it waits for `agreeFrames` agreeing frames and a live verdict, then decides once, so a person
 * standing at the door is not re-admitted every frame. Rules in order: camera trust, lockout,
 * faces, decided track, quality, spoof, identity, liveness, schedule.
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
    const rule = this.frameRule(faces.length, ctx.now, ctx.cameraTrusted);
    if (rule) return { ...frameLevel(rule.decision, faces), lockout: rule.lockout };
    if (faces.length === 0) return { ...pending('idle', null, null), decision: 'no_face' };

    const face = faces[largestIndex(faces.map((f) => f.box))]!;
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

  /**
   * The rules that decide a whole frame before any face is looked at (first match wins):
   * untrusted camera, the flood guard's terminal lock, more faces than allowed (tailgating).
   * Null when the faces must be judged. The caller skips analysing faces when it is not null.
   */
  frameRule(faceCount: number, now: Date, cameraTrusted: boolean): FrameRule | null {
    if (!cameraTrusted) return { decision: 'device_untrusted', lockout: null };
    const flood = this.lockout.terminalLock(now.getTime());
    if (flood) return { decision: 'locked_out', lockout: flood };
    if (faceCount > this.policy().maxFaces) return { decision: 'multiple_faces', lockout: null };
    return null;
  }

  /**
   * The index of the face this frame's decision is about (the largest, nearest the door), or
   * -1 when the number of faces decides the frame: only that face needs liveness.
   */
  judgedFace(boxes: readonly TrackBox[]): number {
    return boxes.length <= this.policy().maxFaces ? largestIndex(boxes) : -1;
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
      ...frameLevel('challenge_timeout', []),
      trackId: id,
      newlyFinal: true,
      challengeOutcome: outcome,
    });
  }

  /** Refusals of challenges whose face left before answering, each to be audited once. */
  takeAbandoned(): DoorDecision[] {
    const out = this.abandoned;
    this.abandoned = [];
    return out;
  }

  /** The flood guard's terminal-wide lock is on. */
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
      t = newTrackState();
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
