import { describe, expect, it } from 'vitest';
import type { Point, RgbImage } from '../vision/vision.types';
import type { LivenessFace } from './face-square';
import { DEFAULT_CHALLENGE_SETTINGS, needsChallenge } from '../challenge/challenge-settings';
import { toReading } from './door-liveness-monitor';
import { DEFAULT_LIVENESS_SETTINGS } from './liveness-settings';
import { LivenessTracker, MOTION_REFERENCE_MS, passiveThresholds } from './liveness-tracker';
import type { PassiveLivenessModel } from './passive-scorer';

/** Passive models that always answer with the same PAD score (bands 0.2 / 0.5). */
function fixedTexture(p: number): PassiveLivenessModel {
  return {
    modelId: 'fixed',
    defaultBands: { spoofBelow: 0.2, clearLiveMin: 0.5 },
    scoreFace: () => Promise.resolve({ padModel: p, textureNet: p, head: 'context' }),
  };
}

function noiseFrame(seed: number): RgbImage {
  const data = new Uint8Array(160 * 120 * 3);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    data[i] = s >> 23;
  }
  return { width: 160, height: 120, data };
}

const FACE: LivenessFace = {
  box: { x1: 50, y1: 30, x2: 110, y2: 90, score: 0.9 },
  landmarks68: Array.from({ length: 68 }, (_, i): Point => [60 + (i % 10) * 4, 40 + i / 2]),
};

describe('LivenessTracker', () => {
  // windowMs 0: these tests are about frame counts; the time span has its own tests below.
  const settings = { ...DEFAULT_LIVENESS_SETTINGS, windowFrames: 5, windowMs: 0 };

  it('collects until the window is full, then keeps a sliding window', async () => {
    const t = new LivenessTracker(fixedTexture(0.01), settings);
    for (let i = 0; i < 4; i++) {
      expect((await t.push(noiseFrame(i + 1), FACE, i * 66)).reasons).toContain('collecting');
    }
    const v = await t.push(noiseFrame(9), FACE, 4 * 66);
    expect(v.frames).toBe(5);
    expect(v.components.texture).toBeCloseTo(0.01, 5);
    // A spoof window is only a spoof verdict once spoofConfirmWindows windows agree.
    expect(v).toMatchObject({ verdict: 'inconclusive' });
    expect(v.reasons).toEqual(expect.arrayContaining(['passive_spoof', 'spoof_pending']));
    expect(v.passive).toMatchObject({ band: 'spoof', frames: 5 });
    let last = v;
    for (let i = 1; i < settings.spoofConfirmWindows; i++) {
      last = await t.push(noiseFrame(20 + i), FACE, (4 + i) * 66);
    }
    expect(last.verdict).toBe('spoof');
    expect(last.frames).toBe(5);
    expect(t.verdict().verdict).toBe('spoof');
  });

  it('a face that shows too little motion is, once confirmed, settled inconclusive: a challenge', async () => {
    // The same picture with one corner pixel changed per frame: not frozen, but nothing moves.
    const still = (i: number): RgbImage => {
      const f = noiseFrame(5);
      f.data[0] = i;
      return f;
    };
    const t = new LivenessTracker(fixedTexture(0.9), settings);
    const readings = [];
    for (let i = 0; i < settings.windowFrames - 1 + settings.spoofConfirmWindows; i++)
      readings.push(toReading(await t.push(still(i), FACE, i * 66), settings.windowFrames));
    const pendingOnes = readings.slice(settings.windowFrames - 1, -1);
    expect(pendingOnes.every((r) => !r.settled && r.reasons.includes('spoof_pending'))).toBe(true);
    const last = readings.at(-1)!;
    expect(last).toMatchObject({ verdict: 'inconclusive', settled: true });
    expect(last.reasons).toContain('no_micro_motion');
    expect(needsChallenge(last, DEFAULT_CHALLENGE_SETTINGS)).toBe(true);
    // The same stillness with a passive score in its spoof band is positive evidence: a spoof.
    const printed = new LivenessTracker(fixedTexture(0.01), settings);
    let v = await printed.push(still(0), FACE, 0);
    for (let i = 1; i < readings.length; i++) v = await printed.push(still(i), FACE, i * 66);
    expect(v.verdict).toBe('spoof');
  });

  it('flags a frozen stream: the same frame pushed again and again', async () => {
    const t = new LivenessTracker(fixedTexture(0.99), settings);
    const frozen = noiseFrame(3);
    let v = await t.push(frozen, FACE, 0);
    for (let i = 1; i < settings.maxIdenticalFrames; i++) v = await t.push(frozen, FACE, i * 66);
    expect(v).toMatchObject({ verdict: 'spoof', reasons: ['frozen_stream'] });
  });

  it('flags timestamps that do not advance', async () => {
    const t = new LivenessTracker(fixedTexture(0.99), settings);
    await t.push(noiseFrame(1), FACE, 100);
    expect((await t.push(noiseFrame(2), FACE, 100)).reasons).toContain('time_anomaly');
  });

  it('starts over when the face is lost or jumps to another place', async () => {
    const t = new LivenessTracker(fixedTexture(0.5), settings);
    await t.push(noiseFrame(1), FACE);
    await t.push(noiseFrame(2), FACE);
    expect((await t.push(noiseFrame(3), null)).frames).toBe(0);
    await t.push(noiseFrame(4), FACE);
    const moved = { ...FACE, box: { x1: 0, y1: 0, x2: 30, y2: 30, score: 0.9 } };
    expect((await t.push(noiseFrame(5), moved)).frames).toBe(1);
  });

  it('applies an adopted calibration only when it was measured with the same model', () => {
    const model = fixedTexture(0.5);
    const adopted = { spoofBelow: 0.1, clearLiveMin: 0.3, modelId: 'fixed' };
    expect(passiveThresholds({ ...settings, passive: adopted }, model)).toEqual({
      spoofBelow: 0.1,
      clearLiveMin: 0.3,
      origin: 'camera_calibration',
    });
    // Calibrated on another model's scores: the shipped defaults apply.
    const stale = { ...adopted, modelId: 'older-model' };
    expect(passiveThresholds({ ...settings, passive: stale }, model)).toEqual({
      spoofBelow: 0.2,
      clearLiveMin: 0.5,
      origin: 'model_default',
    });
  });

  describe('time-based window (windowMs)', () => {
    const timed = { ...DEFAULT_LIVENESS_SETTINGS, windowFrames: 5, windowMs: 600 };

    it('a fast camera adds frames until the window spans windowMs, and keeps that span', async () => {
      const t = new LivenessTracker(fixedTexture(0.5), timed);
      const step = 1000 / 15;
      let v = await t.push(noiseFrame(1), FACE, 0);
      for (let i = 1; i < 9; i++) v = await t.push(noiseFrame(i + 1), FACE, i * step);
      // 9 frames span 533 ms: still collecting although windowFrames (5) is reached.
      expect(v.reasons).toContain('collecting');
      v = await t.push(noiseFrame(10), FACE, 9 * step);
      expect(v.reasons).not.toContain('collecting');
      expect(v.frames).toBe(10);
      v = await t.push(noiseFrame(11), FACE, 10 * step);
      expect(v.frames).toBe(10);
    });

    it('a slow stream decides on windowFrames frames once they span windowMs', async () => {
      const t = new LivenessTracker(fixedTexture(0.5), timed);
      let v = await t.push(noiseFrame(1), FACE, 0);
      for (let i = 1; i < 4; i++) v = await t.push(noiseFrame(i + 1), FACE, i * 300);
      expect(v.reasons).toContain('collecting');
      v = await t.push(noiseFrame(5), FACE, 4 * 300);
      expect(v.reasons).not.toContain('collecting');
      expect(v.frames).toBe(5);
    });

    describe('the default window (3 frames spanning 400 ms)', () => {
      const d = DEFAULT_LIVENESS_SETTINGS;
      const decide = async (stepMs: number, count: number) => {
        const t = new LivenessTracker(fixedTexture(0.5), d);
        let v = await t.push(noiseFrame(1), FACE, 0);
        for (let i = 1; i < count; i++) v = await t.push(noiseFrame(i + 1), FACE, i * stepMs);
        return v;
      };

      it('a terminal answering every ~210 ms decides on its 3rd answered frame', async () => {
        expect((await decide(210, 2)).reasons).toContain('collecting');
        const v = await decide(210, 3);
        expect(v.reasons).not.toContain('collecting');
        expect(v.frames).toBe(3);
      });

      it('a 15 fps stream needs 7 frames (400 ms), however many windowFrames asks', async () => {
        expect((await decide(1000 / 15, 6)).reasons).toContain('collecting');
        const v = await decide(1000 / 15, 7);
        expect(v.reasons).not.toContain('collecting');
        expect(v.frames).toBe(7);
      });

      it('a spoof is confirmed only after spoofConfirmWindows (5) spoof windows in a row', async () => {
        const t = new LivenessTracker(fixedTexture(0.001), d);
        const verdicts = [];
        for (let i = 0; i < 2 + d.spoofConfirmWindows; i++)
          verdicts.push((await t.push(noiseFrame(60 + i), FACE, i * 210)).verdict);
        // Frames 1-2 collect; windows 3-6 are spoof windows still pending; the 5th confirms.
        expect(d.spoofConfirmWindows).toBe(5);
        expect(verdicts.slice(0, -1).every((v) => v === 'inconclusive')).toBe(true);
        expect(verdicts.at(-1)).toBe('spoof');
      });
    });

    it('scales motion to MOTION_REFERENCE_MS: the same frames twice as far apart measure half', async () => {
      const frames = Array.from({ length: 10 }, (_, i) => noiseFrame(40 + i));
      const measure = async (gapMs: number): Promise<number> => {
        const t = new LivenessTracker(fixedTexture(0.5), { ...timed, windowMs: 0 });
        let v = await t.push(frames[0]!, FACE, 0);
        for (let i = 1; i < frames.length; i++) v = await t.push(frames[i]!, FACE, i * gapMs);
        return v.raw.motion;
      };
      // Consecutive frames are the motion base in both runs (each gap >= MOTION_REFERENCE_MS).
      const near = await measure(MOTION_REFERENCE_MS);
      const far = await measure(2 * MOTION_REFERENCE_MS);
      expect(Number.isFinite(near)).toBe(true);
      expect(far).toBeCloseTo(near / 2, 10);
    });
  });
});
