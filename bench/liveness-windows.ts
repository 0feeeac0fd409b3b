/**
 * Per-window liveness evidence of every door presentation of bench/challenge-door.ts (live
 * videos and attacks, ../shared/data), as the door's LivenessTracker sees them at 10 frames/s:
 * the first window the door would act on, and the spatial coherence of the non-rigid motion in
 * the windows that are clearly live by texture and motion level (what coherenceLiveMin is read
 * against; liveness-settings.ts).
 *
 *   npx tsx bench/liveness-windows.ts [--verbose] [name ...]
 *
 * --verbose prints every full window: time, verdict, PAD score and band, non-rigid and rigid
 * motion (x1e-3 of the face side), coherence and reasons. Names are presentation names
 * (`krz`, `tran_photo_swayed`, ...); none: every live video and every attack except the
 * looped stills (their frames do not move).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openVideoFrames } from '../src/main/adapters/ffmpeg-video-frames';
import {
  OnnxTextureLiveness,
  TEXTURE_CHANNEL_ORDER,
} from '../src/main/adapters/onnx-texture-liveness';
import { loadFacePipeline } from '../src/main/composition/onnx-models';
import { LivenessEngine } from '../src/main/core/liveness/liveness-engine';
import type { LivenessVerdict } from '../src/main/core/liveness/liveness-fusion';
import { loadPadModel } from '../src/main/core/liveness/pad-model-loader';
import { TexturePadScorer } from '../src/main/core/liveness/passive-scorer';
import { defaultModelsDir } from '../src/main/core/models/model-verifier';
import { sharedDataPath } from '../tests/support/shared-data';
import { makeTempDir } from '../tests/support/temp-dir';
import { ATTACKS, LIVE, type Presentation } from './lib/challenge-presentations';

const { values, positionals } = parseArgs({
  options: { verbose: { type: 'boolean', default: false } },
  allowPositionals: true,
});
const tmp = makeTempDir('bench-liveness-windows-');

/** The presentation's video: the shared clip, or the synthetic attack made from it now. */
function sourceOf(p: Presentation): { file: string; start: number } {
  const file = sharedDataPath(...p.file.split('/'));
  if (!p.synth) return { file, start: p.start };
  const out = join(tmp.dir, `${p.name}.mp4`);
  execFileSync('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y', '-ss', String(p.start), '-i', file],
    ...['-vf', p.synth, '-t', String(p.seconds), '-an', '-c:v', 'libx264', '-crf', '18'],
    ...['-pix_fmt', 'yuv420p', out],
  ]);
  return { file: out, start: 0 };
}

function describe(t: number, v: LivenessVerdict): string {
  const k = (x: number): string => (x * 1e3).toFixed(2);
  return [
    `${(t / 1000).toFixed(1)} s`,
    v.verdict,
    `pad ${v.passive.score.toFixed(2)} ${v.passive.band}`,
    `motion ${k(v.raw.motion)} rigid ${k(v.raw.rigidMotion)}`,
    `coherence ${v.raw.motionCoherence.toFixed(2)}`,
    v.reasons.join(','),
  ].join(' | ');
}

function quantile(xs: readonly number[], q: number): string {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(q * (s.length - 1))]!.toFixed(2) : '-';
}

async function windowsOf(engine: LivenessEngine, p: Presentation): Promise<void> {
  const { file, start } = sourceOf(p);
  const { frames } = await openVideoFrames(file, {
    startSeconds: start,
    maxSeconds: p.seconds,
    maxFps: 10,
  });
  const tracker = engine.tracker();
  const s = tracker.settings;
  const lines: string[] = [];
  const coherence: number[] = [];
  let first = '';
  for await (const f of frames) {
    const v = await tracker.push(f, await engine.largestFace(f), f.timestampMs);
    if (v.reasons.includes('collecting')) continue;
    const line = describe(f.timestampMs, v);
    if (!first && !v.reasons.includes('spoof_pending')) first = line;
    if (v.passive.band === 'clear_live' && v.raw.motion >= s.motionLiveMin)
      coherence.push(v.raw.motionCoherence);
    lines.push(line);
  }
  console.log(
    `| ${p.name} | ${p.species} | ${coherence.length} | ${quantile(coherence, 0)} / ${quantile(coherence, 0.1)} / ${quantile(coherence, 0.5)} / ${quantile(coherence, 1)} | ${first || 'none'} |`,
  );
  if (values.verbose) console.log(lines.map((l) => `    ${l}`).join('\n'));
}

async function main(): Promise<void> {
  const models = defaultModelsDir();
  const engine = new LivenessEngine(
    await loadFacePipeline(models),
    new TexturePadScorer(
      await OnnxTextureLiveness.create(models, TEXTURE_CHANNEL_ORDER),
      loadPadModel(models),
    ),
  );
  const chosen = [...LIVE, ...ATTACKS].filter((p) =>
    positionals.length ? positionals.includes(p.name) : !p.name.endsWith('_still'),
  );
  console.log(
    '| presentation | species | windows clear_live with live motion | their coherence min / p10 / p50 / max | first window the door acts on |',
  );
  console.log('| --- | --- | ---: | --- | --- |');
  try {
    for (const p of chosen) await windowsOf(engine, p);
  } finally {
    await engine.close();
    tmp.cleanup();
  }
}

void main();
