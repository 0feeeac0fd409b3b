/**
 * The MTCNN ONNX graphs (scripts/models/tflite-to-onnx.ts) against the TFLite originals, run by
 * an independent reference interpreter of the TFLite operators (tests/support). Real photos from
 * ../shared/data go through both: the ONNX side in its ordinary NCHW orientation, the TFLite side
 * transposed as the original networks expect. Needs the pinned models (`npm run models`).
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { readTfliteGraph } from '../../scripts/models/tflite-graph';
import { convertMtcnnTfliteToOnnx } from '../../scripts/models/tflite-to-onnx';
import { decodeImageFile } from '../../src/main/adapters/image-decoder';
import type { ModelName } from '../../src/main/core/models/model-catalog';
import {
  defaultModelsDir,
  loadVerifiedModel,
  sha256Hex,
} from '../../src/main/core/models/model-verifier';
import { type Rect, rectToSizeMatrix, warpAffine } from '../../src/main/core/vision/image-ops';
import type { RgbImage } from '../../src/main/core/vision/vision.types';
import { StationError } from '../../src/shared/errors';
import { sharedDataPath } from '../support/shared-data';
import { type NdArray, runTfliteReference } from '../support/tflite-reference-interpreter';

const NETS = ['pnet', 'rnet', 'onet'] as const;
type Net = (typeof NETS)[number];
const FACE = sharedDataPath(
  'small_identity_sets/facenet_lfw_colour_sample/Anthony_Hopkins_0001.jpg',
);
const NOT_A_FACE = sharedDataPath('no_face/skimage_brick.png');
/** Where the face sits in that 250x250 LFW photo (eyebrows to chin), by eye. */
const FACE_RECT: Rect = { x: 80, y: 75, width: 90, height: 100 };
const TOLERANCE = 1e-4;

const bytes = (name: ModelName): Uint8Array =>
  new Uint8Array(loadVerifiedModel(defaultModelsDir(), name));
const tflite = (net: Net) => bytes(`mtcnn_${net}.tflite`);
const onnx = (net: Net) => bytes(`mtcnn_${net}.onnx`);

function resized(img: RgbImage, rect: Rect, w: number, h: number): RgbImage {
  return warpAffine(img, rectToSizeMatrix(rect, w, h), w, h, { maxSupersample: 4 });
}

/** A batch of images as ONNX NCHW and as the TFLite networks' transposed NHWC, (v - 127.5) / 128. */
function inputs(images: RgbImage[]): { nchw: ort.Tensor; transposed: NdArray } {
  const { width: w, height: h } = images[0]!;
  const n = images.length;
  const nchw = new Float32Array(n * 3 * h * w);
  const tr = new Float32Array(n * 3 * h * w);
  images.forEach((img, b) => {
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let c = 0; c < 3; c++) {
          const v = (img.data[(y * w + x) * 3 + c]! - 127.5) / 128;
          nchw[((b * 3 + c) * h + y) * w + x] = v;
          tr[((b * w + x) * h + y) * 3 + c] = v;
        }
  });
  return {
    nchw: new ort.Tensor('float32', nchw, [n, 3, h, w]),
    transposed: { shape: [n, w, h, 3], data: tr },
  };
}

/** Largest |onnx - reference| over an output, reading the reference through the transposition. */
function maxDifference(onnxOut: ort.Tensor, ref: NdArray): number {
  const o = onnxOut.data as Float32Array;
  if (ref.shape.length === 2) {
    expect(onnxOut.dims).toEqual(ref.shape);
    return Math.max(...ref.data.map((v, i) => Math.abs(v - o[i]!)));
  }
  const [n, a, b, c] = ref.shape as [number, number, number, number];
  expect(onnxOut.dims).toEqual([n, c, b, a]);
  let worst = 0;
  for (let i = 0; i < n; i++)
    for (let x = 0; x < a; x++)
      for (let y = 0; y < b; y++)
        for (let ch = 0; ch < c; ch++) {
          const r = ref.data[((i * a + x) * b + y) * c + ch]!;
          worst = Math.max(worst, Math.abs(r - o[((i * c + ch) * b + y) * a + x]!));
        }
  return worst;
}

async function runBoth(net: Net, images: RgbImage[]) {
  const session = await ort.InferenceSession.create(onnx(net));
  const { nchw, transposed } = inputs(images);
  const out = await session.run({ [session.inputNames[0]!]: nchw });
  const ref = runTfliteReference(readTfliteGraph(tflite(net)), transposed);
  return { outputs: session.outputNames.map((name) => out[name]!), ref };
}

describe('MTCNN TFLite -> ONNX conversion', () => {
  it.each(NETS)('reproduces the pinned mtcnn_%s.onnx byte for byte', (net) => {
    const converted = convertMtcnnTfliteToOnnx(tflite(net), {
      source: `mtcnn_${net}.tflite (sha256 ${sha256Hex(tflite(net))})`,
    });
    expect(sha256Hex(converted)).toBe(sha256Hex(onnx(net)));
  });

  it('P-Net matches the TFLite original on a real photo of odd, non-square size', async () => {
    const photo = await decodeImageFile(FACE);
    // 12 / 45 of the face: P-Net's 12-pixel window just covers it, so some cell must fire.
    const small = resized(photo, { x: 0, y: 0, width: 250, height: 250 }, 71, 67);
    const { outputs, ref } = await runBoth('pnet', [small]);
    expect(outputs.map((o) => o.dims)).toEqual([
      [1, 2, 29, 31],
      [1, 4, 29, 31],
    ]);
    outputs.forEach((o, i) => expect(maxDifference(o, ref[i]!)).toBeLessThan(TOLERANCE));
    const faceProb = (outputs[0]!.data as Float32Array).subarray(29 * 31);
    expect(Math.max(...faceProb)).toBeGreaterThan(0.9);
  });

  it.each([
    ['rnet', 24],
    ['onet', 48],
  ] as const)(
    '%s matches the TFLite original on a batch of a face and a non-face',
    async (net, side) => {
      const face = resized(await decodeImageFile(FACE), FACE_RECT, side, side);
      const brick = await decodeImageFile(NOT_A_FACE);
      const wall = resized(brick, { x: 0, y: 0, width: 512, height: 512 }, side, side);
      const { outputs, ref } = await runBoth(net, [face, wall]);
      expect(outputs).toHaveLength(net === 'onet' ? 3 : 2);
      outputs.forEach((o, i) => expect(maxDifference(o, ref[i]!)).toBeLessThan(TOLERANCE));
      const prob = outputs[0]!.data as Float32Array; // [face: bg, face], [wall: bg, face]
      expect(prob[1]).toBeGreaterThan(0.9);
      expect(prob[3]).toBeLessThan(0.5);
    },
  );

  it('O-Net places the eyes above the mouth, left eye left of the right eye', async () => {
    const face = resized(await decodeImageFile(FACE), FACE_RECT, 48, 48);
    const { outputs } = await runBoth('onet', [face]);
    const p = outputs[2]!.data as Float32Array; // x1..x5, y1..y5 as fractions of the box
    expect(p[0]).toBeLessThan(p[1]!);
    expect(Math.max(p[5]!, p[6]!)).toBeLessThan(Math.min(p[8]!, p[9]!));
  });

  it('refuses a model with operators it does not know, naming them', () => {
    const blazeFace = bytes('face_detection_short_range.tflite');
    expect(() => convertMtcnnTfliteToOnnx(blazeFace, { source: 'blazeface' })).toThrow(
      /Unsupported TFLite model: builtin operator \d+/,
    );
  });

  it('refuses bytes that are not a TFLite model with MODEL_TAMPERED', () => {
    const fake = new TextEncoder().encode('definitely not a flatbuffer');
    expect(() => convertMtcnnTfliteToOnnx(fake, { source: 'x' })).toThrow(StationError);
    expect(() => convertMtcnnTfliteToOnnx(onnx('pnet'), { source: 'x' })).toThrow(
      /Not a TFLite model/,
    );
  });
});
