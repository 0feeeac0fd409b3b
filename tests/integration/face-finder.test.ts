/**
 * MTCNN and the FaceFinder on real photos and recordings from ../shared/data, with the pinned
 * models: faces a person sees (group photos, a backlit webcam, a sideways phone clip), none in
 * photos without a face, and no crash on degenerate or huge images.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { openVideoFrames } from '../../src/main/adapters/ffmpeg-video-frames';
import { decodeImageFile } from '../../src/main/adapters/image-decoder';
import { OnnxFaceDetector } from '../../src/main/adapters/onnx-face-detector';
import { OnnxMtcnn } from '../../src/main/adapters/onnx-mtcnn';
import { defaultModelsDir } from '../../src/main/core/models/model-verifier';
import { FaceFinder } from '../../src/main/core/vision/face-finder';
import { DEFAULT_PIPELINE_CONFIG } from '../../src/main/core/vision/face-pipeline';
import { resizeBilinear } from '../../src/main/core/vision/image-ops';
import { MtcnnDetector } from '../../src/main/core/vision/mtcnn-detector';
import { turnImage } from '../../src/main/core/vision/quarter-turn';
import type { RgbImage } from '../../src/main/core/vision/vision.types';
import { sharedDataPath } from '../support/shared-data';

let mtcnn: MtcnnDetector;
let finder: FaceFinder;
let withoutFallbacks: FaceFinder;

beforeAll(async () => {
  const dir = defaultModelsDir();
  const fr = await OnnxFaceDetector.create(dir);
  mtcnn = new MtcnnDetector(await OnnxMtcnn.create(dir));
  finder = new FaceFinder(fr, mtcnn, DEFAULT_PIPELINE_CONFIG.finder);
  withoutFallbacks = new FaceFinder(fr, mtcnn, {
    ...DEFAULT_PIPELINE_CONFIG.finder,
    fallbackViews: [],
  });
});

const photo = (path: string): Promise<RgbImage> => decodeImageFile(sharedDataPath(path));

async function frames(clip: string, seconds: number, fps: number): Promise<RgbImage[]> {
  const { frames: all } = await openVideoFrames(sharedDataPath(clip), {
    maxFps: fps,
    maxSeconds: seconds,
  });
  const out: RgbImage[] = [];
  for await (const f of all) out.push(f);
  return out;
}

describe('MTCNN', () => {
  it('finds the face of an LFW photo with its five points in place', async () => {
    const faces = await mtcnn.detect(
      await photo('small_identity_sets/facenet_lfw_colour_sample/Anthony_Hopkins_0001.jpg'),
    );
    expect(faces).toHaveLength(1);
    const { box, five } = faces[0]!;
    const [le, re, nose, lm, rm] = five;
    expect(box.score).toBeGreaterThan(0.9);
    expect(le[0]).toBeLessThan(re[0]);
    expect(lm[0]).toBeLessThan(rm[0]);
    expect(Math.max(le[1], re[1])).toBeLessThan(nose[1]);
    expect(nose[1]).toBeLessThan(Math.min(lm[1], rm[1]));
    for (const [x, y] of five) {
      expect(x > box.x1 && x < box.x2 && y > box.y1 && y < box.y2).toBe(true);
    }
  }, 60_000);

  it('returns no face for a 1 x 1 and a 11 x 200 image', async () => {
    const tiny: RgbImage = { width: 1, height: 1, data: Uint8Array.from([200, 180, 160]) };
    expect(await mtcnn.detect(tiny)).toEqual([]);
    expect(await finder.find(tiny, 'precise')).toEqual([]);
    const sliver: RgbImage = {
      width: 11,
      height: 200,
      data: new Uint8Array(11 * 200 * 3).fill(90),
    };
    expect(await finder.find(sliver, 'fast')).toEqual([]);
  }, 60_000);

  it('searches a 40-megapixel photo (the decoder limit) shrunk, and finds its face', async () => {
    const small = await photo(
      'small_identity_sets/facenet_lfw_colour_sample/Anthony_Hopkins_0001.jpg',
    );
    const huge = resizeBilinear(small, 7300, 5479); // 39.997 MP, the face ~3,000 px wide
    const faces = await mtcnn.detect(huge);
    expect(faces.length).toBeGreaterThanOrEqual(1);
    const b = faces[0]!.box;
    expect((b.x1 + b.x2) / 2).toBeGreaterThan(0.35 * 7300);
    expect((b.x1 + b.x2) / 2).toBeLessThan(0.65 * 7300);
  }, 180_000);
});

describe('FaceFinder', () => {
  it('finds all 29 faces of the Solvay 1927 photo in precise mode, fewer in fast mode', async () => {
    const img = await photo('multi_face/human_solvay1927.jpg');
    const precise = await finder.find(img, 'precise');
    expect(precise).toHaveLength(29);
    expect(precise.every((f) => f.five !== null)).toBe(true);
    expect((await finder.find(img, 'fast')).length).toBeLessThanOrEqual(29);
  }, 120_000);

  it.each(['skimage_chelsea.png', 'skimage_coffee.png', 'skimage_motorcycle_left.png'])(
    'finds no face in no_face/%s (a cat, a cup, a motorcycle) in either mode',
    async (file) => {
      const img = await photo(`no_face/${file}`);
      expect(await finder.find(img, 'precise')).toEqual([]);
      expect(await finder.find(img, 'fast')).toEqual([]);
    },
    120_000,
  );

  it('finds the face of a backlit 640x480 webcam in more frames through the equalised view', async () => {
    const clip =
      'spoof_ext/videos/saikan45+Liveness_Face_Detection_Home_Security_System/live/output.mp4';
    const shots = await frames(clip, 3, 2);
    let plain = 0;
    let all = 0;
    let equalized = 0;
    for (const f of shots) {
      if ((await withoutFallbacks.find(f, 'fast')).length > 0) plain++;
      const found = await finder.find(f, 'fast');
      if (found.length > 0) all++;
      if (found.some((x) => x.foundIn === 'equalized')) equalized++;
    }
    expect(equalized).toBeGreaterThanOrEqual(2);
    // Every frame the plain view finds stays found; the fallbacks only add frames.
    expect(all).toBeGreaterThanOrEqual(plain + equalized);
  }, 300_000);

  it('finds the face of portrait phone frames that arrived sideways, mapped back onto it', async () => {
    const clip =
      'spoof_ext/videos/jomariya23156+face-recognition-with-liveness-web-login/live/face_recognition_and_liveness__face_liveness_detection__videos__real_1.mp4';
    let turnedViews = 0;
    for (const upright of await frames(clip, 4, 1)) {
      // The reader honours the clip's rotation, so these frames arrive upright; turned clockwise
      // they are what a phone without rotation metadata sends.
      const sideways = turnImage(upright, 'cw');
      const [face] = await finder.find(upright, 'fast');
      const [found] = await finder.find(sideways, 'fast');
      if (found?.foundIn === 'turned') turnedViews++;
      // The upright face's centre seen in the sideways frame (cw: (x, y) -> (height - y, x)).
      const [cx, cy] = [(face!.box.x1 + face!.box.x2) / 2, (face!.box.y1 + face!.box.y2) / 2];
      const [sx, sy] = [upright.height - cy, cx];
      const b = found!.box;
      expect(sx > b.x1 && sx < b.x2 && sy > b.y1 && sy < b.y2).toBe(true);
    }
    expect(turnedViews).toBeGreaterThanOrEqual(1);
  }, 300_000);
});
