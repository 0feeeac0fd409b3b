/**
 * The active challenge's settings (validated like every door setting, audited when changed)
 * and the one rule that says whether a face must answer one.
 */
import { z } from 'zod';
import { CHALLENGE_ACTIONS } from '../../../shared/challenge';
import type { LivenessSummary, PassiveSummary } from '../../../shared/door-contract';

export const CHALLENGE_MODES = ['off', 'when_uncertain', 'always'] as const;

export const challengeSettingsSchema = z
  .object({
    /**
     * off: passive liveness alone decides (a supervised desk); when_uncertain: a face whose
     * passive evidence is not clearly live must answer a challenge; always: every face does.
     */
    mode: z.enum(CHALLENGE_MODES),
    /** Station-clock time from the first instruction to the last answer; then: refused. */
    timeLimitMs: z.number().int().min(2_000).max(60_000),
    /** Actions asked in a row (each chosen at random, no repeats). */
    actions: z.number().int().min(1).max(2),
    /** Actions the station may choose from (at least two, so the choice is not known). */
    allowed: z
      .array(z.enum(CHALLENGE_ACTIONS))
      .min(2)
      .refine((a) => new Set(a).size === a.length, 'allowed actions must not repeat'),
    /** Head rotation (degrees, from the pose the face was recognised in) that counts as a turn. */
    turnDeg: z.number().finite().min(10).max(45),
  })
  .strict()
  .refine((s) => s.actions <= s.allowed.length, {
    message: 'actions must not exceed the number of allowed actions',
  });

export type ChallengeSettings = z.infer<typeof challengeSettingsSchema>;

/**
 * timeLimitMs: two actions take 2-4 s, the rest is reading time, and a timeout is only a refusal.
 * turnDeg: above head-pose jitter, below the 25-45 degrees people reach when asked
 * (docs/BENCHMARKS.md, "Active challenge").
 */
export const DEFAULT_CHALLENGE_SETTINGS: ChallengeSettings = {
  mode: 'when_uncertain',
  timeLimitMs: 8_000,
  actions: 2,
  allowed: [...CHALLENGE_ACTIONS],
  turnDeg: 20,
};

export function parseChallengeSettings(value: unknown): ChallengeSettings {
  return challengeSettingsSchema.parse(value);
}

/** The part of a liveness reading the challenge rule reads (the door's LivenessReading has it). */
export interface SettledReading {
  verdict: LivenessSummary['verdict'];
  passive: Pick<PassiveSummary, 'band'>;
}

/**
 * Does this face need a challenge? Asked once the passive window has settled on something
 * other than spoof (a settled spoof is refused before). Under when_uncertain only a window that
 * is live AND whose passive PAD score is in the clear_live band (the per-camera calibrated bands
 * of passive-assessment.ts) skips it: a replay that scrapes past the live rule is still asked.
 */
export function needsChallenge(reading: SettledReading, s: ChallengeSettings): boolean {
  switch (s.mode) {
    case 'off':
      return false;
    case 'always':
      return true;
    case 'when_uncertain':
      return reading.verdict !== 'live' || reading.passive.band !== 'clear_live';
  }
}
