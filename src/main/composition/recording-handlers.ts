import type { RecordingChannel } from '../../shared/contract';
import type { LivenessVideoView } from '../../shared/cli-reports';
import { openVideoFrames } from '../adapters/ffmpeg-video-frames';
import type { HandlersFor } from '../core/ipc/dispatch';
import type { LivenessEngine } from '../core/liveness/liveness-engine';
import { streamLiveness, type StreamLivenessResult } from '../core/liveness/stream-liveness';
import { loadLivenessEngine } from './onnx-models';

/**
 * Channels that judge a recording with the station's models and no data folder (CLI only).
 * The models load per call, as openStation loads them, and stop with it.
 */
export function createRecordingHandlers(modelsDir: string): HandlersFor<RecordingChannel> {
  return {
    'liveness:video': async (req) => {
      const engine = await loadLivenessEngine(modelsDir);
      try {
        return await judgeVideo(engine, req.video, req.maxSeconds);
      } finally {
        await engine.close();
      }
    },
  };
}

/**
 * The largest face of each decoded frame (own frame times, upright by its rotation tag)
 * through the door's tracker and fusion, up to the first conclusive window.
 */
async function judgeVideo(
  engine: LivenessEngine,
  video: string,
  maxSeconds: number | undefined,
): Promise<LivenessVideoView> {
  const { info, frames } = await openVideoFrames(video, maxSeconds ? { maxSeconds } : {});
  const result = await streamLiveness(frames, (f) => engine.largestFace(f), engine.tracker(), {
    fps: info.fps,
    stopAtDecision: true,
    source: video,
  });
  const { width, height, fps, rotation } = info;
  return { ...decisionView(result), video: { width, height, fps, rotation } };
}

function decisionView(result: StreamLivenessResult): Omit<LivenessVideoView, 'video'> {
  const d = result.decision;
  return {
    verdict: d.verdict,
    score: round(d.score),
    components: {
      texture: round(d.components.texture),
      motion: round(d.components.motion),
      blink: round(d.components.blink),
    },
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
  };
}

function round(x: number): number | null {
  return Number.isFinite(x) ? Math.round(x * 1e4) / 1e4 : null;
}
