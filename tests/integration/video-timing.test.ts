import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openVideoFrames,
  type VideoDecodeOptions,
  type VideoFrame,
} from '../../src/main/adapters/ffmpeg-video-frames';
import { defaultModelsDir } from '../../src/main/core/models/model-verifier';
import { largestFace } from '../../src/main/core/vision/face-choice';
import { sharedDataPath } from '../support/shared-data';
import { stationCli } from '../support/station-cli-runner';
import { makeTempDir } from '../support/temp-dir';
import { ffmpegAvailable } from '../support/video-clips';
import { loadLivenessEngine } from '../../src/main/composition/onnx-models';

/**
 * Issue 12, item 5: recordings are judged as the camera delivered them. Variants of real clips
 * made at test time: a 2 fps recording, a variable-rate one, and a phone-style recording whose
 * pixels are stored sideways with a rotation tag that stands them upright.
 */
const tmp = makeTempDir('station-video-timing-');
const apfol = sharedDataPath('spoof', 'videos', 'apfol_real.webm');
const zubair = sharedDataPath('spoof', 'videos', 'zubair_real.mov');
const clips = { twoFps: '', vfr: '', rotated: '' };

function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: 'pipe' });
}

const h264 = ['-an', '-c:v', 'libx264', '-crf', '18', '-pix_fmt', 'yuv420p'];

async function readAll(file: string, opts: VideoDecodeOptions = {}): Promise<VideoFrame[]> {
  const { frames } = await openVideoFrames(file, opts);
  const out: VideoFrame[] = [];
  for await (const f of frames) out.push(f);
  return out;
}

function identicalNeighbours(frames: readonly VideoFrame[]): number {
  let n = 0;
  for (let i = 1; i < frames.length; i++)
    if (Buffer.from(frames[i]!.data).equals(frames[i - 1]!.data)) n++;
  return n;
}

beforeAll(() => {
  clips.twoFps = join(tmp.dir, 'two-fps.mp4');
  ffmpeg(['-t', '4', '-i', apfol, '-vf', 'fps=2', ...h264, clips.twoFps]);
  // Keeps frames 0-3 and 7 of every 10: gaps of 33, 100 and 133 ms, like a camera that stalls.
  clips.vfr = join(tmp.dir, 'vfr.mp4');
  ffmpeg([
    '-t',
    '4',
    '-i',
    apfol,
    '-vf',
    "select='lt(mod(n\\,10)\\,4)+eq(mod(n\\,10)\\,7)'",
    '-fps_mode',
    'vfr',
    ...h264,
    clips.vfr,
  ]);
  // A phone held upright stores landscape pixels and a tag that turns them for display.
  const sideways = join(tmp.dir, 'sideways.mp4');
  ffmpeg(['-t', '3', '-i', zubair, '-vf', 'transpose=1', ...h264, sideways]);
  clips.rotated = join(tmp.dir, 'rotated.mp4');
  ffmpeg(['-i', sideways, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', clips.rotated]);
});
afterAll(() => tmp.cleanup());

describe.skipIf(!ffmpegAvailable())('the frame reader keeps the recording’s own timing', () => {
  it('a 2 fps recording gives 2 frames a second, 500 ms apart, none repeated', async () => {
    const frames = await readAll(clips.twoFps);
    expect(frames.length).toBe(8);
    expect(frames.map((f) => Math.round(f.timestampMs))).toEqual([
      0, 500, 1000, 1500, 2000, 2500, 3000, 3500,
    ]);
    expect(identicalNeighbours(frames)).toBe(0);
  });

  it('a variable-rate recording keeps its uneven gaps, never filled with copies', async () => {
    const frames = await readAll(clips.vfr);
    const gaps = frames.slice(1).map((f, i) => f.timestampMs - frames[i]!.timestampMs);
    expect(gaps.every((g) => g > 0)).toBe(true);
    expect(Math.min(...gaps)).toBeLessThan(40);
    expect(Math.max(...gaps)).toBeGreaterThan(90);
    // 5 of every 10 source frames over 4 s of a 30 fps (variable) clip.
    expect(frames.length).toBeGreaterThan(45);
    expect(frames.length).toBeLessThan(75);
    expect(identicalNeighbours(frames)).toBe(0);
  });

  it('maxFps only drops frames: a 30 fps clip read at most 10 a second', async () => {
    const frames = await readAll(apfol, { maxSeconds: 2, maxFps: 10 });
    const gaps = frames.slice(1).map((f, i) => f.timestampMs - frames[i]!.timestampMs);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(99);
    expect(frames.length).toBeGreaterThanOrEqual(15);
    expect(frames.length).toBeLessThanOrEqual(21);
  });

  it('a phone recording tagged as rotated comes out upright', async () => {
    const { info, frames } = await openVideoFrames(clips.rotated, { maxSeconds: 1 });
    expect(info.rotation).not.toBe(0);
    // Stored 540x960 (sideways), displayed 960x540.
    expect([info.width, info.height]).toEqual([960, 540]);
    expect(info.outWidth).toBeGreaterThan(info.outHeight);
    const engine = await loadLivenessEngine(defaultModelsDir());
    try {
      for await (const frame of frames) {
        expect([frame.width, frame.height]).toEqual([info.outWidth, info.outHeight]);
        const face = largestFace(await engine.pipeline.analyzeImage(frame));
        if (!face) throw new Error('no face in the upright frame');
        // Upright: the eyes side by side, not one above the other.
        const [left, right] = face.five;
        expect(Math.abs(right[0] - left[0])).toBeGreaterThan(3 * Math.abs(right[1] - left[1]));
        break;
      }
    } finally {
      await engine.close();
    }
  });
});

describe.skipIf(!ffmpegAvailable())('`station liveness` on recordings at their own rate', () => {
  const station = stationCli(join(tmp.dir, 'unused-data'));
  type LivenessJson = { verdict: string; reasons: string[]; video: { fps: number } };

  it('judges a 2 fps and a variable-rate live recording without calling them frozen', () => {
    for (const file of [clips.twoFps, clips.vfr]) {
      const r = station('liveness', file, '--json');
      expect(r.code, r.stderr).toBe(0);
      const v = r.json as LivenessJson;
      expect(v.reasons).not.toContain('frozen_stream');
      expect(v.verdict).toBe('live');
    }
    const two = station('liveness', clips.twoFps, '--json').json as LivenessJson;
    expect(two.video.fps).toBe(2);
  });

  it('judges the rotated phone recording upright (live)', () => {
    const r = station('liveness', clips.rotated, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect((r.json as LivenessJson).verdict).toBe('live');
  });
});
