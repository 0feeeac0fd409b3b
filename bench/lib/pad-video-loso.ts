/**
 * The door's liveness window on every labelled video of spoof_ext and spoof, with a PAD model
 * fitted WITHOUT the video's source (and the shipped default bands): what the passive door
 * would decide on a recording from a camera and people it has never seen. The active
 * challenge is not part of this (a recording cannot answer one).
 */
import { join } from 'node:path';
import { openVideoFrames } from '../../src/main/adapters/ffmpeg-video-frames';
import type { LivenessSettings } from '../../src/main/core/liveness/liveness-settings';
import { LivenessTracker } from '../../src/main/core/liveness/liveness-tracker';
import { PadModel, type PadModelFile } from '../../src/main/core/liveness/pad-model';
import { TexturePadScorer } from '../../src/main/core/liveness/passive-scorer';
import { streamLiveness } from '../../src/main/core/liveness/stream-liveness';
import type { TextureLivenessModel } from '../../src/main/core/liveness/texture-model';
import type { LivenessFace } from '../../src/main/core/liveness/face-square';
import type { RgbImage } from '../../src/main/core/vision/vision.types';
import { padPresentations, type PadPresentation } from '../../scripts/pad/pad-dataset';
import type { PadCache } from '../../scripts/pad/pad-feature-cache';
import { fitHeads, type PadRecipe } from '../../scripts/pad/pad-fit';

export interface VideoLosoRow {
  file: string;
  source: string;
  label: 'live' | 'attack';
  decision: 'live' | 'spoof' | 'inconclusive' | 'no face';
  band: string;
  score: number;
  /** Frame (1-based, at 15 fps) of the decision; null when never conclusive. */
  decidedAt: number | null;
}

async function* from(frames: AsyncIterable<RgbImage>, skip: number): AsyncIterable<RgbImage> {
  let i = 0;
  for await (const f of frames) if (i++ >= skip) yield f;
}

export async function videoLeaveOneSourceOut(
  dataDir: string,
  cache: PadCache,
  recipe: PadRecipe,
  shipped: PadModelFile,
  models: {
    texture: TextureLivenessModel;
    largestFace: (f: RgbImage) => Promise<LivenessFace | null>;
  },
  settings: LivenessSettings,
  maxSeconds: number,
): Promise<VideoLosoRow[]> {
  const videos = padPresentations(dataDir).filter((p) => p.kind === 'video');
  const bySource = new Map<string, PadModel>();
  const rows: VideoLosoRow[] = [];
  for (const p of videos) {
    let model = bySource.get(p.source);
    if (!model) {
      const train = cache.samples
        .map((_, i) => i)
        .filter((i) => cache.samples[i]!.source !== p.source);
      model = new PadModel(
        { ...shipped, heads: fitHeads(cache, train, recipe) },
        `without ${p.source}`,
      );
      bySource.set(p.source, model);
    }
    rows.push(await judge(dataDir, p, model, models, settings, maxSeconds));
  }
  return rows;
}

async function judge(
  dataDir: string,
  p: PadPresentation,
  model: PadModel,
  models: {
    texture: TextureLivenessModel;
    largestFace: (f: RgbImage) => Promise<LivenessFace | null>;
  },
  settings: LivenessSettings,
  maxSeconds: number,
): Promise<VideoLosoRow> {
  const start = p.startSeconds ?? 0;
  const { info, frames } = await openVideoFrames(join(dataDir, p.file), {
    maxSeconds: start + maxSeconds,
  });
  const tracker = new LivenessTracker(new TexturePadScorer(models.texture, model), settings);
  const base = { file: p.file, source: p.source, label: p.label };
  try {
    const r = await streamLiveness(
      from(frames, Math.round(start * info.fps)),
      models.largestFace,
      tracker,
      {
        fps: info.fps,
        stopAtDecision: true,
        source: p.file,
      },
    );
    const v = r.decision;
    return {
      ...base,
      decision: v.verdict,
      band: v.passive.band,
      score: v.passive.score,
      decidedAt: r.decidedAt,
    };
  } catch {
    return { ...base, decision: 'no face', band: '-', score: Number.NaN, decidedAt: null };
  }
}
