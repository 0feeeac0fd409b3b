import { openVideoFrames } from '../../adapters/ffmpeg-video-frames';
import type { LivenessEngine } from '../../core/liveness/liveness-engine';
import type { LivenessReason } from '../../core/liveness/liveness-fusion';
import { streamLiveness, type StreamLivenessResult } from '../../core/liveness/stream-liveness';
import { defaultModelsDir } from '../../core/models/model-verifier';
import { EXIT, type Output } from './cli-output';
import { loadLivenessEngine } from '../../composition/onnx-models';

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
 * `station liveness VIDEO [--json]`: the largest face of each decoded frame (own frame times,
 * upright by its rotation tag) through the door's tracker and fusion; prints the first conclusive
 * window's verdict, where the door would act. Needs no data folder.
 */
export async function livenessCommand(out: Output, opts: LivenessCommandOptions): Promise<number> {
  // The station's own model loading (openStation's), without a data folder.
  const engine = await loadLivenessEngine(opts.modelsDir ?? defaultModelsDir());
  const maxSeconds = parseMaxSeconds(opts.maxSeconds);
  let judged;
  try {
    judged = await judge(engine, opts.video, maxSeconds);
  } finally {
    await engine.close();
  }
  const { info, result } = judged;
  const d = result.decision;
  const value = {
    verdict: d.verdict,
    score: round(d.score),
    components: {
      texture: round(d.components.texture),
      motion: round(d.components.motion),
      blink: round(d.components.blink),
    },
    // The passive bands (clear_live | uncertain | spoof) with the score and thresholds behind them.
    passive: {
      band: d.passive.band,
      score: round(d.passive.score),
      spoofBelow: d.passive.thresholds.spoofBelow,
      clearLiveMin: d.passive.thresholds.clearLiveMin,
      origin: d.passive.thresholds.origin,
      textureNet: round(d.passive.components.textureNet),
    },
    frames: result.framesRead,
    reasons: d.reasons,
    raw: { motion: round(d.raw.motion), rigidMotion: round(d.raw.rigidMotion) },
    video: { width: info.width, height: info.height, fps: info.fps, rotation: info.rotation },
  };
  out.result(value, () => human(opts.video, result));
  return EXIT.ok;
}

async function judge(engine: LivenessEngine, video: string, maxSeconds: number | undefined) {
  const { info, frames } = await openVideoFrames(video, maxSeconds ? { maxSeconds } : {});
  const result = await streamLiveness(frames, (f) => engine.largestFace(f), engine.tracker(), {
    fps: info.fps,
    stopAtDecision: true,
    source: video,
  });
  return { info, result };
}

function round(x: number): number | null {
  return Number.isFinite(x) ? Math.round(x * 1e4) / 1e4 : null;
}

const VERDICT_WORDS: Record<StreamLivenessResult['decision']['verdict'], string> = {
  live: 'looks like a live person',
  spoof: 'looks like a presentation attack (a photo, a screen or a replay)',
  inconclusive: 'could not tell whether this is a live person',
};

const PASSIVE_WORDS: Record<StreamLivenessResult['decision']['passive']['band'], string> = {
  spoof: 'looks like a presentation attack',
  uncertain: 'not clear either way (the door would ask for a challenge)',
  clear_live: 'clearly live',
};

/** Why, in words; a reason without words here (a newer fusion rule) shows its code. */
const REASON_WORDS: Partial<Record<LivenessReason, string>> = {
  collecting: 'the recording ended before the check was complete',
  frozen_stream: 'the picture stopped changing (a frozen or looped stream)',
  time_anomaly: 'the frame times are impossible for a camera',
  passive_spoof: 'the face looks like a screen or a print',
  no_micro_motion: 'the face shows none of the small movements of a live face',
  planar_motion: 'the face moves like a flat picture',
  motion_unmeasured: 'movement could not be measured',
  passive_uncertain: 'the face is not clearly live at a glance',
  motion_uncertain: 'the movement is not clear either way',
  score_low: 'the evidence together is too weak',
  spoof_pending: 'it looks like an attack, but not yet for long enough to be sure',
  blink_seen: 'a blink was seen',
};

/** The verdict in words; the scores behind it are in --json (they need the BENCHMARKS to read). */
function human(video: string, r: StreamLivenessResult): string {
  const d = r.decision;
  const why = d.reasons.map((code) => REASON_WORDS[code] ?? code.replace(/_/g, ' '));
  return [
    `${video}: ${VERDICT_WORDS[d.verdict]} (after ${r.framesRead} frames)`,
    ...(why.length ? [`  why: ${why.join('; ')}`] : []),
    `  passive check: ${PASSIVE_WORDS[d.passive.band]}`,
    '  (scores and thresholds: --json)',
  ].join('\n');
}
