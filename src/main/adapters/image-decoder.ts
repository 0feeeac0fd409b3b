/**
 * Decodes untrusted image files (enrolment uploads, CLI arguments) into RgbImage with sharp.
 * Size limits are checked from the header before any pixel is decoded, so a 30,000 x 30,000
 * "decompression bomb" costs nothing.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import sharp from 'sharp';
import { StationError } from '../../shared/errors';
import type { RgbImage } from '../core/vision/vision.types';

export interface DecodeLimits {
  /** Max width * height (after EXIF rotation the count is the same). */
  maxPixels: number;
  /** Max encoded file size in bytes. */
  maxBytes: number;
}

/** 40 MP covers every phone and DSLR photo in use; 25 MB covers their JPEGs with margin. */
export const DEFAULT_DECODE_LIMITS: DecodeLimits = {
  maxPixels: 40_000_000,
  maxBytes: 25 * 1024 * 1024,
};

export async function decodeImageFile(
  path: string,
  limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
): Promise<RgbImage> {
  const name = basename(path);
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (err) {
    throw new StationError('UNREADABLE_IMAGE', `Cannot read image file "${name}"`, { cause: err });
  }
  checkBytes(size, limits, name);
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (err) {
    throw new StationError('UNREADABLE_IMAGE', `Cannot read image file "${name}"`, { cause: err });
  }
  return decodeImageBuffer(buf, limits, name);
}

/** `name` only labels error messages (a file name or "upload"). */
export async function decodeImageBuffer(
  buf: Uint8Array,
  limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
  name = 'image',
): Promise<RgbImage> {
  checkBytes(buf.byteLength, limits, name);
  let width: number | undefined;
  let height: number | undefined;
  try {
    // Header only: no pixels are decoded, so the pixel limit is ours to apply (below), with a
    // clear IMAGE_TOO_LARGE instead of sharp's generic error.
    ({ width, height } = await sharp(buf, { limitInputPixels: false }).metadata());
  } catch (err) {
    throw new StationError('UNREADABLE_IMAGE', `"${name}" is not a readable image`, { cause: err });
  }
  if (!width || !height)
    throw new StationError('UNREADABLE_IMAGE', `"${name}" has no image dimensions`);
  if (width * height > limits.maxPixels) {
    throw new StationError(
      'IMAGE_TOO_LARGE',
      `"${name}" is ${width}x${height} (${mp(width * height)} MP); the limit is ${mp(limits.maxPixels)} MP`,
    );
  }
  return decodePixels(buf, limits, name);
}

async function decodePixels(
  buf: Uint8Array,
  limits: DecodeLimits,
  name: string,
): Promise<RgbImage> {
  try {
    // 'truncated': a cut-off upload is rejected, but harmless encoder quirks (extra bytes after
    // the end marker, odd EXIF) that every viewer shows fine are accepted.
    const { data, info } = await sharp(buf, {
      limitInputPixels: limits.maxPixels,
      failOn: 'truncated',
    })
      .autoOrient()
      // Transparent areas become white, as the photo would look in a viewer.
      .flatten({ background: { r: 255, g: 255, b: 255 } })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded ${info.channels} channels`);
    return {
      width: info.width,
      height: info.height,
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    };
  } catch (err) {
    throw new StationError('UNREADABLE_IMAGE', `"${name}" could not be decoded`, { cause: err });
  }
}

function checkBytes(bytes: number, limits: DecodeLimits, name: string): void {
  if (bytes > limits.maxBytes) {
    throw new StationError(
      'IMAGE_TOO_LARGE',
      `"${name}" is ${(bytes / 1048576).toFixed(1)} MB; the limit is ${(limits.maxBytes / 1048576).toFixed(1)} MB`,
    );
  }
  if (bytes === 0) throw new StationError('UNREADABLE_IMAGE', `"${name}" is empty`);
}

function mp(pixels: number): string {
  return (pixels / 1e6).toFixed(1);
}

// Kept here for existing importers; the implementation is pure and lives in the core.
export { rgbFromRgba } from '../core/vision/image-ops';
