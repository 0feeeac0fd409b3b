import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import type { Station } from '../../src/main/core/station.service';
import type { RequestOf } from '../../src/shared/contract';

/**
 * The `access:frame` request the terminal would send for a whole photo used as one camera
 * frame: faces located by the station's own detector (Node has no MediaPipe), keypoints from
 * its five points, the whole photo as the RGBA region.
 */
export async function frameFromPhoto(
  station: Station,
  file: string,
  frameId: number,
): Promise<RequestOf<'access:frame'>> {
  const bytes = readFileSync(file);
  const faces = await station.recognition.analyzeFile(bytes, file);
  const { data, info } = await sharp(bytes)
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    frameId,
    frameWidth: info.width,
    frameHeight: info.height,
    faces: faces.map((f) => ({
      box: { ...f.box, score: Math.min(1, f.box.score) },
      keypoints: [f.five[0], f.five[1], f.five[2]].map(([x, y]) => [x, y] as [number, number]),
    })),
    region: {
      x: 0,
      y: 0,
      width: info.width,
      height: info.height,
      rgbaBase64: data.toString('base64'),
    },
  };
}
