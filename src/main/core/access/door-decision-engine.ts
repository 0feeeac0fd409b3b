import type { DecisionReason, PersonRef } from '../../../shared/domain';
import type { FaceVerdict } from './access-decision';
import type { AccessPolicy } from './access-policy.schema';
import { withinSchedule } from './access-schedule';
import { FailureLockout } from './failure-lockout';
import type { TrackBox } from './face-tracker';

/** What liveness said so far about one tracked face. */
export interface LivenessReading {
  verdict: 'live' | 'spoof' | 'inconclusive';
  /** True once the window is full: 'inconclusive' then means "ask for a blink", not "wait". */
  settled: boolean;
  score: number;
  components: Record<string, number | null>;
}

export interface FaceObservation {
  trackId: number;
  box: TrackBox;
  /** Single-frame identity verdict (access-decision.ts decideFace). */
  verdict: FaceVerdict;
  liveness: LivenessReading | null;
}

/** What the terminal shows while evidence accumulates, and once it is decided. */
export type DoorPhase = 'idle' | 'looking' | 'hold_still' | 'blink_please' | 'decided';

export interface DoorDecision {
  phase: DoorPhase;
  /** Final or advisory reason; null while waiting for more frames. */
  decision: DecisionReason | null;
  person: PersonRef | null;
  similarity: number;
  /** Best other person's similarity (-1 none; null when not measured). */
  runnerUp: number | null;
  trackId: number | null;
  liveness: LivenessReading | null;
  /** True on exactly one frame per tracked face: audit it, and open the door if granted. */
  newlyFinal: boolean;
  /**
   * A grant of the person the same track was granted for before, decided again once that
   * decision was FINAL_TTL_MS old: they never left. It opens the door again (see docs/DOOR.md,
   * "A person who stays") and its audit row says so.
   */
  regrant: boolean;
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
}

/**
 * A decision sticks to its track for this long, then the face is judged afresh: a track can
 * outlive the person (someone else steps into the same spot while the first walks off), so a
 * grant must not be inherited indefinitely; a person who lingers is simply decided again.
 */
const FINAL_TTL_MS = 10_000;

/** Reasons that count towards the lockout: someone tried and was refused. */
const FAILURES: ReadonlySet<DecisionReason> = new Set(['unknown_face', 'spoof_suspected']);

/**
 * The one place that turns per-frame evidence into the door's decision (deny by default).
 * Per tracked face it waits for `agreeFrames` frames that agree on one person and for a live
 * liveness verdict, then decides once; the decision sticks to that track so a person standing
 * at the door is not re-admitted or re-logged every frame. Order of rules (first match wins):
 * untrusted camera, lockout, no face, too many faces, track already decided, too small / poor
 * quality (advice, not a decision), settled spoof, identity votes, liveness, schedule.
 */
export class DoorDecisionEngine {
  private readonly tracks = new Map<number, TrackState>();
  private readonly lockout: FailureLockout;

  constructor(private readonly policy: () => AccessPolicy) {
    this.lockout = new FailureLockout(() => this.policy().lockout);
  }

  decide(
    faces: readonly FaceObservation[],
    ctx: {
      now: Date;
      /**
       * The frame's capture time on its stream's clock (ms), what FINAL_TTL_MS is measured in:
       * a recording replayed faster or slower than real time (`station access`) keeps its
       * decisions for 10 s of video, not of however long the replay took. Default: now.
       */
      atMs?: number;
      cameraTrusted: boolean;
      liveTrackIds: ReadonlySet<number>;
    },
  ): DoorDecision {
    for (const id of this.tracks.keys()) if (!ctx.liveTrackIds.has(id)) this.tracks.delete(id);
    const p = this.policy();
    const nowMs = ctx.now.getTime();
    const atMs = ctx.atMs ?? nowMs;
    if (!ctx.cameraTrusted) return frameLevel('device_untrusted', faces);
    if (this.lockout.isLocked(nowMs)) return frameLevel('locked_out', faces);
    if (faces.length === 0) return { ...pending('idle', null, null), decision: 'no_face' };
    if (faces.length > p.maxFaces) return frameLevel('multiple_faces', faces);

    const face = largest(faces);
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
    return this.decideTrack(current, face, p, ctx.now, atMs);
  }

  private decideTrack(
    track: TrackState,
    face: FaceObservation,
    p: AccessPolicy,
    now: Date,
    atMs: number,
  ): DoorDecision {
    const nowMs = now.getTime();
    const at = { nowMs, atMs };

    const v = face.verdict;
    if (v.decision === 'face_too_small' || v.decision === 'poor_quality')
      return { ...pending('looking', face, face.liveness), decision: v.decision };

    track.frames += 1;
    track.votes.push(v.decision === 'granted' && v.person ? v.person.id : null);
    if (v.person) track.people.set(v.person.id, v.person);
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
    if (p.requireLiveness && live?.verdict !== 'live') {
      if (outOfFrames) return this.finish(track, face, 'spoof_suspected', null, at);
      return pending(live?.settled ? 'blink_please' : 'hold_still', face, live);
    }
    if (person && !withinSchedule(p, person.id, now))
      return this.finish(track, face, 'outside_schedule', person, at);
    return this.finish(track, face, 'granted', person, at);
  }

  lockedOut(now: Date): boolean {
    return this.lockout.isLocked(now.getTime());
  }

  /** The final decision already taken about this tracked face, if any. */
  finalOf(trackId: number, atMs: number): DoorDecision | null {
    const t = this.tracks.get(trackId);
    return t?.final && atMs - t.finalAtMs < FINAL_TTL_MS && atMs >= t.finalAtMs ? t.final : null;
  }

  /** A new camera stream: per-face evidence and decisions go; the lockout stays (a reload must not lift it). */
  resetTracks(): void {
    this.tracks.clear();
  }

  /** Admin action from the terminal's operator: lift a lockout early. */
  resetLockout(): void {
    this.lockout.reset();
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
    /** Wall clock (the lockout survives stream restarts) and the frame's stream time (TTL). */
    at: { nowMs: number; atMs: number },
  ): DoorDecision {
    // A refusal never names anyone: the terminal must not tell a stranger whom they resemble.
    const named = decision === 'granted' || decision === 'outside_schedule' ? person : null;
    const d: DoorDecision = {
      phase: 'decided',
      decision,
      person: named,
      similarity: face.verdict.similarity,
      runnerUp: face.verdict.runnerUp ?? null,
      trackId: face.trackId,
      liveness: face.liveness,
      newlyFinal: true,
      regrant:
        decision === 'granted' &&
        track.previous?.decision === 'granted' &&
        track.previous.identity === (person?.id ?? null),
    };
    track.final = d;
    track.finalAtMs = at.atMs;
    track.decidedIdentity = agreedIdentity(track.votes, this.policy().agreeFrames);
    if (FAILURES.has(decision)) this.lockout.recordFailure(at.nowMs);
    return d;
  }
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

/**
 * The person the last `k` votes agree on; null when the last `k` votes all say "unknown";
 * undefined while undecided (too few votes, or they disagree).
 */
function agreedIdentity(votes: readonly (string | null)[], k: number): string | null | undefined {
  if (votes.length < k) return undefined;
  const last = votes.slice(-k);
  const first = last[0];
  if (first === undefined || !last.every((v) => v === first)) return undefined;
  return first;
}

function largest(faces: readonly FaceObservation[]): FaceObservation {
  const area = (f: FaceObservation): number => (f.box.x2 - f.box.x1) * (f.box.y2 - f.box.y1);
  return faces.reduce((a, b) => (area(b) > area(a) ? b : a));
}

function pending(
  phase: DoorPhase,
  face: FaceObservation | null,
  liveness: LivenessReading | null,
): DoorDecision {
  return {
    phase,
    decision: null,
    person: null,
    similarity: face?.verdict.similarity ?? -1,
    runnerUp: face?.verdict.runnerUp ?? null,
    trackId: face?.trackId ?? null,
    liveness,
    newlyFinal: false,
    regrant: false,
  };
}

/** A decision about the whole frame (not one track): the caller debounces its audit rows. */
function frameLevel(decision: DecisionReason, faces: readonly FaceObservation[]): DoorDecision {
  const similarity = faces.length ? Math.max(...faces.map((f) => f.verdict.similarity)) : -1;
  return {
    phase: 'decided',
    decision,
    person: null,
    similarity,
    runnerUp: null,
    trackId: null,
    liveness: null,
    newlyFinal: false,
    regrant: false,
  };
}
