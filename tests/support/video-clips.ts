/**
 * Test-time conversions of the shared talking-head clips (never copied into the repo):
 * a short `.y4m` for Chromium's fake camera, and still frames to enrol from.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface ClipSpan {
  /** Seconds from the start of the clip. */
  start: number;
  /** Seconds; keep short: a 640x480 y4m is ~7 MB per second at 15 fps. */
  duration: number;
}

export function ffmpegAvailable(): boolean {
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

/** ffmpeg input options reading `span` of `input`. */
function spanOf(input: string, span: ClipSpan): string[] {
  return ['-ss', String(span.start), '-t', String(span.duration), '-i', input];
}

/** Letterboxed into 640x480 at `fps`: what a VGA webcam delivers. */
const webcamVga = (fps: number): string =>
  `scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2,fps=${fps}`;

/**
 * A webcam-like VGA stream: the clip letterboxed into 640x480 (portrait clips get side bars,
 * as a phone-shaped source would on a real camera), at 15 fps, in the yuv420p Chromium reads.
 */
export function clipToY4m(input: string, output: string, span: ClipSpan, fps = 15): string {
  ffmpeg([...spanOf(input, span), '-vf', webcamVga(fps), '-pix_fmt', 'yuv420p', output]);
  return output;
}

/**
 * Like clipToY4m, but the span plays forward then backward, so the fake camera's loop has no
 * jump: a person who stays at the door stays in place, instead of teleporting every loop (a
 * face that jumps is a new face to the station's tracker, decided afresh: a second grant).
 */
export function clipToSeamlessY4m(
  input: string,
  output: string,
  span: ClipSpan,
  fps = 15,
  /** Extra filters before the webcam conversion (e.g. `hflip`: a mirrored recording). */
  pre = '',
): string {
  const first = pre ? `${pre},` : '';
  ffmpeg([
    ...spanOf(input, span),
    '-filter_complex',
    `[0:v]${first}${webcamVga(fps)},split[f][b];[b]reverse[r];[f][r]concat=n=2:v=1[v]`,
    '-map',
    '[v]',
    '-pix_fmt',
    'yuv420p',
    output,
  ]);
  return output;
}

/** `count` JPEG stills spread evenly over `span`, at the clip's own resolution. */
export function extractStills(
  input: string,
  outDir: string,
  span: ClipSpan,
  count: number,
  prefix = 'still',
): string[] {
  ffmpeg([
    '-ss',
    String(span.start),
    '-t',
    String(span.duration),
    '-i',
    input,
    '-vf',
    `fps=${count / span.duration}`,
    '-frames:v',
    String(count),
    '-q:v',
    '2',
    join(outDir, `${prefix}-%02d.jpg`),
  ]);
  return readdirSync(outDir)
    .filter((f) => f.startsWith(`${prefix}-`) && f.endsWith('.jpg'))
    .sort()
    .map((f) => join(outDir, f));
}

/**
 * Two real clips side by side in one 640x480 stream: two live people in front of the door at
 * once (the tailgating case), each letterboxed into half the frame.
 */
export function sideBySideY4m(
  left: string,
  right: string,
  output: string,
  span: ClipSpan,
  fps = 15,
): string {
  const half = `scale=320:480:force_original_aspect_ratio=decrease,pad=320:480:(ow-iw)/2:(oh-ih)/2,fps=${fps}`;
  ffmpeg([
    '-ss',
    String(span.start),
    '-t',
    String(span.duration),
    '-i',
    left,
    '-ss',
    String(span.start),
    '-t',
    String(span.duration),
    '-i',
    right,
    '-filter_complex',
    `[0:v]${half}[l];[1:v]${half}[r];[l][r]hstack=inputs=2`,
    '-pix_fmt',
    'yuv420p',
    output,
  ]);
  return output;
}

/** One still image repeated as a camera stream: a printed photo held perfectly still. */
export function stillToY4m(image: string, output: string, seconds: number, fps = 15): string {
  ffmpeg([
    '-loop',
    '1',
    '-t',
    String(seconds),
    '-i',
    image,
    '-vf',
    `scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2,fps=${fps}`,
    '-pix_fmt',
    'yuv420p',
    output,
  ]);
  return output;
}

/**
 * Like clipToSeamlessY4m, but the `held` part of the span (absolute seconds in the input) plays
 * forward and backward `times` times before the clip goes on: a short head turn in real footage
 * becomes a turn the person holds for a while (every frame is still a real camera frame; no
 * frame is frozen), which a station answering a few frames a second cannot miss.
 */
export function clipWithHeldSpanY4m(
  input: string,
  output: string,
  span: ClipSpan,
  held: ClipSpan,
  times: number,
  pre = '',
): string {
  const first = pre ? `${pre},` : '';
  const h0 = held.start - span.start;
  const h1 = h0 + held.duration;
  const copies = Array.from({ length: times }, (_, i) => i + 1);
  const graph = [
    `[0:v]${first}split=3[a][b][c]`,
    `[a]trim=end=${h0},setpts=PTS-STARTPTS[lead]`,
    `[b]trim=start=${h0}:end=${h1},setpts=PTS-STARTPTS,split=2[h][hx]`,
    `[hx]reverse[hr]`,
    `[h]split=${times}${copies.map((i) => `[h${i}]`).join('')}`,
    `[hr]split=${times}${copies.map((i) => `[r${i}]`).join('')}`,
    `[c]trim=start=${h1},setpts=PTS-STARTPTS[tail]`,
    `[lead]${copies.map((i) => `[h${i}][r${i}]`).join('')}[tail]concat=n=${2 * times + 2}:v=1,${webcamVga(15)},split[f][bk]`,
    `[bk]reverse[rv]`,
    `[f][rv]concat=n=2:v=1[v]`,
  ].join(';');
  ffmpeg([
    ...spanOf(input, span),
    '-filter_complex',
    graph,
    '-map',
    '[v]',
    '-pix_fmt',
    'yuv420p',
    output,
  ]);
  return output;
}
