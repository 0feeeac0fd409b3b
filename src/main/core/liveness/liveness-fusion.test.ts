import { describe, expect, it } from 'vitest';
import { fuseLiveness, type LivenessEvidence } from './liveness-fusion';
import {
  DEFAULT_LIVENESS_SETTINGS as S,
  livenessSettingsSchema,
  parseLivenessSettings,
} from './liveness-settings';

/** Evidence of a clearly live face; each test spoils one part of it. */
const LIVE: LivenessEvidence = {
  frames: S.windowFrames,
  spanMs: S.windowMs,
  texture: 0.9,
  motion: 0.006,
  rigidMotion: 0.004,
  blink: 0,
  blinked: false,
  identicalRun: 1,
  timeAnomaly: false,
};

function fuse(patch: Partial<LivenessEvidence>) {
  return fuseLiveness({ ...LIVE, ...patch }, S);
}

describe('liveness fusion rule', () => {
  it('is live when texture and motion both pass and keeps every component', () => {
    const v = fuse({});
    expect(v.verdict).toBe('live');
    expect(v.reasons).toEqual([]);
    expect(v.components).toEqual({ texture: 0.9, motion: 1, blink: 0 });
    expect(v.score).toBeCloseTo(S.weights.texture * 0.9 + S.weights.motion, 10);
    expect(v.frames).toBe(S.windowFrames);
  });

  it('waits for a full window before any texture/motion verdict', () => {
    expect(fuse({ frames: S.windowFrames - 1 })).toMatchObject({
      verdict: 'inconclusive',
      reasons: ['collecting'],
    });
    expect(fuse({ frames: S.windowFrames - 1, texture: 0 }).verdict).toBe('inconclusive');
  });

  it('AND: a spoof texture alone makes a spoof, however lively the motion (replay)', () => {
    const v = fuse({ texture: S.textureSpoofBelow / 2, motion: 0.02, blink: 1, blinked: true });
    expect(v.verdict).toBe('spoof');
    expect(v.reasons).toContain('texture_spoof');
  });

  it('AND: no micro-motion alone makes a spoof, however live the texture (still photo)', () => {
    const v = fuse({ texture: 1, motion: S.motionSpoofBelow / 2 });
    expect(v.verdict).toBe('spoof');
    expect(v.reasons).toContain('no_micro_motion');
  });

  it('when enabled, flags a face moving like a flat object (photo waved at the camera)', () => {
    const on = { ...S, planarMinRigid: 0.006, planarRatioBelow: 0.2 };
    const waved = fuseLiveness({ ...LIVE, rigidMotion: 0.012, motion: 0.002 }, on);
    expect(waved.verdict).toBe('spoof');
    expect(waved.reasons).toContain('planar_motion');
    // Little rigid motion is not judged planar; nor is anything with the rule off (default).
    expect(fuseLiveness({ ...LIVE, rigidMotion: 0.003, motion: 0.002 }, on).verdict).toBe('live');
    expect(fuse({ rigidMotion: 0.012, motion: 0.002 }).verdict).toBe('live');
  });

  it('a frozen stream or time running backwards is a spoof at once, even before a full window', () => {
    expect(fuse({ identicalRun: S.maxIdenticalFrames, frames: 3 })).toMatchObject({
      verdict: 'spoof',
      reasons: ['frozen_stream'],
    });
    expect(fuse({ timeAnomaly: true }).reasons).toContain('time_anomaly');
  });

  it('between the spoof and live levels the verdict is inconclusive, never live', () => {
    const midTexture = (S.textureSpoofBelow + S.textureLiveMin) / 2;
    expect(fuse({ texture: midTexture })).toMatchObject({
      verdict: 'inconclusive',
      reasons: ['texture_uncertain'],
    });
    const midMotion = (S.motionSpoofBelow + S.motionLiveMin) / 2;
    expect(fuse({ motion: midMotion }).reasons).toContain('motion_uncertain');
    expect(fuse({ motion: Number.NaN })).toMatchObject({
      verdict: 'inconclusive',
      reasons: ['motion_unmeasured'],
    });
  });

  it('needs the weighted score too; a blink raises the score but cannot override a spoof', () => {
    const strict = { ...S, scoreLiveMin: 0.95 };
    expect(fuseLiveness({ ...LIVE }, strict).verdict).toBe('inconclusive');
    expect(fuseLiveness({ ...LIVE, texture: 1, blink: 1, blinked: true }, strict)).toMatchObject({
      verdict: 'live',
      reasons: ['blink_seen'],
    });
  });
});

describe('liveness settings', () => {
  it('accepts the defaults and rejects inconsistent or out-of-range values', () => {
    expect(parseLivenessSettings(S)).toEqual(S);
    expect(livenessSettingsSchema.safeParse({ ...S, textureSpoofBelow: 0.9 }).success).toBe(false);
    expect(
      livenessSettingsSchema.safeParse({ ...S, weights: { texture: 1, motion: 1, blink: 0 } })
        .success,
    ).toBe(false);
    expect(livenessSettingsSchema.safeParse({ ...S, windowFrames: 1 }).success).toBe(false);
    expect(livenessSettingsSchema.safeParse({ ...S, extra: 1 }).success).toBe(false);
  });
});
