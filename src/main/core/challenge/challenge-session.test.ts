import { describe, expect, it } from 'vitest';
import type { ChallengeAction } from '../../../shared/challenge';
import { ChallengeSession } from './challenge-session';
import { poseReference, type PoseSample } from './pose-sample';

const RULES = { timeLimitMs: 8_000, turnDeg: 20, blinkClosedRatio: 0.7 };
const REF = { yawDeg: 0, pitchDeg: 0, openEar: 0.3 };

const facing: PoseSample = { yawDeg: 1, pitchDeg: 2, ear: 0.3 };
const left: PoseSample = { yawDeg: 30, pitchDeg: 0, ear: 0.3 };
const right: PoseSample = { yawDeg: -30, pitchDeg: 0, ear: 0.3 };
const up: PoseSample = { yawDeg: 0, pitchDeg: 28, ear: 0.25 };
const halfLeft: PoseSample = { yawDeg: 14, pitchDeg: 0, ear: 0.3 };
const closed: PoseSample = { yawDeg: 0, pitchDeg: 0, ear: 0.1 };

/** Feeds samples 100 ms apart from t = 0; returns the last status. */
function play(actions: ChallengeAction[], samples: (PoseSample | null)[], ref = REF) {
  const s = new ChallengeSession(actions, ref, RULES, 0);
  let status = s.current(0);
  samples.forEach((x, i) => (status = s.observe(x, (i + 1) * 100)));
  return status;
}

describe('ChallengeSession', () => {
  it('passes a turn to the asked side that starts from facing the camera', () => {
    expect(play(['turn_left'], [facing, halfLeft, left])).toMatchObject({ state: 'passed' });
    expect(play(['turn_right'], [facing, right])).toMatchObject({ state: 'passed' });
    expect(play(['look_up'], [facing, up])).toMatchObject({ state: 'passed' });
  });

  it('fails a turn to the other side, or another movement than the one asked', () => {
    expect(play(['turn_left'], [facing, right])).toMatchObject({
      state: 'failed',
      step: 0,
      seen: 'turn_right',
    });
    expect(play(['blink_twice'], [facing, up])).toMatchObject({ state: 'failed', seen: 'look_up' });
  });

  it('ignores a head already turned when asked: it must face the camera first', () => {
    // Turned right when the challenge starts: not a failure, and no credit for a left turn yet.
    expect(play(['turn_left'], [right, right, left])).toMatchObject({ state: 'running' });
    expect(play(['turn_left'], [right, facing, left])).toMatchObject({ state: 'passed' });
  });

  it('asks two actions in order, facing the camera again between them', () => {
    expect(play(['turn_left', 'turn_right'], [facing, left])).toMatchObject({
      state: 'running',
      step: 1,
    });
    // Coming back from the left turn passes through "right of where it was": not a failure.
    expect(
      play(['turn_left', 'turn_right'], [facing, left, halfLeft, facing, right]),
    ).toMatchObject({ state: 'passed' });
    // The second action before the first: failed (a recording does not know the order).
    expect(play(['turn_left', 'turn_right'], [facing, right])).toMatchObject({ state: 'failed' });
  });

  it('counts two blinks while facing the camera; one is not enough', () => {
    expect(play(['blink_twice'], [facing, closed, facing])).toMatchObject({ state: 'running' });
    expect(play(['blink_twice'], [facing, closed, facing, closed, facing])).toMatchObject({
      state: 'passed',
    });
    // Eyes closed for several frames is one blink, not many.
    expect(play(['blink_twice'], [facing, closed, closed, closed, facing])).toMatchObject({
      state: 'running',
    });
  });

  it('ignores blinks during a turn step and frames without a measurement', () => {
    expect(play(['turn_left'], [facing, closed, facing, closed, facing, null])).toMatchObject({
      state: 'running',
      step: 0,
    });
  });

  it('times out on the clock: an answer after the limit does not count', () => {
    const s = new ChallengeSession(['turn_left'], REF, RULES, 1_000);
    expect(s.observe(facing, 2_000)).toMatchObject({ state: 'running', remainingMs: 7_000 });
    expect(s.observe(left, 9_001)).toMatchObject({ state: 'timeout', step: 0 });
    // Final: later frames change nothing.
    expect(s.observe(left, 9_100)).toMatchObject({ state: 'timeout' });
  });

  it('takes "facing the camera" from the recognised frames, within a camera bias', () => {
    const ref = poseReference([
      { yawDeg: 8, pitchDeg: -12, ear: 0.28 },
      { yawDeg: 10, pitchDeg: -10, ear: 0.3 },
      { yawDeg: 9, pitchDeg: -11, ear: 0.31 },
    ]);
    expect(ref.yawDeg).toBe(9);
    expect(ref.pitchDeg).toBe(-11);
    // Someone recognised while looking far to the side must still face the camera first.
    expect(poseReference([{ yawDeg: 40, pitchDeg: 0, ear: 0.3 }]).yawDeg).toBe(15);
    // A turn of 20 degrees from 9 degrees is reached at 29, not at 20.
    expect(play(['turn_left'], [facing, { ...left, yawDeg: 25 }], ref)).toMatchObject({
      state: 'running',
    });
  });
});
