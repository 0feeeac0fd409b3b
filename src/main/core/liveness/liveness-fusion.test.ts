import { describe, expect, it } from 'vitest';
import { fuseLiveness, type LivenessEvidence } from './liveness-fusion';
import {
  DEFAULT_LIVENESS_SETTINGS as S,
  livenessSettingsSchema,
  parseLivenessSettings,
} from './liveness-settings';
import type { PassiveThresholds } from './passive-assessment';

/** Passive bands as a weights file would ship them. */
const BANDS: PassiveThresholds = { spoofBelow: 0.2, clearLiveMin: 0.5, origin: 'model_default' };

/** Evidence of a clearly live face; each test spoils one part of it. */
const LIVE: LivenessEvidence = {
  frames: S.windowFrames,
  spanMs: S.windowMs,
  passive: { padModel: 0.9, textureNet: 0.7 },
  motion: 0.006,
  rigidMotion: 0.004,
  motionCoherence: 0.3,
  blink: 0,
  blinked: false,
  identicalRun: 1,
  timeAnomaly: false,
};

function fuse(patch: Partial<LivenessEvidence>) {
  return fuseLiveness({ ...LIVE, ...patch }, S, BANDS);
}

const pad = (padModel: number) => ({ passive: { padModel, textureNet: 0.7 } });

describe('liveness fusion rule', () => {
  it('is live when passive and motion both pass and keeps every component', () => {
    const v = fuse({});
    expect(v.verdict).toBe('live');
    expect(v.reasons).toEqual([]);
    expect(v.components).toEqual({ texture: 0.9, motion: 1, blink: 0 });
    expect(v.passive).toEqual({
      band: 'clear_live',
      score: 0.9,
      thresholds: BANDS,
      components: { textureNet: 0.7, padModel: 0.9 },
      frames: S.windowFrames,
    });
    expect(v.score).toBeCloseTo(S.weights.texture * 0.9 + S.weights.motion, 10);
    expect(v.frames).toBe(S.windowFrames);
  });

  it('waits for a full window before any texture/motion verdict', () => {
    expect(fuse({ frames: S.windowFrames - 1 })).toMatchObject({
      verdict: 'inconclusive',
      reasons: ['collecting'],
    });
    expect(fuse({ frames: S.windowFrames - 1, ...pad(0) }).verdict).toBe('inconclusive');
  });

  it('AND: a passive spoof alone makes a spoof, however lively the motion (replay)', () => {
    const v = fuse({ ...pad(BANDS.spoofBelow / 2), motion: 0.02, blink: 1, blinked: true });
    expect(v.verdict).toBe('spoof');
    expect(v.reasons).toContain('passive_spoof');
    expect(v.passive.band).toBe('spoof');
  });

  it('too little micro-motion is missing evidence, not a spoof: inconclusive (a challenge)', () => {
    // A person standing still and a photo held still look alike here; only a challenge can tell.
    const still = { motion: S.motionSpoofBelow / 2 };
    const clear = fuse({ ...pad(1), ...still });
    expect(clear.verdict).toBe('inconclusive');
    expect(clear.reasons).toContain('no_micro_motion');
    expect(fuse({ ...pad((BANDS.spoofBelow + BANDS.clearLiveMin) / 2), ...still }).verdict).toBe(
      'inconclusive',
    );
    // With the passive score in its spoof band the same window is positive evidence: a spoof.
    const printed = fuse({ ...pad(BANDS.spoofBelow / 2), ...still });
    expect(printed.verdict).toBe('spoof');
    expect(printed.reasons).toEqual(expect.arrayContaining(['passive_spoof', 'no_micro_motion']));
  });

  it('motion a flat picture moved by hand also shows (incoherent residual) is not clearly live', () => {
    const on = { ...S, coherenceLiveMin: 0.18 };
    // tran_photo_swayed (bench/challenge-door.ts): clearly live texture, motion above its live
    // level, but a residual no more coherent than matching noise.
    const swayed = { ...LIVE, motion: 0.0025, rigidMotion: 0.004, motionCoherence: 0.1 };
    const v = fuseLiveness(swayed, on, BANDS);
    expect(v).toMatchObject({ verdict: 'inconclusive', reasons: ['incoherent_motion'] });
    expect(v.raw.motionCoherence).toBe(0.1);
    expect(fuseLiveness(LIVE, on, BANDS).verdict).toBe('live');
    // Off (-1): the rule never fires.
    expect(fuseLiveness(swayed, { ...on, coherenceLiveMin: -1 }, BANDS).verdict).toBe('live');
  });

  it('when enabled, flags a face moving like a flat object (photo waved at the camera)', () => {
    const on = { ...S, planarMinRigid: 0.006, planarRatioBelow: 0.2 };
    const waved = fuseLiveness({ ...LIVE, rigidMotion: 0.012, motion: 0.002 }, on, BANDS);
    expect(waved.verdict).toBe('spoof');
    expect(waved.reasons).toContain('planar_motion');
    // Little rigid motion is not judged planar; nor is anything with the rule off (default).
    expect(fuseLiveness({ ...LIVE, rigidMotion: 0.003, motion: 0.002 }, on, BANDS).verdict).toBe(
      'live',
    );
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
    const mid = fuse(pad((BANDS.spoofBelow + BANDS.clearLiveMin) / 2));
    expect(mid).toMatchObject({ verdict: 'inconclusive', reasons: ['passive_uncertain'] });
    expect(mid.passive.band).toBe('uncertain');
    const midMotion = (S.motionSpoofBelow + S.motionLiveMin) / 2;
    expect(fuse({ motion: midMotion }).reasons).toContain('motion_uncertain');
    expect(fuse({ motion: Number.NaN })).toMatchObject({
      verdict: 'inconclusive',
      reasons: ['motion_unmeasured'],
    });
  });

  it('needs the weighted score too; a blink raises the score but cannot override a spoof', () => {
    const strict = { ...S, scoreLiveMin: 0.95 };
    expect(fuseLiveness({ ...LIVE }, strict, BANDS).verdict).toBe('inconclusive');
    const blinked = { ...LIVE, ...pad(1), blink: 1, blinked: true };
    expect(fuseLiveness(blinked, strict, BANDS)).toMatchObject({
      verdict: 'live',
      reasons: ['blink_seen'],
    });
  });
});

describe('passive bands', () => {
  it('a calibrated camera moves the bands: the same score is uncertain here, clearly live there', () => {
    const strict: PassiveThresholds = {
      ...BANDS,
      clearLiveMin: 0.95,
      origin: 'camera_calibration',
    };
    const v = fuseLiveness(LIVE, S, strict);
    expect(v.passive.band).toBe('uncertain');
    expect(v.passive.thresholds.origin).toBe('camera_calibration');
    expect(v.verdict).toBe('inconclusive');
  });

  it('an unscored window is uncertain, never live and never a spoof', () => {
    const v = fuse({ frames: 0, ...pad(Number.NaN) });
    expect(v.passive.band).toBe('uncertain');
    expect(v.verdict).toBe('inconclusive');
  });
});

describe('liveness settings', () => {
  it('accepts the defaults and rejects inconsistent or out-of-range values', () => {
    expect(parseLivenessSettings(S)).toEqual(S);
    const bad = { spoofBelow: 0.9, clearLiveMin: 0.5, modelId: 'm' };
    expect(livenessSettingsSchema.safeParse({ ...S, passive: bad }).success).toBe(false);
    expect(
      livenessSettingsSchema.safeParse({ ...S, weights: { texture: 1, motion: 1, blink: 0 } })
        .success,
    ).toBe(false);
    expect(livenessSettingsSchema.safeParse({ ...S, windowFrames: 1 }).success).toBe(false);
    expect(livenessSettingsSchema.safeParse({ ...S, extra: 1 }).success).toBe(false);
    expect(livenessSettingsSchema.safeParse({ ...S, coherenceLiveMin: 1.5 }).success).toBe(false);
  });

  it('settings stored before the coherence rule get its default', () => {
    const stored: Record<string, unknown> = { ...S };
    delete stored.coherenceLiveMin;
    expect(parseLivenessSettings(stored).coherenceLiveMin).toBe(S.coherenceLiveMin);
  });

  it('drops the retired texture-network thresholds of settings stored before the PAD model', () => {
    const stored = { ...S, windowMs: 500, textureSpoofBelow: 0.03, textureLiveMin: 0.05 };
    const withoutPassive: Record<string, unknown> = { ...stored };
    delete withoutPassive.passive;
    const parsed = parseLivenessSettings(withoutPassive);
    expect(parsed.windowMs).toBe(500);
    expect(parsed.passive).toBeNull();
    expect(Object.keys(parsed)).not.toContain('textureSpoofBelow');
  });
});
