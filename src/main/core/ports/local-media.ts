import { StationError } from '../../../shared/errors';
import type { RgbImage } from '../vision/vision.types';

/** A recording's size and rate as decoded (adapters/ffmpeg-video-frames.ts). */
export interface LocalVideoInfo {
  width: number;
  height: number;
  fps: number;
  /** Clockwise degrees the frames were turned to stand upright. */
  rotation: number;
}

/** One decoded frame and its time in the recording (ms from the first frame). */
export type LocalVideoFrame = RgbImage & { timestampMs: number };

/**
 * Media files on the station's own disk, read by path: the local CLI's replays and PAD
 * evaluations name recordings of many megabytes, which the page never sends. The composition
 * root implements it over ffmpeg and sharp; hosts without it leave these channels unanswered.
 */
export interface LocalMedia {
  openVideo(
    path: string,
    opts?: { maxSeconds?: number },
  ): Promise<{ info: LocalVideoInfo; frames: AsyncIterable<LocalVideoFrame> }>;
  decodeImage(path: string): Promise<RgbImage>;
}

/** The reader, or the refusal of a host that was given none (only the CLI's is). */
export function requireLocalMedia(media: LocalMedia | undefined): LocalMedia {
  if (!media)
    throw new StationError('BAD_REQUEST', 'This host does not read files from the station disk.');
  return media;
}
