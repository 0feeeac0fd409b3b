import { randomInt } from 'node:crypto';
import type { ChallengeAction } from '../../../shared/challenge';

/**
 * Picks the actions of one challenge. Injected into the station (composition), so a test can
 * fix the order; the station's own chooser draws from the operating system's CSPRNG, so a
 * recording made beforehand cannot know what will be asked.
 */
export type ChallengeChooser = (
  allowed: readonly ChallengeAction[],
  count: number,
) => ChallengeAction[];

/** `count` distinct actions from `allowed`, in a uniformly random order (crypto.randomInt). */
export const randomChallengeChooser: ChallengeChooser = (allowed, count) => {
  const pool = [...allowed];
  const out: ChallengeAction[] = [];
  while (out.length < count && pool.length > 0) {
    const [picked] = pool.splice(randomInt(pool.length), 1);
    if (picked) out.push(picked);
  }
  return out;
};
