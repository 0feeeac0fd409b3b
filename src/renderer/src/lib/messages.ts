import type { DecisionReason, EnrollFileStatus } from '../../../shared/domain';
import type { ChallengeAction } from '../../../shared/challenge';
import type { DoorPhase } from '../../../shared/door-contract';
import type { ErrorCode, ErrorPayload } from '../../../shared/errors';

/**
 * The renderer's one translation of error codes into words people understand. Exhaustive
 * switches: a new code or status cannot ship without a message.
 */
export function describeErrorCode(code: ErrorCode): string {
  switch (code) {
    case 'BAD_REQUEST':
      return 'The request was not valid.';
    case 'UNREADABLE_IMAGE':
      return 'The image could not be read.';
    case 'IMAGE_TOO_LARGE':
      return 'The image is too large.';
    case 'NO_FACE':
      return 'No face was found.';
    case 'MULTIPLE_FACES':
      return 'More than one face was found.';
    case 'FACE_TOO_SMALL':
      return 'The face is too small; use a closer photo.';
    case 'MODEL_MISSING':
      return 'A face model is missing. Run `npm run models` on the station.';
    case 'MODEL_TAMPERED':
      return 'A face model failed its integrity check. The station refuses to use it.';
    case 'MODEL_FAILED':
      return 'A face model stopped working. Restart the station if this persists.';
    case 'MODEL_MANIFEST_INVALID':
      return "The embedding model's manifest does not describe the model; the station refuses it.";
    case 'INDEX_STALE':
      return 'The face index is out of date and is being rebuilt.';
    case 'DB_CORRUPT':
      return 'The station database is damaged.';
    case 'DB_TOO_NEW':
      return 'The station database was written by a newer version of this app.';
    case 'CONSENT_REQUIRED':
      return 'Enrolment needs the explicit consent of the person.';
    case 'PERSON_NOT_FOUND':
      return 'That person is not enrolled.';
    case 'NATIVE_MISSING':
      return 'A native component of the station is not installed.';
    case 'UNAUTHORIZED':
      return 'This screen is not authorised to talk to the station.';
    case 'TEMPLATE_KEY_MISSING':
      return 'The key that decrypts face templates is missing.';
    case 'TEMPLATE_KEY_MISMATCH':
      return 'The template key does not belong to this database.';
    case 'TEMPLATE_KEY_INSECURE':
      return 'The template key file is readable by other users.';
    case 'TEMPLATE_TAMPERED':
      return 'A stored face template failed its integrity check.';
    case 'DATA_INSECURE':
      return 'The station database is readable by other users.';
    case 'BUSY':
      return 'The station is busy with other uploads. Try again in a moment.';
    case 'SITE_UNAVAILABLE':
      return 'The site database cannot be reached; the station goes on deciding locally.';
    case 'SITE_CONFLICT':
      return 'Someone else changed this record meanwhile. Reload it and try again.';
    case 'SITE_REFUSED':
      return 'The site refused this station.';
    case 'SITE_REVOKED':
      return 'This station was removed from the site by an administrator.';
    case 'SITE_PAIRING_INVALID':
      return 'The pairing code is unknown, already used or expired.';
    case 'SITE_NOT_JOINED':
      return 'This station has not joined a site.';
    case 'INTERNAL':
      return 'Something went wrong inside the station.';
  }
}

/** Code text plus the station's own detail (which is written for people, not stack traces). */
export function describeError(error: ErrorPayload): string {
  const general = describeErrorCode(error.code);
  return error.message && error.message !== general ? `${general} ${error.message}` : general;
}

export function describeFileStatus(status: EnrollFileStatus): string {
  switch (status) {
    case 'enrolled':
      return 'Enrolled';
    case 'no_face':
      return 'No face found';
    case 'multiple_faces':
      return 'Several faces: use a photo of this person alone';
    case 'too_small':
      return 'Face too small';
    case 'unreadable':
      return 'Not a readable image';
    case 'too_large':
      return 'Image too large';
    case 'duplicate_image':
      return 'Same image twice: skipped';
    case 'pose':
      return 'Head turned or tilted: look at the camera';
    case 'blurry':
      return 'Blurred: use a sharp photo';
    case 'exposure':
      return 'Too dark or too bright';
    case 'eyes_closed':
      return 'Eyes closed';
    case 'duplicate_person':
      return 'Matches someone already enrolled';
    case 'held':
      return 'Not enrolled: another photo matches someone already enrolled';
  }
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
        ? { text: `Access granted: ${name}`, tone: 'granted' }
        : { text: 'Unknown person', tone: 'denied' };
    case 'unknown_face':
      return { text: 'Unknown person', tone: 'denied' };
    case 'spoof_suspected':
      return { text: 'Access denied: could not confirm a live person', tone: 'denied' };
    case 'multiple_faces':
      return { text: 'One person at a time', tone: 'warning' };
    case 'face_too_small':
      return { text: 'Come closer', tone: 'warning' };
    case 'poor_quality':
      return { text: 'Face the camera, please', tone: 'warning' };
    case 'outside_schedule':
      return { text: 'Access denied: not allowed at this time', tone: 'denied' };
    case 'locked_out':
      return { text: 'Too many attempts. Please wait a minute.', tone: 'denied' };
    case 'device_untrusted':
      return { text: 'Camera not trusted. Call an administrator.', tone: 'denied' };
    case 'no_face':
      return { text: 'Looking…', tone: 'neutral' };
    case 'challenge_failed':
      return { text: 'Access denied: not the movement asked for', tone: 'denied' };
    case 'challenge_timeout':
      return { text: 'Access denied: no answer in time', tone: 'denied' };
  }
}

/** The plain instruction for one action of the active challenge (turns are the person's own). */
export function challengeWording(action: ChallengeAction): string {
  switch (action) {
    case 'turn_left':
      return 'Turn your head to your left';
    case 'turn_right':
      return 'Turn your head to your right';
    case 'look_up':
      return 'Look up';
    case 'blink_twice':
      return 'Blink twice';
  }
}

/** What the terminal says while the station is still gathering evidence about a face. */
export function pendingWording(phase: DoorPhase): { text: string; tone: Tone } {
  switch (phase) {
    case 'idle':
    case 'looking':
      return { text: 'Looking…', tone: 'neutral' };
    case 'hold_still':
      return { text: 'Hold still…', tone: 'neutral' };
    case 'blink_please':
      return { text: 'Please blink', tone: 'warning' };
    case 'challenge':
      return { text: 'Follow the instruction', tone: 'warning' };
    case 'decided':
      return { text: 'Looking…', tone: 'neutral' };
  }
}
