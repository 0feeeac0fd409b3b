import { describe, expect, it } from 'vitest';
import type { ChallengeAction } from '../../../shared/challenge';
import {
  DEFAULT_CHALLENGE_SETTINGS,
  type ChallengeSettings,
} from '../challenge/challenge-settings';
import type { PoseSample } from '../challenge/pose-sample';
import { DEFAULT_ACCESS_POLICY } from './access-policy.schema';
import { DoorDecisionEngine } from './door-decision-engine';
import type {
  DoorDecision,
  FaceObservation,
  FaceVerdict,
  LivenessReading,
} from './door-decision.types';

/** The decision engine with the active challenge (issue 12): when asked, what ends it. */
const alice = { id: 'alice-id', name: 'Alice' };
const bob = { id: 'bob-id', name: 'Bob' };
const box = { x1: 100, y1: 100, x2: 200, y2: 220 };
const T0 = new Date('2026-12-02T10:30:00Z').getTime();

/** A reading whose passive PAD score is `pad` (bands 0.2 / 0.5 for the test). */
const reading = (
  verdict: LivenessReading['verdict'],
  pad: number,
  settled = true,
): LivenessReading => ({
  verdict,
  settled,
  score: 0.5,
  components: {},
  passive: {
    band: pad < 0.2 ? 'spoof' : pad >= 0.5 ? 'clear_live' : 'uncertain',
    score: pad,
    textureNet: pad,
    spoofBelow: 0.2,
    clearLiveMin: 0.5,
    origin: 'model_default',
  },
  reasons: [],
});
const CLEAR = reading('live', 0.95);
const THIN = reading('live', 0.3);
const UNSURE = reading('inconclusive', 0.4);
const SPOOF = reading('spoof', 0.01);

const facing: PoseSample = { yawDeg: 0, pitchDeg: 0, ear: 0.3 };
const left: PoseSample = { yawDeg: 30, pitchDeg: 0, ear: 0.3 };
const right: PoseSample = { yawDeg: -30, pitchDeg: 0, ear: 0.3 };

const alicePass: FaceVerdict = { decision: 'granted', person: alice, similarity: 0.7 };
const bobPass: FaceVerdict = { decision: 'granted', person: bob, similarity: 0.7 };

function setup(asked: ChallengeAction[], over: Partial<ChallengeSettings> = {}) {
  const settings = { ...DEFAULT_CHALLENGE_SETTINGS, ...over };
  const e = new DoorDecisionEngine(
    () => ({ ...DEFAULT_ACCESS_POLICY, agreeFrames: 1, timeZone: 'UTC' }),
    { settings: () => settings, chooser: () => asked, blinkClosedRatio: () => 0.7 },
  );
  let t = T0;
  /** One frame 100 ms after the previous one. */
  const frame = (
    liveness: LivenessReading | null,
    pose: PoseSample | null,
    verdict: FaceVerdict = alicePass,
    trackId = 1,
  ): DoorDecision => {
    t += 100;
    const faces: FaceObservation[] = [{ trackId, box, verdict, liveness, pose }];
    return e.decide(faces, {
      now: new Date(t),
      cameraTrusted: true,
      liveTrackIds: new Set([trackId]),
    });
  };
  const empty = (ms: number): DoorDecision => {
    t += ms;
    return e.decide([], { now: new Date(t), cameraTrusted: true, liveTrackIds: new Set() });
  };
  return { e, frame, empty };
}

describe('DoorDecisionEngine with the active challenge', () => {
  it('grants a clearly live face without a challenge, but challenges a thin or unsure one', () => {
    expect(setup(['turn_left']).frame(CLEAR, facing).decision).toBe('granted');
    for (const r of [THIN, UNSURE]) {
      const d = setup(['turn_left']).frame(r, facing);
      expect(d.phase).toBe('challenge');
      expect(d.decision).toBeNull();
      expect(d.challenge).toEqual({ actions: ['turn_left'], step: 0, remainingMs: 8_000 });
    }
    // mode always: even a clearly live face answers; mode off: the passive rule alone.
    expect(setup(['turn_left'], { mode: 'always' }).frame(CLEAR, facing).phase).toBe('challenge');
    expect(setup(['turn_left'], { mode: 'off' }).frame(THIN, facing).decision).toBe('granted');
    expect(setup(['turn_left'], { mode: 'off' }).frame(UNSURE, facing).phase).toBe('blink_please');
  });

  it('grants once the asked actions are done in order, and audits the outcome', () => {
    const { frame } = setup(['turn_left', 'turn_right']);
    expect(frame(UNSURE, facing).phase).toBe('challenge');
    expect(frame(UNSURE, left).challenge?.step).toBe(1);
    expect(frame(UNSURE, facing).phase).toBe('challenge');
    const d = frame(UNSURE, right);
    expect(d).toMatchObject({
      phase: 'decided',
      decision: 'granted',
      person: alice,
      newlyFinal: true,
    });
    expect(d.challengeOutcome).toMatchObject({ result: 'passed', completed: 2 });
    // Decided once: the next frames repeat it without a new audit row.
    expect(frame(UNSURE, facing).newlyFinal).toBe(false);
  });

  it('refuses the wrong action (challenge_failed), naming nobody, and counts it for the lockout', () => {
    const { e, frame } = setup(['turn_left']);
    frame(UNSURE, facing);
    const d = frame(UNSURE, right);
    expect(d).toMatchObject({ decision: 'challenge_failed', person: null, newlyFinal: true });
    expect(d.challengeOutcome).toMatchObject({ result: 'failed', seen: 'turn_right' });
    expect(e.terminalLocked(new Date(T0))).toBe(false);
  });

  it('refuses on timeout, by the station clock; a late answer does not count', () => {
    const { frame } = setup(['turn_left'], { timeLimitMs: 2_000 });
    frame(UNSURE, facing);
    for (let i = 0; i < 20; i++) expect(frame(UNSURE, facing).phase).toBe('challenge');
    const d = frame(UNSURE, left);
    expect(d).toMatchObject({ decision: 'challenge_timeout', person: null });
    expect(d.challengeOutcome).toMatchObject({ result: 'timeout', completed: 0 });
  });

  it('a face that leaves mid-challenge is refused as a timeout, for the caller to audit', () => {
    const { e, frame, empty } = setup(['turn_left']);
    frame(UNSURE, facing);
    expect(e.takeAbandoned()).toEqual([]);
    empty(100);
    const gone = e.takeAbandoned();
    expect(gone).toHaveLength(1);
    expect(gone[0]).toMatchObject({ decision: 'challenge_timeout', person: null, trackId: 1 });
    expect(gone[0]?.challengeOutcome).toMatchObject({ result: 'abandoned' });
    expect(e.takeAbandoned()).toEqual([]);
    // A new camera stream (page reload) mid-challenge: the same.
    frame(UNSURE, facing, alicePass, 2);
    e.resetTracks(new Date(T0));
    expect(e.takeAbandoned()).toHaveLength(1);
  });

  it('the passive check keeps running: a settled spoof during the challenge is refused', () => {
    const { frame } = setup(['turn_left']);
    frame(UNSURE, facing);
    expect(frame(SPOOF, left).decision).toBe('spoof_suspected');
  });

  it('too little motion (missing evidence) is asked a challenge, never refused or granted outright', () => {
    // liveness-fusion.ts: no_micro_motion outside the passive spoof band settles inconclusive.
    // A person standing still answers; a photo held still cannot, and its timeout is a refusal.
    const still = { ...reading('inconclusive', 0.9), reasons: ['no_micro_motion'] };
    const asked = setup(['turn_left']);
    expect(asked.frame(still, facing).phase).toBe('challenge');
    expect(asked.frame(still, left)).toMatchObject({ decision: 'granted', person: alice });
    const photo = setup(['turn_left']);
    expect(photo.frame(still, facing).phase).toBe('challenge');
    let d = photo.frame(still, facing);
    for (let i = 0; i < 100 && d.phase === 'challenge'; i++) d = photo.frame(still, facing);
    expect(d).toMatchObject({ decision: 'challenge_timeout', person: null });
  });

  it('clearly live texture with motion a swayed photo also shows is asked, not granted', () => {
    const flatLike = { ...reading('inconclusive', 0.95), reasons: ['incoherent_motion'] };
    const { frame } = setup(['blink_twice']);
    expect(frame(flatLike, facing).phase).toBe('challenge');
    expect(frame(flatLike, facing).decision).not.toBe('granted');
  });

  it('positive spoof evidence refuses at once, with no challenge in any mode', () => {
    for (const reasons of [['passive_spoof'], ['planar_motion'], ['frozen_stream']]) {
      const attack = { ...reading('spoof', 0.7), reasons };
      for (const mode of ['when_uncertain', 'always'] as const) {
        const d = setup(['turn_left'], { mode }).frame(attack, facing);
        expect(d).toMatchObject({ decision: 'spoof_suspected', challenge: null });
      }
    }
  });

  it('another enrolled person recognised in the challenged track fails the challenge', () => {
    const { frame } = setup(['turn_left']);
    frame(UNSURE, facing);
    // Turned heads are often not recognised: an "unknown" frame is no reason to refuse.
    const unknown: FaceVerdict = { decision: 'unknown_face', person: null, similarity: 0.2 };
    expect(frame(UNSURE, facing, unknown).phase).toBe('challenge');
    expect(frame(UNSURE, facing, bobPass).decision).toBe('challenge_failed');
  });

  it('frames without a pose measurement neither advance nor fail the challenge', () => {
    const { frame } = setup(['turn_left']);
    frame(UNSURE, facing);
    for (let i = 0; i < 5; i++) expect(frame(UNSURE, null).challenge?.step).toBe(0);
    expect(frame(UNSURE, left).decision).toBe('granted');
  });
});
