/**
 * Decodes a video file frame by frame with Debian's ffmpeg, as the camera delivered it: every
 * recorded frame once, at its own time (a 2 fps or variable-rate recording stays so; no frame
 * is ever duplicated to reach a nominal rate), turned upright by the recording's rotation tag,
 * shrunk to fit VGA, raw RGB24 through a pipe (no temporary files, one frame in memory at a
 * time). The only module that runs ffmpeg/ffprobe.
 */
import { spawn } from 'node:child_process';
import { StationError } from '../../shared/errors';
import type { RgbImage } from '../core/vision/vision.types';
import { probeVideo, unreadableVideo } from './ffprobe-video';
import { FrameTimes } from './ffmpeg-frame-times';

export interface VideoDecodeOptions {
  /**
   * At most this many frames a second: later frames closer than 1/maxFps to the last kept one
   * are dropped (a busy terminal that answers fewer frames than the camera gives). Frames are
   * only ever dropped, never repeated. Default: every recorded frame.
   */
  maxFps?: number;
  /** Frames are shrunk (never enlarged) to fit this box, aspect kept. */
  maxWidth?: number;
  maxHeight?: number;
  /** Start this many seconds into the video (its frames' times then count from there). */
  startSeconds?: number;
  /** Stop after this many seconds of video. */
  maxSeconds?: number;
}

export interface VideoInfo {
  /** Size as displayed (after the rotation tag). */
  width: number;
  height: number;
  /** Size of the decoded frames. */
  outWidth: number;
  outHeight: number;
  /** Nominal (average) frame rate the container states; frames carry their own times. */
  fps: number;
  /** Clockwise degrees the frames were turned to stand upright (0, 90, 180, 270). */
  rotation: number;
}

/** One decoded frame and its time in the recording (ms from the first frame). */
export interface VideoFrame extends RgbImage {
  timestampMs: number;
}

function fitSize(w: number, h: number, maxW: number, maxH: number): [number, number] {
  const k = Math.min(1, maxW / w, maxH / h);
  // Even sizes: some scalers and every yuv420 source round odd sizes differently.
  return [Math.max(2, 2 * Math.round((w * k) / 2)), Math.max(2, 2 * Math.round((h * k) / 2))];
}

/**
 * Opens `file` and returns its info plus an async iterator of timed frames. Throws
 * UNREADABLE_IMAGE for a missing, non-video or corrupt file (also when the corruption shows up
 * mid-stream).
 */
export async function openVideoFrames(
  file: string,
  opts: VideoDecodeOptions = {},
): Promise<{ info: VideoInfo; frames: AsyncGenerator<VideoFrame> }> {
  const p = await probeVideo(file);
  const [outWidth, outHeight] = fitSize(
    p.width,
    p.height,
    opts.maxWidth ?? 640,
    opts.maxHeight ?? 480,
  );
  const info: VideoInfo = {
    width: p.width,
    height: p.height,
    outWidth,
    outHeight,
    fps: opts.maxFps ? Math.min(opts.maxFps, p.fps) : p.fps,
    rotation: p.rotation,
  };
  const frames = decodeFrames(file, info, opts);
  return { info, frames: opts.maxFps ? atMost(frames, opts.maxFps) : frames };
}

/** Drops frames closer than 1/maxFps to the last kept one (never repeats any). */
async function* atMost(
  frames: AsyncGenerator<VideoFrame>,
  maxFps: number,
): AsyncGenerator<VideoFrame> {
  // Half a millisecond of slack: 30 fps timestamps rounded to ms must not lose every other frame.
  const gap = 1000 / maxFps - 0.5;
  let last = Number.NEGATIVE_INFINITY;
  for await (const f of frames) {
    if (f.timestampMs - last < gap) continue;
    last = f.timestampMs;
    yield f;
  }
}

function ffmpegArgs(file: string, info: VideoInfo, opts: VideoDecodeOptions): string[] {
  // ffmpeg turns the frames upright itself (autorotate, the default); `level` prefixes every
  // log line with its level, so errors can be told from showinfo's per-frame lines.
  const args = ['-hide_banner', '-nostats', '-loglevel', 'level+info'];
  if (opts.startSeconds !== undefined) args.push('-ss', String(opts.startSeconds));
  args.push('-i', file, '-an');
  if (opts.maxSeconds !== undefined) args.push('-t', String(opts.maxSeconds));
  args.push(
    // passthrough: each decoded frame once with its own timestamp (no fps filter, no
    // duplicates); setpts first, so a stream that starts after its container (a video track at
    // 0.85 s) still starts at 0; showinfo reports each frame's time on stderr.
    '-fps_mode',
    'passthrough',
    '-vf',
    `setpts=PTS-STARTPTS,showinfo,scale=${info.outWidth}:${info.outHeight}:flags=area`,
    '-pix_fmt',
    'rgb24',
    '-f',
    'rawvideo',
    'pipe:1',
  );
  return args;
}

async function* decodeFrames(
  file: string,
  info: VideoInfo,
  opts: VideoDecodeOptions,
): AsyncGenerator<VideoFrame> {
  const child = spawn('ffmpeg', ffmpegArgs(file, info, opts), {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const times = new FrameTimes();
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => times.feed(s));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      times.end();
      resolve(code);
    });
  });
  // Awaited below; this keeps an early stop by the consumer from leaving it unhandled.
  exited.catch(() => undefined);
  const frameBytes = info.outWidth * info.outHeight * 3;
  let buf: Buffer = Buffer.alloc(0);
  let index = 0;
  let finished = false;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      while (buf.length >= frameBytes) {
        const data = new Uint8Array(frameBytes);
        data.set(buf.subarray(0, frameBytes));
        buf = buf.subarray(frameBytes);
        const timestampMs = await times.of(index++);
        if (timestampMs === null) throw unreadableVideo(file, 'a frame came without its time');
        yield { width: info.outWidth, height: info.outHeight, data, timestampMs };
      }
    }
    const code = await exited.catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT')
        throw new StationError('NATIVE_MISSING', 'ffmpeg not found: install Debian ffmpeg');
      throw err;
    });
    finished = true;
    if (code !== 0)
      throw unreadableVideo(file, times.firstError() ?? `ffmpeg exit ${String(code)}`);
  } finally {
    // The consumer may stop early (a decision reached): do not leave ffmpeg running.
    if (!finished && child.exitCode === null) child.kill('SIGKILL');
  }
}
