/**
 * Frames of one PAD presentation for single-frame training and evaluation: a still is one
 * frame; a video gives at most PAD_VIDEO_FPS of its own frames a second (after startSeconds), at most
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
  // Each recorded frame once, at most PAD_VIDEO_FPS of them a second (frames are only dropped,
  // never repeated), from startSeconds on, upright as the rotation tag says.
  const { frames } = await openVideoFrames(path, {
    maxFps: PAD_VIDEO_FPS,
    ...(p.startSeconds ? { startSeconds: p.startSeconds } : {}),
    maxSeconds: PAD_VIDEO_MAX_FRAMES / PAD_VIDEO_FPS,
  });
  let index = 0;
  for await (const image of frames) yield { image, index: index++ };
}
