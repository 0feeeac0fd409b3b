/**
 * The active liveness challenge as the terminal sees it: which actions the station asked for,
 * where the person is, and how long is left. The station chooses and checks; the terminal only
 * shows the instruction and a countdown. Pure types and constants, no runtime dependencies.
 */

/** Actions the station can ask for. Turns are the person's own left and right. */
export const CHALLENGE_ACTIONS = ['turn_left', 'turn_right', 'look_up', 'blink_twice'] as const;
export type ChallengeAction = (typeof CHALLENGE_ACTIONS)[number];

export interface ChallengeView {
  /** The actions in the order asked (one or two). */
  actions: ChallengeAction[];
  /** Index of the action being asked now (actions.length once all are done). */
  step: number;
  /** Milliseconds left on the station's clock when this frame was answered. */
  remainingMs: number;
}
