import { openVideoFrames } from '../adapters/ffmpeg-video-frames';
import { decodeImageFile } from '../adapters/image-decoder';
import type { LocalMedia } from '../core/ports/local-media';

/** Local recordings and photos through ffmpeg and sharp (the CLI's replay and PAD evaluation). */
export function localMedia(): LocalMedia {
  return {
    openVideo: (path, opts = {}) => openVideoFrames(path, opts),
    decodeImage: (path) => decodeImageFile(path),
  };
}
