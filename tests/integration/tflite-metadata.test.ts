/**
 * The legacy BlazeFace models, given our TFLite metadata, load and detect faces in MediaPipe
 * Tasks' FaceDetector (tasks-vision, CPU delegate) inside Debian's Chromium, fully offline.
 * Needs the pinned models (`npm run models`, or STATION_MODELS_DIR) and the shared face data.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addImageInputMetadata,
  readImageInputMetadata,
} from '../../scripts/models/tflite-metadata';
import {
  defaultModelsDir,
  loadVerifiedModel,
  projectRoot,
} from '../../src/main/core/models/model-verifier';
import { StationError } from '../../src/shared/errors';
import { launchChromium, recordRequests, type RequestLog } from '../support/chromium-launcher';
import { startStaticServer, type StaticServer } from '../support/static-server';
import { sharedDataDir } from '../support/shared-data';

const MODELS = {
  short: { file: 'face_detection_short_range.tflite', size: 128 },
  full: { file: 'face_detection_full_range.tflite', size: 192 },
} as const;
type ModelKey = keyof typeof MODELS;

const DATA_DIR = sharedDataDir();
const FACE_IMAGES = [
  'small_identity_sets/facenet_lfw_colour_sample/Anthony_Hopkins_0001.jpg',
  'small_identity_sets/human_vlado/person-vlado.jpg',
];
const NO_FACE_IMAGE = 'no_face/skimage_coffee.png';

const raw = (key: ModelKey): Buffer => loadVerifiedModel(defaultModelsDir(), MODELS[key].file);

describe('addImageInputMetadata / readImageInputMetadata', () => {
  it.each(Object.keys(MODELS) as ModelKey[])(
    'round-trips RGB + NormalizationOptions on %s range',
    (key) => {
      const original = raw(key);
      expect(readImageInputMetadata(original)).toBeNull();
      const patched = addImageInputMetadata(original);
      expect(readImageInputMetadata(patched)).toEqual({
        modelName: null,
        tensorName: 'input',
        colorSpace: 'RGB',
        mean: [127.5],
        std: [127.5],
        width: MODELS[key].size,
        height: MODELS[key].size,
        minParserVersion: '1.0.0',
      });
      // The old model follows the new head untouched, moved by a multiple of 16 bytes.
      const shift = patched.length - original.length;
      expect(shift % 16).toBe(0);
      expect(Buffer.from(patched.subarray(shift)).equals(original)).toBe(true);
      expect(Buffer.from(addImageInputMetadata(original)).equals(Buffer.from(patched))).toBe(true);
    },
  );

  it('is idempotent, and replaces metadata that differs', () => {
    const once = addImageInputMetadata(raw('short'));
    expect(Buffer.from(addImageInputMetadata(once)).equals(Buffer.from(once))).toBe(true);
    const other = addImageInputMetadata(once, { mean: 0, std: 255, name: 'BlazeFace short range' });
    expect(readImageInputMetadata(other)).toMatchObject({
      modelName: 'BlazeFace short range',
      mean: [0],
      std: [255],
    });
    const back = addImageInputMetadata(other);
    expect(readImageInputMetadata(back)).toEqual(readImageInputMetadata(once));
  });

  it('refuses what is not a TFLite model, with a clear error', () => {
    const jpeg = readFileSync(join(DATA_DIR, FACE_IMAGES[0]!));
    expect(() => addImageInputMetadata(jpeg)).toThrow(
      /Not a TFLite model: file identifier is .*expected "TFL3"/,
    );
    expect(() => addImageInputMetadata(new Uint8Array(3))).toThrow(StationError);
    const truncated = raw('short').subarray(0, 4096);
    expect(() => addImageInputMetadata(truncated)).toThrow(/Malformed TFLite model/);
    expect(() => addImageInputMetadata(raw('short'), { std: 0 })).toThrow(/std must be/);
  });
});

interface PageDetection {
  box: { originX: number; originY: number; width: number; height: number };
  score: number;
  keypoints: { x: number; y: number }[];
}
interface PageResult {
  width: number;
  height: number;
  detections: PageDetection[];
}
interface DetectOptions {
  runningMode: 'IMAGE' | 'VIDEO';
  minDetectionConfidence: number;
  /** 'path': baseOptions.modelAssetPath; 'buffer': the page fetches it into modelAssetBuffer. */
  source: 'path' | 'buffer';
}
type DetectFaces = (
  modelUrl: string,
  images: string[],
  opts: DetectOptions,
) => Promise<PageResult[]>;

// Runs in Chromium: loads tasks-vision from our server, one detector per call, closed after.
const PAGE = `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">
<script type="module">
import { FilesetResolver, FaceDetector } from '/tasks-vision/vision_bundle.mjs';
const fileset = await FilesetResolver.forVisionTasks('/tasks-vision/wasm');
window.detectFaces = async (modelUrl, images, opts) => {
  const baseOptions = { delegate: 'CPU' };
  if (opts.source === 'path') baseOptions.modelAssetPath = modelUrl;
  else baseOptions.modelAssetBuffer = new Uint8Array(await (await fetch(modelUrl)).arrayBuffer());
  const detector = await FaceDetector.createFromOptions(fileset, {
    baseOptions, runningMode: opts.runningMode, minDetectionConfidence: opts.minDetectionConfidence,
  });
  try {
    const results = [];
    for (const [i, src] of images.entries()) {
      const img = new Image();
      img.src = src;
      await img.decode();
      const r = opts.runningMode === 'VIDEO' ? detector.detectForVideo(img, 1000 * (i + 1)) : detector.detect(img);
      results.push({ width: img.naturalWidth, height: img.naturalHeight, detections: r.detections.map((d) => ({
        box: d.boundingBox, score: d.categories[0].score, keypoints: d.keypoints.map((k) => ({ x: k.x, y: k.y })),
      })) });
    }
    return results;
  } finally {
    detector.close();
  }
};
window.pageReady = true;
</script>`;

/** One face, inside the image, of a plausible size, eyes above the mouth (BlazeFace order). */
function expectSensibleFace(result: PageResult, minScore: number): void {
  expect(result.detections).toHaveLength(1);
  const [face] = result.detections;
  const { box, keypoints, score } = face!;
  expect(score).toBeGreaterThanOrEqual(minScore);
  expect(box.originX).toBeGreaterThanOrEqual(0);
  expect(box.originY).toBeGreaterThanOrEqual(0);
  expect(box.originX + box.width).toBeLessThanOrEqual(result.width);
  expect(box.originY + box.height).toBeLessThanOrEqual(result.height);
  expect(box.width).toBeGreaterThan(0.1 * result.width);
  expect(box.width).toBeLessThan(0.8 * result.width);
  expect(keypoints).toHaveLength(6);
  for (const k of keypoints.slice(0, 4)) {
    // right eye, left eye, nose tip, mouth: inside the box (normalised coordinates)
    expect(k.x * result.width).toBeGreaterThanOrEqual(box.originX);
    expect(k.x * result.width).toBeLessThanOrEqual(box.originX + box.width);
    expect(k.y * result.height).toBeGreaterThanOrEqual(box.originY);
    expect(k.y * result.height).toBeLessThanOrEqual(box.originY + box.height);
  }
  const [rightEye, leftEye, , mouth] = keypoints;
  expect(Math.max(rightEye!.y, leftEye!.y)).toBeLessThan(mouth!.y);
}

describe('BlazeFace with added metadata in tasks-vision FaceDetector (Chromium, offline)', () => {
  let server: StaticServer;
  let browser: Browser;
  let page: Page;
  let requests: RequestLog;

  const detect = (
    modelUrl: string,
    images: string[],
    opts: Partial<DetectOptions> = {},
  ): Promise<PageResult[]> =>
    page.evaluate(
      ([url, imgs, o]) =>
        (globalThis as unknown as { detectFaces: DetectFaces }).detectFaces(url, imgs, o),
      [
        modelUrl,
        images,
        { runningMode: 'IMAGE', minDetectionConfidence: 0.5, source: 'path', ...opts },
      ] as const,
    );

  beforeAll(async () => {
    server = await startStaticServer({
      mounts: {
        '/tasks-vision/': join(projectRoot(), 'node_modules', '@mediapipe', 'tasks-vision'),
        '/data/': DATA_DIR,
      },
      files: { '/': { body: PAGE, contentType: 'text/html; charset=utf-8' } },
    });
    for (const key of Object.keys(MODELS) as ModelKey[]) {
      server.setFile(`/models/${key}.tflite`, { body: addImageInputMetadata(raw(key)) });
      server.setFile(`/models/${key}-as-shipped.tflite`, { body: raw(key) });
    }
    browser = await launchChromium();
    page = await browser.newPage();
    requests = await recordRequests(page, { blockNonLocal: true });
    await page.goto(server.url('/'));
    await page.waitForFunction(
      () => (globalThis as unknown as { pageReady?: boolean }).pageReady === true,
    );
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('finds the shared face data', () => {
    expect(existsSync(join(DATA_DIR, NO_FACE_IMAGE)), `face data not found in ${DATA_DIR}`).toBe(
      true,
    );
  });

  it('rejects the model as shipped (this is the problem being solved)', async () => {
    await expect(detect('/models/short-as-shipped.tflite', [])).rejects.toThrow(
      /NormalizationOptions metadata/,
    );
  });

  it.each([
    ['short', 'path'],
    ['full', 'buffer'],
  ] as const)(
    '%s range (model from %s) finds one face with box and 6 keypoints; none on a no-face photo',
    async (key, source) => {
      const images = [...FACE_IMAGES, NO_FACE_IMAGE].map((p) => `/data/${p}`);
      const results = await detect(`/models/${key}.tflite`, images, { source });
      expect(results).toHaveLength(3);
      expectSensibleFace(results[0]!, 0.5);
      expectSensibleFace(results[1]!, 0.5);
      expect(results[2]!.detections).toEqual([]);
    },
  );

  it('works in VIDEO running mode too (the camera loop uses it)', async () => {
    const results = await detect('/models/short.tflite', [`/data/${FACE_IMAGES[1]!}`], {
      runningMode: 'VIDEO',
    });
    expectSensibleFace(results[0]!, 0.5);
  });

  it('made no request to anything but loopback', () => {
    expect(requests.all.some((u) => u.includes('vision_wasm_internal.wasm'))).toBe(true);
    expect(requests.nonLocal()).toEqual([]);
  });
});
