/** What ffprobe says about a video file before it is decoded: size, rate, rotation tag. */
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { StationError } from '../../shared/errors';

const execFileAsync = promisify(execFile);

export interface ProbedVideo {
  /** Size as displayed: coded size turned by the rotation tag. */
  width: number;
  height: number;
  /** The container's average frame rate (nominal; the frames carry their own times). */
  fps: number;
  /** The rotation tag in degrees as ffprobe reports it, snapped to 0, 90, 180 or 270. */
  rotation: number;
}

export function unreadableVideo(file: string, why: string): StationError {
  // No video-specific code exists yet; UNREADABLE_IMAGE is "this media file cannot be decoded".
  return new StationError('UNREADABLE_IMAGE', `Cannot decode video ${file}: ${why}`);
}

interface ProbeStream {
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  tags?: { rotate?: string };
  side_data_list?: { rotation?: number }[];
}

export async function probeVideo(file: string): Promise<ProbedVideo> {
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new Error('not a regular file');
  } catch (err) {
    throw unreadableVideo(file, err instanceof Error ? err.message : String(err));
  }
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync('ffprobe', [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=width,height,avg_frame_rate,r_frame_rate:stream_side_data=rotation:stream_tags=rotate',
      '-of',
      'json',
      file,
    ]));
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') {
      throw new StationError('NATIVE_MISSING', 'ffprobe/ffmpeg not found: install Debian ffmpeg');
    }
    throw unreadableVideo(file, (e.stderr ?? e.message).trim().split('\n')[0] ?? 'ffprobe failed');
  }
  const parsed = JSON.parse(stdout) as { streams?: ProbeStream[] };
  const v = parsed.streams?.[0];
  if (!v?.width || !v.height) throw unreadableVideo(file, 'no video stream');
  const rotation = rotationOf(v);
  const sideways = rotation === 90 || rotation === 270;
  return {
    width: sideways ? v.height : v.width,
    height: sideways ? v.width : v.height,
    fps: rate(v.avg_frame_rate) ?? rate(v.r_frame_rate) ?? 0,
    rotation,
  };
}

/** The display-matrix rotation (or the older `rotate` tag), snapped to a right angle. */
function rotationOf(v: ProbeStream): number {
  const side = v.side_data_list?.find((d) => typeof d.rotation === 'number')?.rotation;
  const deg = side ?? Number(v.tags?.rotate ?? 0);
  if (!Number.isFinite(deg)) return 0;
  return (((Math.round(deg / 90) * 90) % 360) + 360) % 360;
}

/** "30000/1001" -> 29.97; null for "0/0" or garbage. */
function rate(text: string | undefined): number | null {
  const m = /^(\d+)\/(\d+)$/.exec(text ?? '');
  if (!m) return null;
  const v = Number(m[1]) / Number(m[2]);
  return Number.isFinite(v) && v > 0 ? v : null;
}
