import type { RecordingChannel } from '../../../shared/contract';
import type { LivenessVideoView } from '../../../shared/cli-reports';
import type { OperatorRole } from '../../../shared/operator-roles';
import { createRecordingHandlers } from '../../composition/recording-handlers';
import type { LivenessReason } from '../../core/liveness/liveness-fusion';
import { defaultModelsDir } from '../../core/models/model-verifier';
import { createCliClient } from './cli-client';
import { EXIT, type Output } from './cli-output';

export const LIVENESS_USAGE = `  liveness VIDEO [--max-seconds S]     liveness verdict (live | spoof | inconclusive) of the
                                         largest face over the door's decision window`;

export interface LivenessCommandOptions {
  video: string;
  modelsDir?: string | undefined;
  maxSeconds?: string | undefined;
}

export function parseMaxSeconds(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  return v > 0 && v <= 3600 ? v : Number.NaN;
}

/**
 * `station liveness VIDEO [--json]`: the door's tracker and fusion over the recording; prints
 * the first conclusive window's verdict, where the door would act. Needs no data folder: the
 * call goes through dispatch to the recording handlers (the station's models, loaded per call).
 */
export async function livenessCommand(
  out: Output,
  role: OperatorRole,
  opts: LivenessCommandOptions,
): Promise<number> {
  const handlers = createRecordingHandlers(opts.modelsDir ?? defaultModelsDir());
  const client = createCliClient<RecordingChannel>(handlers, role);
  const maxSeconds = parseMaxSeconds(opts.maxSeconds);
  const value = await client.call('liveness:video', {
    video: opts.video,
    ...(maxSeconds ? { maxSeconds } : {}),
  });
  out.result(value, () => human(opts.video, value));
  return EXIT.ok;
}

const VERDICT_WORDS: Record<LivenessVideoView['verdict'], string> = {
  live: 'looks like a live person',
  spoof: 'looks like a presentation attack (a photo, a screen or a replay)',
  inconclusive: 'could not tell whether this is a live person',
};

const PASSIVE_WORDS: Record<LivenessVideoView['passive']['band'], string> = {
  spoof: 'looks like a presentation attack',
  uncertain: 'not clear either way (the door would ask for a challenge)',
  clear_live: 'clearly live',
};

/** Why, in words; a reason without words here (a newer fusion rule) shows its code. */
const REASON_WORDS: Partial<Record<LivenessReason | (string & {}), string>> = {
  collecting: 'the recording ended before the check was complete',
  frozen_stream: 'the picture stopped changing (a frozen or looped stream)',
  time_anomaly: 'the frame times are impossible for a camera',
  passive_spoof: 'the face looks like a screen or a print',
  no_micro_motion:
    'the face shows too few of the small movements of a live face (the door asks a challenge)',
  planar_motion: 'the face moves like a flat picture',
  motion_unmeasured: 'movement could not be measured',
  passive_uncertain: 'the face is not clearly live at a glance',
  motion_uncertain: 'the movement is not clear either way',
  incoherent_motion: 'the face moves as a flat picture moved by hand could',
  score_low: 'the evidence together is too weak',
  spoof_pending: 'it looks like an attack or too still, but not yet for long enough to be sure',
  blink_seen: 'a blink was seen',
};

/** The verdict in words; the scores behind it are in --json (they need the BENCHMARKS to read). */
function human(video: string, v: LivenessVideoView): string {
  const why = v.reasons.map((code) => REASON_WORDS[code] ?? code.replace(/_/g, ' '));
  return [
    `${video}: ${VERDICT_WORDS[v.verdict]} (after ${v.frames} frames)`,
    ...(why.length ? [`  why: ${why.join('; ')}`] : []),
    `  passive check: ${PASSIVE_WORDS[v.passive.band]}`,
    '  (scores and thresholds: --json)',
  ].join('\n');
}
