import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import type { Station } from '../../src/main/core/station.service';
import type { RequestOf } from '../../src/shared/contract';

/**
 * The `access:frame` request the terminal would send for a whole photo used as one camera
 * frame: faces located by the station's own detector (Node has no MediaPipe), keypoints from
 * its five points, the whole photo as the RGB region.
 */
export async function frameFromPhoto(
  station: Station,
  file: string,
  frameId: number,
): Promise<RequestOf<'access:frame'>> {
  const bytes = readFileSync(file);
  const faces = await station.recognition.analyzeFile(bytes, file);
  const { width, height, region } = await wholeImageRegion(bytes);
  return {
    frameId,
    frameWidth: width,
    frameHeight: height,
    faces: faces.map((f) => ({
      box: { ...f.box, score: Math.min(1, f.box.score) },
      keypoints: [f.five[0], f.five[1], f.five[2]].map(([x, y]) => [x, y] as [number, number]),
    })),
    region,
  };
}

/**
 * A whole image as the page's RGB frame region, optionally shrunk to fit `maxSide` (a camera
 * frame is at most ~1280 px wide; large photos are scaled down like one).
 */
export async function wholeImageRegion(
  bytes: Buffer,
  maxSide?: number,
): Promise<{
  width: number;
  height: number;
  region: { x: number; y: number; width: number; height: number; rgb: Uint8Array<ArrayBuffer> };
}> {
  const img = maxSide
    ? sharp(bytes).resize(maxSide, maxSide, { fit: 'inside', withoutEnlargement: true })
    : sharp(bytes);
  const { data, info } = await img.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    region: {
      x: 0,
      y: 0,
      width: info.width,
      height: info.height,
      // A copy on its own ArrayBuffer, as the page's bytes arrive (not a view of sharp's pool).
      rgb: Uint8Array.from(data),
    },
  };
}
