import type { RgbImage } from '../core/vision/vision.types';

/** Which image channel goes into input plane 0 (see onnx-embedder.ts CHANNEL_ORDER). */
export type ChannelOrder = 'rgb' | 'bgr';

/**
 * Writes an interleaved RGB image into a network's planar CHW float input, in the network's
 * channel order, as (value - offset) * scale. One loop for every ONNX image input we feed.
 */
export function fillChwInput(
  dst: Float32Array,
  img: RgbImage,
  order: ChannelOrder,
  offset: number,
  scale: number,
): void {
  const plane = img.width * img.height;
  const src = img.data;
  // Planes in network order: for 'bgr' the blue channel goes first.
  const first = order === 'rgb' ? 0 : 2;
  const last = 2 - first;
  for (let i = 0, j = 0; i < plane; i++, j += 3) {
    dst[i] = (src[j + first]! - offset) * scale;
    dst[plane + i] = (src[j + 1]! - offset) * scale;
    dst[2 * plane + i] = (src[j + last]! - offset) * scale;
  }
}
