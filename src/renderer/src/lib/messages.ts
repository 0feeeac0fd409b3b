import type { DecisionReason, EnrollFileStatus } from '../../../shared/domain';
import type { ChallengeAction } from '../../../shared/challenge';
import type { DoorPhase } from '../../../shared/door-contract';
import type { ErrorCode, ErrorPayload } from '../../../shared/errors';
import { t } from './i18n';

/**
 * The renderer's one translation of codes (errors, file statuses, decisions) into words people
 * understand, through the message catalogue (lib/i18n). The catalogue's types make a new code
 * a compile error until it has a message in every language.
 */
export function describeErrorCode(code: ErrorCode): string {
  return t(`error.${code}`);
}

/** Code text plus the station's own detail (which is written for people, not stack traces). */
export function describeError(error: ErrorPayload): string {
  const general = describeErrorCode(error.code);
  return error.message && error.message !== general
    ? t('error.withDetail', { general, detail: error.message })
    : general;
}

export function describeFileStatus(status: EnrollFileStatus): string {
  return t(`fileStatus.${status}`);
}

export type Tone = 'neutral' | 'granted' | 'denied' | 'warning';

/** What the door terminal shows for a decision (never a name unless let in). */
export function terminalWording(
  decision: DecisionReason,
  name: string | null,
): { text: string; tone: Tone } {
  switch (decision) {
    case 'granted':
      return name
        ? { text: t('terminal.granted', { name }), tone: 'granted' }
        : { text: t('terminal.unknown'), tone: 'denied' };
    case 'unknown_face':
      return { text: t('terminal.unknown'), tone: 'denied' };
    case 'spoof_suspected':
      return { text: t('terminal.spoof'), tone: 'denied' };
    case 'multiple_faces':
      return { text: t('terminal.multipleFaces'), tone: 'warning' };
    case 'face_too_small':
      return { text: t('terminal.tooSmall'), tone: 'warning' };
    case 'poor_quality':
      return { text: t('terminal.poorQuality'), tone: 'warning' };
    case 'outside_schedule':
      return { text: t('terminal.outsideSchedule'), tone: 'denied' };
    case 'locked_out':
      return { text: t('terminal.lockedOut'), tone: 'denied' };
    case 'device_untrusted':
      return { text: t('terminal.untrusted'), tone: 'denied' };
    case 'no_face':
      return { text: t('terminal.looking'), tone: 'neutral' };
    case 'challenge_failed':
      return { text: t('terminal.challengeFailed'), tone: 'denied' };
    case 'challenge_timeout':
      return { text: t('terminal.challengeTimeout'), tone: 'denied' };
  }
}

/** The plain instruction for one action of the active challenge (turns are the person's own). */
export function challengeWording(action: ChallengeAction): string {
  return t(`challenge.${action}`);
}

/** What the terminal says while the station is still gathering evidence about a face. */
export function pendingWording(phase: DoorPhase): { text: string; tone: Tone } {
  switch (phase) {
    case 'idle':
    case 'looking':
    case 'decided':
      return { text: t('terminal.looking'), tone: 'neutral' };
    case 'hold_still':
      return { text: t('terminal.holdStill'), tone: 'neutral' };
    case 'blink_please':
      return { text: t('terminal.blink'), tone: 'warning' };
    case 'challenge':
      return { text: t('terminal.followInstruction'), tone: 'warning' };
  }
}
