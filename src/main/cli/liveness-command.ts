import { openVideoFrames } from '../adapters/ffmpeg-video-frames';
import { LivenessEngine } from '../core/liveness/liveness-engine';
import { streamLiveness, type StreamLivenessResult } from '../core/liveness/stream-liveness';
import { defaultModelsDir } from '../core/models/model-verifier';
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
 * `station liveness VIDEO [--json]`: the video decoded by ffmpeg frame by frame as the camera
 * delivered it (its own frame times, upright by its rotation tag), the largest face of each frame through the same tracker and fusion the door uses;
 * prints the first conclusive window's verdict (where the door would act). Needs no data folder.
 */
export async function livenessCommand(out: Output, opts: LivenessCommandOptions): Promise<number> {
  const engine = await LivenessEngine.load(opts.modelsDir ?? defaultModelsDir());
  const maxSeconds = parseMaxSeconds(opts.maxSeconds);
  const { info, frames } = await openVideoFrames(opts.video, maxSeconds ? { maxSeconds } : {});
  const result = await streamLiveness(frames, (f) => engine.largestFace(f), engine.tracker(), {
    fps: info.fps,
    stopAtDecision: true,
    source: opts.video,
  });
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

function round(x: number): number | null {
  return Number.isFinite(x) ? Math.round(x * 1e4) / 1e4 : null;
}

function human(video: string, r: StreamLivenessResult): string {
  const d = r.decision;
  const c = d.components;
  return [
    `${video}: ${d.verdict.toUpperCase()} (score ${d.score.toFixed(3)}) after ${r.framesRead} frames`,
    `  texture ${c.texture.toFixed(3)}  motion ${c.motion.toFixed(3)}  blink ${c.blink.toFixed(3)}`,
    `  passive: ${d.passive.band} (PAD score ${d.passive.score.toFixed(3)}; spoof < ${d.passive.thresholds.spoofBelow}, clearly live >= ${d.passive.thresholds.clearLiveMin})`,
    `  reasons: ${d.reasons.join(', ') || '-'}`,
  ].join('\n');
}
