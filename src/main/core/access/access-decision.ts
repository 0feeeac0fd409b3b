import type { DecisionReason, PersonRef, Thresholds } from '../../../shared/domain';

/** What the pipeline and gallery found for one face. */
export interface FaceEvidence {
  interEyePx: number;
  /** Best match per person, best first (from Gallery.search); empty for an empty gallery. */
  matches: { person: PersonRef; similarity: number }[];
  /**
   * The best match's identify score (identify-scoring.ts), which the identify threshold is
   * compared with; absent = its raw similarity.
   */
  score?: number;
}

export interface FaceVerdict {
  decision: DecisionReason;
  person: PersonRef | null;
  similarity: number;
  /** Best similarity of any other person (-1 when none): the margin is similarity - runnerUp. */
  runnerUp?: number;
  /** The identify score the threshold was compared with (absent before a gallery match). */
  score?: number;
}

/**
 * The one place that decides about a single face. Deny by default: a name is returned only
 * when the best person's identify score clears the 1:N threshold AND its similarity beats the
 * runner-up person's by the margin (two people both "close" is not an identification).
 */
export function decideFace(e: FaceEvidence, t: Thresholds): FaceVerdict {
  const best = e.matches[0];
  const similarity = best?.similarity ?? -1;
  if (e.interEyePx < t.minInterEyePx)
    return { decision: 'face_too_small', person: null, similarity };
  const runnerUp = e.matches[1]?.similarity ?? -1;
  if (!best) return { decision: 'unknown_face', person: null, similarity, runnerUp };
  const score = e.score ?? best.similarity;
  if (score < t.identify)
    return { decision: 'unknown_face', person: null, similarity, runnerUp, score };
  if (best.similarity - runnerUp < t.margin)
    return { decision: 'unknown_face', person: null, similarity, runnerUp, score };
  return { decision: 'granted', person: best.person, similarity, runnerUp, score };
}

/**
 * Frame-level decision shown at the door: no face, one face decided as above, or several
 * faces -> "one person at a time" (tailgating guard), whoever they are.
 */
export function decideFrame(verdicts: FaceVerdict[]): FaceVerdict {
  const [only, ...rest] = verdicts;
  if (!only) return { decision: 'no_face', person: null, similarity: -1 };
  if (rest.length > 0) {
    const similarity = Math.max(...verdicts.map((v) => v.similarity));
    return { decision: 'multiple_faces', person: null, similarity };
  }
  return only;
}

/** Human wording for each reason; exhaustive so a new reason cannot ship without words. */
export function describeDecision(d: DecisionReason): string {
  switch (d) {
    case 'granted':
      return 'Access granted';
    case 'unknown_face':
      return 'Unknown person';
    case 'multiple_faces':
      return 'One person at a time';
    case 'spoof_suspected':
      return 'Could not confirm a live person';
    case 'face_too_small':
      return 'Please come closer';
    case 'poor_quality':
      return 'Face not clear enough';
    case 'outside_schedule':
      return 'Not allowed at this time';
    case 'locked_out':
      return 'Too many attempts: terminal locked for a while';
    case 'device_untrusted':
      return 'Camera not trusted';
    case 'no_face':
      return 'No face';
    case 'challenge_failed':
      return 'Challenge failed: not the action asked for';
    case 'challenge_timeout':
      return 'Challenge not answered in time';
  }
}
