import { describe, expect, it } from 'vitest';
import { DECISIONS, type DecisionReason } from '../../../shared/domain';
import { DEFAULT_ACCESS_POLICY, type AccessPolicy } from './access-policy.schema';
import {
  DEFAULT_CHALLENGE_SETTINGS,
  type ChallengeSettings,
} from '../challenge/challenge-settings';
import { DoorDecisionEngine, unanalysedVerdict } from './door-decision-engine';
import type {
  DoorDecision,
  FaceObservation,
  FaceVerdict,
  LivenessReading,
} from './door-decision.types';

const alice = { id: 'alice-id', name: 'Alice' };
const bob = { id: 'bob-id', name: 'Bob' };
const box = { x1: 100, y1: 100, x2: 200, y2: 220 };
function passive(band: LivenessReading['passive']['band'], score: number) {
  const bands = { spoofBelow: 0.2, clearLiveMin: 0.5, origin: 'model_default' as const };
  return { band, score, textureNet: score, ...bands };
}
const LIVE: LivenessReading = {
  verdict: 'live',
  settled: true,
  score: 0.9,
  components: {},
  passive: passive('clear_live', 0.9),
  reasons: [],
};
const SPOOF: LivenessReading = {
  verdict: 'spoof',
  settled: true,
  score: 0.1,
  components: {},
  passive: passive('spoof', 0.1),
  reasons: ['passive_spoof'],
};
const WAIT: LivenessReading = {
  verdict: 'inconclusive',
  settled: false,
  score: 0.5,
  components: {},
  passive: passive('uncertain', 0.3),
  reasons: ['collecting'],
};
const UNSURE: LivenessReading = {
  verdict: 'inconclusive',
  settled: true,
  score: 0.5,
  components: {},
  passive: passive('uncertain', 0.3),
  reasons: ['passive_uncertain'],
};
// Wednesday 2026-12-02 10:30 UTC
const WED_1030 = new Date('2026-12-02T10:30:00Z');

function granted(person = alice, similarity = 0.7): FaceVerdict {
  return { decision: 'granted', person, similarity };
}
const unknown: FaceVerdict = { decision: 'unknown_face', person: null, similarity: 0.2 };

function obs(
  verdict: FaceVerdict,
  liveness: LivenessReading | null = LIVE,
  trackId = 1,
): FaceObservation {
  return { trackId, box, verdict, liveness };
}

function engine(
  over: Partial<AccessPolicy> = {},
  challenge: Partial<ChallengeSettings> = {},
): DoorDecisionEngine {
  const policy: AccessPolicy = { ...DEFAULT_ACCESS_POLICY, timeZone: 'UTC', ...over };
  const settings = { ...DEFAULT_CHALLENGE_SETTINGS, ...challenge };
  return new DoorDecisionEngine(() => policy, {
    settings: () => settings,
    chooser: (allowed, n) => allowed.slice(0, n),
    blinkClosedRatio: () => 0.7,
  });
}

function run(
  e: DoorDecisionEngine,
  frames: FaceObservation[][],
  ctx: { now?: Date; cameraTrusted?: boolean } = {},
): DoorDecision[] {
  return frames.map((faces) =>
    e.decide(faces, {
      now: ctx.now ?? WED_1030,
      cameraTrusted: ctx.cameraTrusted ?? true,
      liveTrackIds: new Set(faces.map((f) => f.trackId)),
    }),
  );
}

describe('DoorDecisionEngine', () => {
  it('grants only after agreeFrames frames agree and liveness is live, exactly once per track', () => {
    const out = run(engine({ agreeFrames: 3 }), [
      [obs(granted())],
      [obs(granted())],
      [obs(granted())],
      [obs(granted())],
    ]);
    expect(out.map((d) => d.decision)).toEqual([null, null, 'granted', 'granted']);
    expect(out.map((d) => d.newlyFinal)).toEqual([false, false, true, false]);
    expect(out[2]?.person).toEqual(alice);
  });

  it('does not grant when the window disagrees about the person', () => {
    const out = run(engine({ agreeFrames: 3 }), [
      [obs(granted(alice))],
      [obs(granted(bob))],
      [obs(granted(alice))],
    ]);
    expect(out.every((d) => d.decision === null)).toBe(true);
  });

  it('unknown_face when agreeFrames frames say unknown; no name is shown', () => {
    const out = run(engine({ agreeFrames: 2 }), [[obs(unknown)], [obs(unknown)]]);
    expect(out[1]).toMatchObject({ decision: 'unknown_face', person: null, newlyFinal: true });
  });

  it('spoof_suspected as soon as settled liveness says spoof, even for an enrolled person', () => {
    const out = run(engine(), [[obs(granted(), WAIT)], [obs(granted(), SPOOF)]]);
    expect(out[1]).toMatchObject({ decision: 'spoof_suspected', person: null });
  });

  it('without the active challenge: holds still while undecided, asks for a blink when inconclusive', () => {
    const e = engine({ agreeFrames: 1, maxFramesPerDecision: 4 }, { mode: 'off' });
    const out = run(e, [
      [obs(granted(), WAIT)],
      [obs(granted(), UNSURE)],
      [obs(granted(), UNSURE)],
      [obs(granted(), UNSURE)],
    ]);
    expect(out.map((d) => d.phase)).toEqual([
      'hold_still',
      'blink_please',
      'blink_please',
      'decided',
    ]);
    expect(out[3]?.decision).toBe('spoof_suspected');
  });

  it('grants without liveness only when the policy says liveness is not required', () => {
    expect(
      run(engine({ agreeFrames: 1, requireLiveness: false }), [[obs(granted(), null)]])[0]
        ?.decision,
    ).toBe('granted');
    expect(run(engine({ agreeFrames: 1 }), [[obs(granted(), null)]])[0]?.decision).toBeNull();
  });

  it('multiple_faces when more faces than allowed, whoever they are', () => {
    const two = [
      obs(granted(alice), LIVE, 1),
      { ...obs(granted(bob), LIVE, 2), box: { x1: 300, y1: 100, x2: 380, y2: 200 } },
    ];
    expect(run(engine({ agreeFrames: 1 }), [two])[0]).toMatchObject({
      decision: 'multiple_faces',
      person: null,
    });
    // With the tailgating guard relaxed, the largest face is decided.
    expect(run(engine({ agreeFrames: 1, maxFaces: 2 }), [two])[0]).toMatchObject({
      decision: 'granted',
      person: alice,
    });
  });

  it('several faces: nobody is named even if one is enrolled; the best similarity is reported', () => {
    const two = [
      obs(granted(alice, 0.7), LIVE, 1),
      { ...obs(unknown, LIVE, 2), box: { x1: 300, y1: 100, x2: 380, y2: 200 } },
    ];
    expect(run(engine({ agreeFrames: 1 }), [two])[0]).toMatchObject({
      decision: 'multiple_faces',
      person: null,
      similarity: 0.7,
    });
  });

  it('frame-level rules are asked before any face is analysed, and name the judged face', () => {
    const e = engine({ maxFaces: 1 });
    const small = { x1: 0, y1: 0, x2: 50, y2: 50 };
    expect(e.frameRule(1, WED_1030, false)?.decision).toBe('device_untrusted');
    expect(e.frameRule(2, WED_1030, true)?.decision).toBe('multiple_faces');
    expect(e.frameRule(1, WED_1030, true)).toBeNull();
    expect(e.frameRule(0, WED_1030, true)).toBeNull();
    expect(e.judgedFace([small, box])).toBe(-1);
    expect(engine({ maxFaces: 2 }).judgedFace([small, box])).toBe(1);
    expect(e.judgedFace([box])).toBe(0);
    expect(e.judgedFace([])).toBe(-1);
    // A face not analysed is never a grant.
    expect(unanalysedVerdict(true)).toMatchObject({ decision: 'unknown_face', person: null });
    expect(unanalysedVerdict(false)).toMatchObject({ decision: 'face_too_small', person: null });
  });

  it('face_too_small and poor_quality are advice, not votes', () => {
    const small: FaceVerdict = { decision: 'face_too_small', person: null, similarity: -1 };
    const poor: FaceVerdict = { decision: 'poor_quality', person: null, similarity: -1 };
    const out = run(engine({ agreeFrames: 2 }), [
      [obs(small)],
      [obs(poor)],
      [obs(granted())],
      [obs(granted())],
    ]);
    expect(out.map((d) => d.decision)).toEqual(['face_too_small', 'poor_quality', null, 'granted']);
  });

  it('outside_schedule for a person whose schedule is closed now; group schedules combine', () => {
    const policy: Partial<AccessPolicy> = {
      agreeFrames: 1,
      schedules: {
        office: [{ days: [1, 2, 3, 4, 5], from: '08:00', to: '18:00' }],
        night: [{ days: [3], from: '22:00', to: '24:00' }],
      },
      groups: { cleaners: [alice.id] },
      groupSchedules: { cleaners: 'night' },
    };
    expect(run(engine(policy), [[obs(granted())]])[0]).toMatchObject({
      decision: 'outside_schedule',
      person: alice,
    });
    expect(
      run(engine(policy), [[obs(granted())]], { now: new Date('2026-12-02T22:30:00Z') })[0]
        ?.decision,
    ).toBe('granted');
    // A personal schedule overrides the group's.
    const own = { ...policy, personSchedules: { [alice.id]: 'office' } };
    expect(run(engine(own), [[obs(granted())]])[0]?.decision).toBe('granted');
    // People without any schedule are not restricted.
    expect(run(engine(policy), [[obs(granted(bob))]])[0]?.decision).toBe('granted');
  });

  describe('lockout per face', () => {
    const STRANGER = new Float32Array([1, 0, 0]);
    // The same stranger seen again: another embedding, well above the verify threshold.
    const STRANGER_AGAIN = new Float32Array([0.8, 0.6, 0]);
    const ALICE = new Float32Array([0, 0, 1]);
    const face = (v: FaceVerdict, embedding: Float32Array, trackId: number, live = LIVE) => ({
      ...obs(v, live, trackId),
      embedding,
    });
    function lockoutEngine(flood = 20) {
      const e = engine({
        agreeFrames: 1,
        lockout: { maxFailures: 2, windowMs: 60_000, lockMs: 30_000, floodMaxFailures: flood },
      });
      const at = (s: number): Date => new Date(WED_1030.getTime() + s * 1000);
      const d = (faces: FaceObservation[], s: number): DoorDecision =>
        e.decide(faces, {
          now: at(s),
          cameraTrusted: true,
          liveTrackIds: new Set(faces.map((f) => f.trackId)),
        });
      return { e, d, at };
    }

    it('locks the face refused too often (same face on a new track), not the next person', () => {
      const { d } = lockoutEngine();
      expect(d([face(unknown, STRANGER, 1)], 0).decision).toBe('unknown_face');
      const second = d([face(unknown, STRANGER_AGAIN, 2, SPOOF)], 1);
      expect(second.decision).toBe('spoof_suspected');
      expect(second.lockout).toEqual({ scope: 'face', untilMs: WED_1030.getTime() + 31_000 });
      // The stranger steps out and back in: a new track, the same face, still locked.
      const again = d([face(unknown, STRANGER, 3)], 5);
      expect(again).toMatchObject({ decision: 'locked_out', person: null });
      expect(again.lockout?.scope).toBe('face');
      // Alice is not locked out by the stranger.
      expect(d([face(granted(), ALICE, 4)], 6).decision).toBe('granted');
      // After the lock the stranger is judged again.
      expect(d([face(unknown, STRANGER, 5)], 40).decision).toBe('unknown_face');
    });

    it('a flood of refusals of different faces pauses the terminal for everyone', () => {
      const { d } = lockoutEngine(3);
      const others = [0, 1, 2].map((i) => {
        const v = new Float32Array(3);
        v[i] = i === 2 ? -1 : 1;
        return v;
      });
      others.forEach((v, i) => d([face(unknown, v, 10 + i)], i));
      const blocked = d([face(granted(), ALICE, 20)], 4);
      expect(blocked.decision).toBe('locked_out');
      expect(blocked.lockout?.scope).toBe('terminal');
      expect(d([face(granted(), ALICE, 21)], 40).decision).toBe('granted');
    });

    it('a grant forgives the face its earlier refusals; the admin reset lifts every lock', () => {
      const { e, d, at } = lockoutEngine();
      d([face(unknown, ALICE, 1)], 0);
      expect(d([face(granted(), ALICE, 2)], 1).decision).toBe('granted');
      // One refusal after the grant does not lock: the one before it was forgiven.
      expect(d([face(unknown, ALICE, 3)], 12).decision).toBe('unknown_face');
      expect(d([face(granted(), ALICE, 4)], 13).decision).toBe('granted');
      d([face(unknown, STRANGER, 5)], 14);
      d([face(unknown, STRANGER, 6)], 15);
      expect(d([face(unknown, STRANGER, 7)], 16).decision).toBe('locked_out');
      expect(e.resetLockout(at(17))).toEqual({ lockedFaces: 1, terminalLocked: false });
      expect(d([face(unknown, STRANGER, 8)], 18).decision).toBe('unknown_face');
    });
  });

  it('device_untrusted for a refused camera, before anything else', () => {
    expect(
      run(engine({ agreeFrames: 1 }), [[obs(granted())]], { cameraTrusted: false })[0]?.decision,
    ).toBe('device_untrusted');
  });

  it('no_face for an empty frame; a new track after the person left is decided anew', () => {
    const e = engine({ agreeFrames: 1 });
    const out = run(e, [[obs(granted(), LIVE, 1)], [], [obs(granted(), LIVE, 2)]]);
    expect(out.map((d) => [d.decision, d.newlyFinal])).toEqual([
      ['granted', true],
      ['no_face', false],
      ['granted', true],
    ]);
  });

  it('a decision sticks to its track for a while, then the face is judged afresh', () => {
    const e = engine({ agreeFrames: 1 });
    const at = (s: number) => new Date(WED_1030.getTime() + s * 1000);
    const d = (s: number) =>
      e.decide([obs(granted())], { now: at(s), cameraTrusted: true, liveTrackIds: new Set([1]) });
    expect(d(0)).toMatchObject({ decision: 'granted', newlyFinal: true });
    expect(d(5)).toMatchObject({ decision: 'granted', newlyFinal: false });
    expect(e.finalOf(1, at(5).getTime())).not.toBeNull();
    expect(e.finalOf(1, at(11).getTime())).toBeNull();
    // Decided again: a grant of the same person on the same track is a regrant (docs/DOOR.md).
    expect(d(11)).toMatchObject({ decision: 'granted', newlyFinal: true, regrant: true });
  });

  it('measures how long a decision lasts on the clock of the frames, not the wall clock', () => {
    const e = engine({ agreeFrames: 1 });
    // A recording replayed slowly: 30 s of wall clock for 3 s of video.
    const d = (wallS: number, videoS: number) =>
      e.decide([obs(granted())], {
        now: new Date(WED_1030.getTime() + wallS * 1000),
        atMs: videoS * 1000,
        cameraTrusted: true,
        liveTrackIds: new Set([1]),
      });
    expect(d(0, 0)).toMatchObject({ newlyFinal: true, regrant: false });
    expect(d(30, 3)).toMatchObject({ newlyFinal: false });
    expect(d(31, 10.5)).toMatchObject({ newlyFinal: true, regrant: true });
  });

  it('someone else recognised in a decided track is decided anew (no inherited grant)', () => {
    const e = engine({ agreeFrames: 1 });
    const out = run(e, [[obs(granted(alice))], [obs(granted(alice))], [obs(granted(bob))]]);
    expect(out.map((d) => [d.decision, d.person?.name, d.newlyFinal])).toEqual([
      ['granted', 'Alice', true],
      ['granted', 'Alice', false],
      ['granted', 'Bob', true],
    ]);
    // A refused stranger's track: the enrolled person stepping in is decided, not refused.
    const e2 = engine({ agreeFrames: 1 });
    const out2 = run(e2, [[obs(unknown)], [obs(granted(alice))]]);
    expect(out2.map((d) => d.decision)).toEqual(['unknown_face', 'granted']);
  });

  it('covers every reason of the closed set', () => {
    const covered: DecisionReason[] = [
      'granted',
      'unknown_face',
      'spoof_suspected',
      'multiple_faces',
      'face_too_small',
      'poor_quality',
      'outside_schedule',
      'locked_out',
      'device_untrusted',
      'no_face',
      // door-challenge.test.ts
      'challenge_failed',
      'challenge_timeout',
    ];
    expect([...covered].sort()).toEqual([...DECISIONS].sort());
  });
});
