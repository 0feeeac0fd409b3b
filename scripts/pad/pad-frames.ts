/**
 * Frames of one PAD presentation for single-frame training and evaluation: a still is one
 * frame; a video is sampled at PAD_VIDEO_FPS from its start (after startSeconds), at most
 * PAD_VIDEO_MAX_FRAMES frames, so one long clip does not outweigh a whole source of photos.
 */
import { join } from 'node:path';
import { openVideoFrames } from '../../src/main/adapters/ffmpeg-video-frames';
import { decodeImageFile } from '../../src/main/adapters/image-decoder';
import type { RgbImage } from '../../src/main/core/vision/vision.types';
import type { PadPresentation } from './pad-dataset';

export const PAD_VIDEO_FPS = 2;
export const PAD_VIDEO_MAX_FRAMES = 30;

export interface PadFrame {
  image: RgbImage;
  /** 0 for a still; index of the sampled frame in a video. */
  index: number;
}

export async function* presentationFrames(
  dataDir: string,
  p: PadPresentation,
): AsyncGenerator<PadFrame> {
  const path = join(dataDir, p.file);
  if (p.kind === 'image') {
    yield { image: await decodeImageFile(path), index: 0 };
    return;
  }
  const skip = Math.round((p.startSeconds ?? 0) * PAD_VIDEO_FPS);
  const seconds = (p.startSeconds ?? 0) + PAD_VIDEO_MAX_FRAMES / PAD_VIDEO_FPS;
  const { frames } = await openVideoFrames(path, { fps: PAD_VIDEO_FPS, maxSeconds: seconds });
  let i = 0;
  for await (const image of frames) {
    if (i >= skip) yield { image, index: i - skip };
    i++;
  }
}
