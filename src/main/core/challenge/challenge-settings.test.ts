import { describe, expect, it } from 'vitest';
import { CHALLENGE_ACTIONS } from '../../../shared/challenge';
import type { LivenessReading } from '../access/door-decision.types';
import { randomChallengeChooser } from './challenge-chooser';
import {
  DEFAULT_CHALLENGE_SETTINGS,
  needsChallenge,
  parseChallengeSettings,
} from './challenge-settings';

/** A settled reading whose passive PAD score lies in `band` (bands 0.2 / 0.5 for the test). */
const reading = (
  verdict: LivenessReading['verdict'],
  band: LivenessReading['passive']['band'],
): LivenessReading => {
  const score = band === 'clear_live' ? 0.9 : band === 'uncertain' ? 0.38 : 0.05;
  return {
    verdict,
    settled: true,
    score: 0.5,
    components: {},
    passive: {
      band,
      score,
      textureNet: score,
      spoofBelow: 0.2,
      clearLiveMin: 0.5,
      origin: 'model_default',
    },
    reasons: [],
  };
};

describe('challenge settings', () => {
  it('accepts the defaults and names the bad field of an invalid change', () => {
    expect(parseChallengeSettings(DEFAULT_CHALLENGE_SETTINGS)).toEqual(DEFAULT_CHALLENGE_SETTINGS);
    expect(DEFAULT_CHALLENGE_SETTINGS.mode).toBe('when_uncertain');
    const bad = (over: object) => () =>
      parseChallengeSettings({ ...DEFAULT_CHALLENGE_SETTINGS, ...over });
    expect(bad({ mode: 'sometimes' })).toThrow(/mode/);
    expect(bad({ timeLimitMs: 500 })).toThrow(/timeLimitMs/);
    expect(bad({ actions: 3 })).toThrow(/actions/);
    expect(bad({ allowed: ['turn_left'] })).toThrow(/allowed/);
    expect(bad({ allowed: ['turn_left', 'turn_left'] })).toThrow(/repeat/);
    expect(bad({ extra: 1 })).toThrow();
  });

  it('needsChallenge: off never, always always, when_uncertain unless clearly live', () => {
    const s = DEFAULT_CHALLENGE_SETTINGS;
    expect(needsChallenge(reading('live', 'clear_live'), { ...s, mode: 'off' })).toBe(false);
    expect(needsChallenge(reading('live', 'clear_live'), { ...s, mode: 'always' })).toBe(true);
    expect(needsChallenge(reading('live', 'clear_live'), s)).toBe(false);
    // Live by the window's rules but the PAD score is only in the uncertain band.
    expect(needsChallenge(reading('live', 'uncertain'), s)).toBe(true);
    expect(needsChallenge(reading('inconclusive', 'clear_live'), s)).toBe(true);
    expect(needsChallenge(reading('inconclusive', 'uncertain'), s)).toBe(true);
  });
});

describe('randomChallengeChooser', () => {
  it('draws distinct allowed actions, and every order turns up', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 400; i++) {
      const pick = randomChallengeChooser(CHALLENGE_ACTIONS, 2);
      expect(pick).toHaveLength(2);
      expect(new Set(pick).size).toBe(2);
      seen.add(pick.join('+'));
    }
    // 4 x 3 ordered pairs; 400 draws miss one with probability < 1e-13.
    expect(seen.size).toBe(12);
    expect(randomChallengeChooser(['turn_left', 'look_up'], 1)[0]).toMatch(/turn_left|look_up/);
  });
});
