import type { DecisionReason } from '../../../shared/domain';
import type { DoorScreenState } from '../../../shared/door-contract';
import { t } from './i18n';
import { challengeWording, terminalWording, type Tone } from './messages';

/** What the big status says, and the data-decision the tests and the latency bench read. */
export interface TerminalDisplay {
  text: string;
  /** The next step for the person at the door (null: nothing to do). */
  next: string | null;
  tone: Tone;
  decision:
    | DecisionReason
    | 'checking'
    | 'hold_still'
    | 'blink_please'
    | 'challenge'
    | 'relocked'
    | 'starting';
}

export const NO_ONE: TerminalDisplay = {
  text: t('terminal.noOne'),
  next: null,
  tone: 'neutral',
  decision: 'no_face',
};

/**
 * The station's screen state in words. `faceInView` is the page's own detector: the station
 * hears only of frames with faces, so "Checking…" turns into "No one in view" here the moment
 * the person leaves; a decision on screen is the station's to end (it holds and then clears it).
 */
export function screenDisplay(s: DoorScreenState, faceInView: boolean): TerminalDisplay {
  if (!s.camera.trusted && s.camera.label !== null) return decided('device_untrusted', null, s);
  const b = s.banner;
  switch (b.kind) {
    case 'decided':
      return b.decision ? decided(b.decision, b.person?.name ?? null, s) : NO_ONE;
    case 'relocked':
      return {
        text: t('terminal.relocked'),
        next: t('terminal.next.relocked'),
        tone: 'neutral',
        decision: 'relocked',
      };
    case 'idle':
      return NO_ONE;
    case 'checking':
    case 'hold_still':
    case 'blink':
    case 'challenge':
    case 'advice':
      return faceInView ? pending(s) : NO_ONE;
  }
}

function pending(s: DoorScreenState): TerminalDisplay {
  const b = s.banner;
  const action = b.challenge?.actions[b.challenge.step];
  switch (b.kind) {
    case 'hold_still':
      return { text: t('terminal.holdStill'), next: null, tone: 'neutral', decision: 'hold_still' };
    case 'blink':
      return { text: t('terminal.blink'), next: null, tone: 'warning', decision: 'blink_please' };
    case 'challenge':
      return {
        text: action ? challengeWording(action) : t('terminal.followInstruction'),
        next: null,
        tone: 'warning',
        decision: 'challenge',
      };
    case 'advice':
      return b.decision ? { ...decided(b.decision, null, s), next: null } : checking();
    case 'checking':
    case 'decided':
    case 'idle':
    case 'relocked':
      return checking();
  }
}

function checking(): TerminalDisplay {
  return { text: t('terminal.checking'), next: null, tone: 'neutral', decision: 'checking' };
}

function decided(decision: DecisionReason, name: string | null, s: DoorScreenState) {
  const words = terminalWording(decision, name);
  return { ...words, next: nextStep(decision, s), decision };
}

/** The one thing the person (or the admin) can do next; the lockout's countdown is live. */
function nextStep(decision: DecisionReason, s: DoorScreenState): string | null {
  switch (decision) {
    case 'granted':
      return s.door.state === 'fault' ? t('terminal.next.doorFailed') : t('terminal.next.granted');
    case 'unknown_face':
      return t('terminal.next.unknown');
    case 'spoof_suspected':
      return t('terminal.next.spoof');
    case 'multiple_faces':
      return t('terminal.next.multipleFaces');
    case 'outside_schedule':
      return t('terminal.next.outsideSchedule');
    case 'challenge_failed':
    case 'challenge_timeout':
      return t('terminal.next.challenge');
    case 'device_untrusted':
      return t('terminal.next.untrusted');
    case 'locked_out': // the page shows the countdown from s.lockout
    case 'face_too_small':
    case 'poor_quality':
    case 'no_face':
      return null;
  }
}
