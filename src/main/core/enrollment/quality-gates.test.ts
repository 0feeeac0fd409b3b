import { describe, expect, it } from 'vitest';
import { DEFAULT_QUALITY_LIMITS } from '../settings/quality-defaults';
import type { FaceQuality } from '../vision/face-quality';
import { judgeFaceQuality } from './quality-gates';

const limits = { ...DEFAULT_QUALITY_LIMITS, minInterEyePx: 24 };
const good: FaceQuality = {
  interEyePx: 80,
  yawDeg: 5,
  pitchDeg: -3,
  sharpness: 0.3,
  brightness: 130,
  darkFraction: 0,
  brightFraction: 0,
  eyeAspect: 0.3,
};

describe('judgeFaceQuality', () => {
  it('passes a good face without warnings', () => {
    expect(judgeFaceQuality(good, limits)).toEqual({ ok: true, warnings: [] });
  });

  it('accepts a face between the hard minimum and the recommended size, with a warning', () => {
    const v = judgeFaceQuality({ ...good, interEyePx: 40 }, limits);
    expect(v.ok).toBe(true);
    expect(v.ok && v.warnings[0]).toMatch(/40 px apart, 64 px recommended/);
  });

  it('names the failing gate, in plain words', () => {
    const cases: [Partial<FaceQuality>, string, RegExp][] = [
      [{ interEyePx: 20 }, 'too_small', /too small.*20 px apart, at least 24 px/],
      [{ brightness: 20 }, 'exposure', /too dark/],
      [{ darkFraction: 0.5 }, 'exposure', /too dark/],
      [{ brightness: 240 }, 'exposure', /over-exposed/],
      [{ brightFraction: 0.6 }, 'exposure', /over-exposed/],
      [{ sharpness: 0.01 }, 'blurry', /blurred/],
      [{ yawDeg: -50 }, 'pose', /turned sideways by about 50°/],
      [{ pitchDeg: -40 }, 'pose', /tilted down by about 40°/],
      [{ pitchDeg: 40 }, 'pose', /tilted up/],
      [{ eyeAspect: 0.1 }, 'eyes_closed', /eyes look closed/],
    ];
    for (const [change, status, message] of cases) {
      const v = judgeFaceQuality({ ...good, ...change }, limits);
      expect(v).toMatchObject({ ok: false, status });
      expect(!v.ok && v.message).toMatch(message);
    }
  });

  it('reports size before light, light before focus, focus before pose', () => {
    const worst = { interEyePx: 10, brightness: 10, sharpness: 0, yawDeg: 80, eyeAspect: 0 };
    expect(judgeFaceQuality({ ...good, ...worst }, limits)).toMatchObject({ status: 'too_small' });
    const bigEnough = { ...good, ...worst, interEyePx: 80 };
    expect(judgeFaceQuality(bigEnough, limits)).toMatchObject({ status: 'exposure' });
    const lit = { ...bigEnough, brightness: 130 };
    expect(judgeFaceQuality(lit, limits)).toMatchObject({ status: 'blurry' });
    expect(judgeFaceQuality({ ...lit, sharpness: 0.3 }, limits)).toMatchObject({ status: 'pose' });
  });
});
