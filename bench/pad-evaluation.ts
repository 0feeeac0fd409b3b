/**
 * Presentation-attack detection evaluation in the ISO/IEC 30107-3 style, on ../shared/data.
 *
 *   npx tsx bench/pad-evaluation.ts [--max-seconds 6] [--channel-order bgr|rgb] [--json]
 *     [--fps 15] [--window-ms N] [--window-frames N] [--spoof-confirm N] [--face-px N]
 *
 * --face-px N: every frame is first shrunk as the door terminal shrinks the region it sends
 * (src/shared/sent-face-scale.ts: the face box keeps N pixels, 1/8 steps, hysteresis), then
 * detected and judged on the shrunk pixels. The face box here is fr_detect's, larger than the
 * terminal's MediaPipe box, so frames are shrunk a little more than at the door.
 *
 * --fps keeps at most that many frames a second (a terminal that decides on fewer of the camera's
 * frames sees the person at that rate); --window-ms / --window-frames / --spoof-confirm
 * (spoofConfirmWindows) evaluate other window settings than the defaults.
 *
 * Video presentations go through exactly what `station liveness` runs (ffmpeg, each recorded
 * frame at its own time, at most --fps frames a second: frames dropped, never repeated; the
 * largest face, LivenessTracker + fusion with the default settings); the door's decision is the
 * first live window or first run of spoofConfirmWindows spoof windows. Reported:
 * - APCER per attack species: the share of attack presentations whose decision is `live`;
 * - BPCER: the share of bona fide presentations whose decision is not `live` (spoof or never
 *   conclusive: either way the door stays shut), and separately the share called `spoof`;
 * - the same per sliding window (all windows of a clip; windows overlap, so they are not
 *   independent: read them as stability, not as extra samples);
 * Single frames and still photos are judged by bench/pad-loso.ts (leave-one-source-out).
 *
 * Species:
 * - replay: spoof/videos/*_replay. zubair_replay shows the real person beside the phone for
 *   its first ~1.7 s, so that presentation starts at 2.0 s (before that it is bona fide).
 * - print, hand-held (SYNTHETIC): the two silent-face print/screen samples, swayed and rotated
 *   like a hand-held photo, with sensor noise, H.264-encoded at test time with ffmpeg.
 * - photo of a live frame, hand-held (SYNTHETIC): a frame of each *_real clip treated the same
 *   way: the strongest case for the motion cue, since its texture is that of a live frame.
 * - still image looped (a frozen virtual camera): the same sources, unmoving.
 * Bona fide: spoof/videos/*_real and the 9 talking-head clips in video/ (largest face).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { openVideoFrames } from '../src/main/adapters/ffmpeg-video-frames';
import type { ChannelOrder } from '../src/main/adapters/onnx-embedder';
import {
  OnnxTextureLiveness,
  TEXTURE_CHANNEL_ORDER,
} from '../src/main/adapters/onnx-texture-liveness';
import { loadPadModel } from '../src/main/core/liveness/pad-model-loader';
import type { PassiveThresholds } from '../src/main/core/liveness/passive-assessment';
import { TexturePadScorer } from '../src/main/core/liveness/passive-scorer';
import { LivenessEngine } from '../src/main/core/liveness/liveness-engine';
import type { LivenessVerdict } from '../src/main/core/liveness/liveness-fusion';
import {
  DEFAULT_LIVENESS_SETTINGS,
  parseLivenessSettings,
  type LivenessSettings,
} from '../src/main/core/liveness/liveness-settings';
import { streamLiveness, type StreamFrame } from '../src/main/core/liveness/stream-liveness';
import { defaultModelsDir } from '../src/main/core/models/model-verifier';
import { resizeBilinear } from '../src/main/core/vision/image-ops';
import { sentFaceScale } from '../src/shared/sent-face-scale';
import { median, percentile } from './lib/bench-stats';
import { sharedDataDir } from '../tests/support/shared-data';
import { loadFacePipeline } from '../src/main/composition/onnx-models';

interface Presentation {
  name: string;
  species: string;
  attack: boolean;
  file: string;
  start?: number;
}

interface VideoOutcome extends Presentation {
  decision: string;
  decidedAt: number | null;
  windows: Record<string, number>;
  textureMedian: number;
  motionMedian: number;
  framesWithFace: number;
  /** Per full window: texture, non-rigid motion, rigid motion (for --json calibration). */
  windowValues: [number, number, number][];
  error?: string;
}

const SWAY =
  "rotate='0.03*sin(2*PI*t*0.6)':fillcolor=gray,crop=iw*0.9:ih*0.9:'iw*0.05+12*sin(2*PI*t*0.45)':'ih*0.05+8*sin(2*PI*t*0.8+1)',scale=640:-2,noise=alls=5:allf=t";

function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: 'pipe' });
}

/** An upright PNG of a still (EXIF orientation applied) for ffmpeg to loop. */
async function uprightPng(src: string, out: string): Promise<string> {
  await sharp(src).rotate().png().toFile(out);
  return out;
}

function stillToClip(png: string, out: string, seconds: number, sway: boolean): string {
  const vf = sway ? SWAY : 'scale=640:-2';
  ffmpeg([
    '-loop',
    '1',
    '-framerate',
    '15',
    '-t',
    String(seconds),
    '-i',
    png,
    '-vf',
    vf,
    '-c:v',
    'libx264',
    '-pix_fmt',
    'yuv420p',
    '-crf',
    '23',
    out,
  ]);
  return out;
}

function trimClip(src: string, out: string, start: number, seconds: number): string {
  ffmpeg([
    '-ss',
    String(start),
    '-t',
    String(seconds),
    '-i',
    src,
    '-an',
    '-c:v',
    'libx264',
    '-crf',
    '18',
    '-pix_fmt',
    'yuv420p',
    out,
  ]);
  return out;
}

async function presentations(data: string, tmp: string, seconds: number): Promise<Presentation[]> {
  const spoof = join(data, 'spoof');
  const list: Presentation[] = [
    {
      name: 'apfol_real',
      species: 'bona fide',
      attack: false,
      file: join(spoof, 'videos', 'apfol_real.webm'),
    },
    {
      name: 'zubair_real',
      species: 'bona fide',
      attack: false,
      file: join(spoof, 'videos', 'zubair_real.mov'),
    },
    {
      name: 'apfol_replay',
      species: 'replay',
      attack: true,
      file: join(spoof, 'videos', 'apfol_replay.webm'),
    },
    {
      name: 'zubair_replay (from 2.0 s)',
      species: 'replay',
      attack: true,
      file: trimClip(
        join(spoof, 'videos', 'zubair_replay.mp4'),
        join(tmp, 'zubair_replay.mp4'),
        2,
        seconds,
      ),
    },
  ];
  for (const f of [
    'face_recognition_short_hamilton_clip',
    'liveportrait_d6',
    'liveportrait_d10',
    'liveportrait_d11',
    'liveportrait_d12',
    'liveportrait_d13',
    'liveportrait_d18',
    'liveportrait_d19',
    'liveportrait_d20',
  ]) {
    list.push({
      name: f,
      species: 'bona fide',
      attack: false,
      file: join(data, 'video', `${f}.mp4`),
    });
  }
  for (const f of ['image_F1', 'image_F2']) {
    const png = await uprightPng(
      join(spoof, 'silent_face_samples', `${f}.jpg`),
      join(tmp, `${f}.png`),
    );
    list.push({
      name: `${f} swayed`,
      species: 'print, hand-held (synthetic)',
      attack: true,
      file: stillToClip(png, join(tmp, `${f}-sway.mp4`), seconds, true),
    });
    list.push({
      name: `${f} looped`,
      species: 'still image looped',
      attack: true,
      file: stillToClip(png, join(tmp, `${f}-still.mp4`), seconds, false),
    });
  }
  for (const [n, src] of [
    ['apfol', 'apfol_real.webm'],
    ['zubair', 'zubair_real.mov'],
  ] as const) {
    const png = join(tmp, `${n}-frame.png`);
    ffmpeg(['-ss', '3', '-i', join(spoof, 'videos', src), '-frames:v', '1', png]);
    list.push({
      name: `${n} frame swayed`,
      species: 'photo of a live frame, hand-held (synthetic)',
      attack: true,
      file: stillToClip(png, join(tmp, `${n}-sway.mp4`), seconds, true),
    });
  }
  return list;
}

/** Decoding rate and liveness settings of this run (options --fps, --window-*). */
const run: { fps: number; settings: LivenessSettings; facePx: number | null } = {
  fps: 15,
  settings: DEFAULT_LIVENESS_SETTINGS,
  facePx: null,
};

/** The clip as the door would see it with --face-px: each frame shrunk by sentFaceScale. */
async function* shrunkFrames(
  frames: AsyncIterable<StreamFrame>,
  engine: LivenessEngine,
  facePx: number,
): AsyncIterable<StreamFrame> {
  let previous: number | null = null;
  for await (const frame of frames) {
    const face = await engine.largestFace(frame);
    if (!face) {
      yield frame;
      continue;
    }
    const side = Math.max(face.box.x2 - face.box.x1, face.box.y2 - face.box.y1);
    const k = sentFaceScale(side, previous, facePx);
    previous = k;
    // The shrunk frame keeps the time the camera took it.
    yield k < 1
      ? {
          ...resizeBilinear(
            frame,
            Math.max(1, Math.floor(frame.width * k)),
            Math.max(1, Math.floor(frame.height * k)),
          ),
          timestampMs: frame.timestampMs,
        }
      : frame;
  }
}

/** Milliseconds per LivenessTracker.push over all clips. */
const pushMs: number[] = [];

async function runVideo(
  engine: LivenessEngine,
  p: Presentation,
  seconds: number,
): Promise<VideoOutcome> {
  const texture: number[] = [];
  const motion: number[] = [];
  const windowValues: [number, number, number][] = [];
  const onWindow = (v: LivenessVerdict): void => {
    windowValues.push([v.components.texture, v.raw.motion, v.raw.rigidMotion]);
    texture.push(v.components.texture);
    if (Number.isFinite(v.raw.motion)) motion.push(v.raw.motion);
  };
  try {
    const { info, frames } = await openVideoFrames(p.file, {
      maxSeconds: seconds,
      maxFps: run.fps,
    });
    const tracker = engine.tracker();
    // Time the liveness step alone (texture + motion + fusion), not detection/landmarks.
    const push = tracker.push.bind(tracker);
    tracker.push = async (...args) => {
      const t0 = performance.now();
      const v = await push(...args);
      pushMs.push(performance.now() - t0);
      return v;
    };
    const source = run.facePx === null ? frames : shrunkFrames(frames, engine, run.facePx);
    const r = await streamLiveness(source, (f) => engine.largestFace(f), tracker, {
      fps: info.fps,
      stopAtDecision: false,
      source: p.name,
      onWindow,
    });
    return {
      ...p,
      decision: r.decision.verdict,
      decidedAt: r.decidedAt,
      windows: r.windows,
      textureMedian: median(texture),
      motionMedian: median(motion),
      framesWithFace: r.framesWithFace,
      windowValues,
    };
  } catch (err) {
    return {
      ...p,
      decision: 'error',
      decidedAt: null,
      windows: {},
      textureMedian: Number.NaN,
      motionMedian: Number.NaN,
      framesWithFace: 0,
      windowValues,
      error: err instanceof Error ? err.message : String(err),
    };
  }
}

const pct = (k: number, n: number): string =>
  n ? `${((100 * k) / n).toFixed(1)} % (${k}/${n})` : '-';
const f3 = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : '-');
const f4k = (x: number): string => (Number.isFinite(x) ? (1000 * x).toFixed(2) : '-');

function report(
  videos: VideoOutcome[],
  order: ChannelOrder,
  seconds: number,
  bands: PassiveThresholds,
): string {
  const s = run.settings;
  const out: string[] = [];
  out.push(
    `Settings: window >= ${s.windowFrames} frames spanning >= ${s.windowMs} ms, spoof confirmed over ${s.spoofConfirmWindows} windows, clips at ${run.fps} fps, passive (PAD model) spoof < ${bands.spoofBelow} / clearly live >= ${bands.clearLiveMin} (${bands.origin}), motion spoof < ${s.motionSpoofBelow} / live >= ${s.motionLiveMin}, score live >= ${s.scoreLiveMin}; texture channel order ${order}; first ${seconds} s of each clip${run.facePx === null ? '' : `; frames shrunk to a ${run.facePx} px face (--face-px)`}.`,
    '',
  );
  out.push(
    '| presentation | species | decision (frame) | windows live / spoof / inconcl. | texture median | motion median (x1e-3 face) |',
    '|---|---|---|---|---|---|',
  );
  for (const v of videos) {
    const w = v.windows;
    out.push(
      `| ${v.name} | ${v.species} | ${v.error ? `error: ${v.error}` : `${v.decision}${v.decidedAt ? ` (${v.decidedAt})` : ''}`} | ${w.live ?? 0} / ${w.spoof ?? 0} / ${w.inconclusive ?? 0} | ${f3(v.textureMedian)} | ${f4k(v.motionMedian)} |`,
    );
  }
  out.push(
    '',
    '| species | presentations | APCER (decision live) | window APCER |',
    '|---|---|---|---|',
  );
  const species = [...new Set(videos.filter((v) => v.attack).map((v) => v.species))];
  for (const sp of species) {
    const vs = videos.filter((v) => v.species === sp);
    const wl = vs.reduce((a, v) => a + (v.windows.live ?? 0), 0);
    const wn = vs.reduce(
      (a, v) => a + (v.windows.live ?? 0) + (v.windows.spoof ?? 0) + (v.windows.inconclusive ?? 0),
      0,
    );
    out.push(
      `| ${sp} | ${vs.length} | ${pct(vs.filter((v) => v.decision === 'live').length, vs.length)} | ${pct(wl, wn)} |`,
    );
  }
  const bona = videos.filter((v) => !v.attack);
  const bw = bona.reduce(
    (a, v) => a + (v.windows.live ?? 0) + (v.windows.spoof ?? 0) + (v.windows.inconclusive ?? 0),
    0,
  );
  const bnl = bona.reduce((a, v) => a + (v.windows.spoof ?? 0) + (v.windows.inconclusive ?? 0), 0);
  out.push(
    '',
    '| bona fide | presentations | BPCER (decision not live) | decision spoof | window BPCER |',
    '|---|---|---|---|---|',
  );
  out.push(
    `| live clips | ${bona.length} | ${pct(bona.filter((v) => v.decision !== 'live').length, bona.length)} | ${pct(bona.filter((v) => v.decision === 'spoof').length, bona.length)} | ${pct(bnl, bw)} |`,
  );
  const sorted = [...pushMs].sort((a, b) => a - b);
  out.push(
    '',
    `LivenessTracker.push (texture network + motion + fusion, detection excluded): p50 ${f3(percentile(sorted, 0.5))} ms, p95 ${f3(percentile(sorted, 0.95))} ms over ${sorted.length} frames.`,
  );
  return out.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'max-seconds': { type: 'string', default: '6' },
      'channel-order': { type: 'string', default: TEXTURE_CHANNEL_ORDER },
      json: { type: 'boolean', default: false },
      fps: { type: 'string', default: '15' },
      'window-ms': { type: 'string' },
      'window-frames': { type: 'string' },
      'spoof-confirm': { type: 'string' },
      'face-px': { type: 'string' },
    },
  });
  run.fps = Number(values.fps);
  run.facePx = values['face-px'] ? Number(values['face-px']) : null;
  run.settings = parseLivenessSettings({
    ...DEFAULT_LIVENESS_SETTINGS,
    ...(values['window-ms'] ? { windowMs: Number(values['window-ms']) } : {}),
    ...(values['window-frames'] ? { windowFrames: Number(values['window-frames']) } : {}),
    ...(values['spoof-confirm'] ? { spoofConfirmWindows: Number(values['spoof-confirm']) } : {}),
  });
  const seconds = Number(values['max-seconds']);
  const order = values['channel-order'] === 'rgb' ? 'rgb' : 'bgr';
  const data = sharedDataDir();
  const tmp = mkdtempSync(join(tmpdir(), 'pad-eval-'));
  try {
    const started = performance.now();
    const models = defaultModelsDir();
    const engine = new LivenessEngine(
      await loadFacePipeline(models),
      new TexturePadScorer(await OnnxTextureLiveness.create(models, order), loadPadModel(models)),
      run.settings,
    );
    const videos: VideoOutcome[] = [];
    for (const p of await presentations(data, tmp, seconds)) {
      videos.push(await runVideo(engine, p, seconds));
      process.stderr.write(`${p.name}: ${videos.at(-1)?.decision}\n`);
    }
    console.log(
      values.json
        ? JSON.stringify({ videos }, null, 2)
        : report(videos, order, seconds, engine.tracker().bands),
    );
    console.log(`\n(${((performance.now() - started) / 1000).toFixed(0)} s on this machine)`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

void main();
