/**
 * Decodes a video file frame by frame with Debian's ffmpeg, as a camera would deliver it:
 * resampled to a camera-like frame rate, shrunk to fit VGA, raw RGB24 through a pipe (no
 * temporary files, one frame in memory at a time). The only module that runs ffmpeg/ffprobe.
 */
import { execFile, spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { StationError } from '../../shared/errors';
import type { RgbImage } from '../core/vision/vision.types';

const execFileAsync = promisify(execFile);

export interface VideoDecodeOptions {
  /** Output frame rate; 15 fps is what a USB camera delivers in typical indoor light. */
  fps?: number;
  /** Frames are shrunk (never enlarged) to fit this box, aspect kept. */
  maxWidth?: number;
  maxHeight?: number;
  /** Stop after this many seconds of video. */
  maxSeconds?: number;
}

export interface VideoInfo {
  width: number;
  height: number;
  /** Size of the decoded frames. */
  outWidth: number;
  outHeight: number;
  fps: number;
}

function unreadable(file: string, why: string): StationError {
  // No video-specific code exists yet; UNREADABLE_IMAGE is "this media file cannot be decoded".
  return new StationError('UNREADABLE_IMAGE', `Cannot decode video ${file}: ${why}`);
}

async function probe(file: string): Promise<{ width: number; height: number }> {
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new Error('not a regular file');
  } catch (err) {
    throw unreadable(file, err instanceof Error ? err.message : String(err));
  }
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync('ffprobe', [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=width,height',
      '-of',
      'json',
      file,
    ]));
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') {
      throw new StationError('NATIVE_MISSING', 'ffprobe/ffmpeg not found: install Debian ffmpeg');
    }
    throw unreadable(file, (e.stderr ?? e.message).trim().split('\n')[0] ?? 'ffprobe failed');
  }
  const parsed = JSON.parse(stdout) as { streams?: { width?: number; height?: number }[] };
  const v = parsed.streams?.[0];
  if (!v?.width || !v.height) throw unreadable(file, 'no video stream');
  return { width: v.width, height: v.height };
}

function fitSize(w: number, h: number, maxW: number, maxH: number): [number, number] {
  const k = Math.min(1, maxW / w, maxH / h);
  // Even sizes: some scalers and every yuv420 source round odd sizes differently.
  return [Math.max(2, 2 * Math.round((w * k) / 2)), Math.max(2, 2 * Math.round((h * k) / 2))];
}

/**
 * Opens `file` and returns its info plus an async iterator of frames. Throws UNREADABLE_IMAGE for
 * a missing, non-video or corrupt file (also when the corruption shows up mid-stream).
 */
export async function openVideoFrames(
  file: string,
  opts: VideoDecodeOptions = {},
): Promise<{ info: VideoInfo; frames: AsyncGenerator<RgbImage> }> {
  const { width, height } = await probe(file);
  const fps = opts.fps ?? 15;
  const [outWidth, outHeight] = fitSize(width, height, opts.maxWidth ?? 640, opts.maxHeight ?? 480);
  const info: VideoInfo = { width, height, outWidth, outHeight, fps };
  return { info, frames: decodeFrames(file, info, opts.maxSeconds) };
}

async function* decodeFrames(
  file: string,
  info: VideoInfo,
  maxSeconds?: number,
): AsyncGenerator<RgbImage> {
  const args = ['-hide_banner', '-v', 'error', '-noautorotate', '-i', file, '-an'];
  if (maxSeconds !== undefined) args.push('-t', String(maxSeconds));
  args.push(
    '-vf',
    // setpts first: a stream that starts later than its container (face_recognition_short_
    // hamilton_clip: video at 0.85 s) would otherwise be padded by the fps filter with copies
    // of its first frame, which a camera never delivers and the frozen-stream check rejects.
    `setpts=PTS-STARTPTS,fps=${info.fps},scale=${info.outWidth}:${info.outHeight}:flags=area`,
    '-pix_fmt',
    'rgb24',
    '-f',
    'rawvideo',
    'pipe:1',
  );
  const child = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => {
    if (stderr.length < 4000) stderr += s;
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  // Awaited below; this keeps an early stop by the consumer from leaving it unhandled.
  exited.catch(() => undefined);
  const frameBytes = info.outWidth * info.outHeight * 3;
  let buf: Buffer = Buffer.alloc(0);
  let finished = false;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      while (buf.length >= frameBytes) {
        const data = new Uint8Array(frameBytes);
        data.set(buf.subarray(0, frameBytes));
        buf = buf.subarray(frameBytes);
        yield { width: info.outWidth, height: info.outHeight, data };
      }
    }
    const code = await exited.catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT')
        throw new StationError('NATIVE_MISSING', 'ffmpeg not found: install Debian ffmpeg');
      throw err;
    });
    finished = true;
    if (code !== 0)
      throw unreadable(file, stderr.trim().split('\n')[0] ?? `ffmpeg exit ${String(code)}`);
  } finally {
    // The consumer may stop early (a decision reached): do not leave ffmpeg running.
    if (!finished && child.exitCode === null) child.kill('SIGKILL');
  }
}
