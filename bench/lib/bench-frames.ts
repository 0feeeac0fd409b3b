/**
 * Camera-like frames for the latency benchmarks, made at run time from the shared talking-head
 * clips (never copied into the repo): the clip letterboxed into 640x480, as Chromium's fake
 * camera delivers it in the e2e tests (tests/support/video-clips.ts clipToY4m uses the same filter).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDataPath } from '../../tests/support/shared-data';

export const FRAME_WIDTH = 640;
export const FRAME_HEIGHT = 480;

/** The most webcam-like clip (a man with glasses at a phone-held camera; 720x1280, 30 fps). */
export function benchClip(): string {
  return sharedDataPath('video', 'liveportrait_d13.mp4');
}

/** ffmpeg's filter for a VGA webcam view of a clip (portrait clips get side bars). */
export function vgaFilter(fps: number): string {
  return `scale=${FRAME_WIDTH}:${FRAME_HEIGHT}:force_original_aspect_ratio=decrease,pad=${FRAME_WIDTH}:${FRAME_HEIGHT}:(ow-iw)/2:(oh-ih)/2,fps=${fps}`;
}

/**
 * `count` consecutive 640x480 PNG frames of `input` from `startSec` at `fps`, written to
 * `outDir`; returns their paths in order.
 */
export function extractVgaFrames(
  input: string,
  outDir: string,
  startSec: number,
  count: number,
  fps = 15,
): string[] {
  execFileSync(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-ss',
      String(startSec),
      '-i',
      input,
      '-vf',
      vgaFilter(fps),
      '-frames:v',
      String(count),
      join(outDir, 'frame-%04d.png'),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const frames = readdirSync(outDir)
    .filter((f) => /^frame-\d{4}\.png$/.test(f))
    .sort()
    .map((f) => join(outDir, f));
  if (frames.length < count)
    throw new Error(`ffmpeg gave ${frames.length} frames of ${input}, wanted ${count}`);
  return frames;
}
