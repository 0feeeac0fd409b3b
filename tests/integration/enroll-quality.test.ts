import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImageBuffer } from '../../src/main/adapters/image-decoder';
import {
  checkEnrolPhoto,
  type PhotoCheck,
} from '../../src/main/core/enrollment/enroll-photo-check';
import { defaultModelsDir } from '../../src/main/core/models/model-verifier';
import { DEFAULT_QUALITY_LIMITS } from '../../src/main/core/settings/quality-defaults';
import { DEFAULT_THRESHOLDS } from '../../src/main/core/settings/threshold-defaults';
import type { FacePipeline } from '../../src/main/core/vision/face-pipeline';
import { sharedDataPath } from '../support/shared-data';
import { makeTempDir } from '../support/temp-dir';
import { loadFacePipeline } from '../../src/main/composition/onnx-models';

/**
 * The enrolment quality gates on real photos (limits calibrated by bench/enroll-quality.ts):
 * good photos pass, degraded copies of the same photos fail with the right reason, and real
 * turned heads, a real blink and real group photos are caught.
 */
describe('enrolment quality gates on real photos', () => {
  let pipeline: FacePipeline;
  const tmp = makeTempDir('station-quality-');
  const limits = { ...DEFAULT_QUALITY_LIMITS, minInterEyePx: DEFAULT_THRESHOLDS.minInterEyePx };

  beforeAll(async () => {
    pipeline = await loadFacePipeline(defaultModelsDir());
  });
  afterAll(() => tmp.cleanup());

  function check(bytes: Buffer, fileName: string): Promise<PhotoCheck> {
    const decode = (b: Buffer, name: string) => decodeImageBuffer(b, undefined, name);
    return checkEnrolPhoto({ analyzer: pipeline, decode }, { fileName, bytes }, limits);
  }

  async function statusOf(bytes: Buffer, name: string): Promise<string> {
    const r = await check(bytes, name);
    return r.ok ? 'pass' : r.result.status;
  }

  function lines(file: string): string[] {
    return readFileSync(file, 'utf8').trim().split(/\r?\n/).slice(1);
  }

  /** Every k-th entry, so the sample spans the whole list. */
  function spread<T>(items: T[], n: number): T[] {
    const step = Math.floor(items.length / n);
    return Array.from({ length: n }, (_, i) => items[i * step]!);
  }

  const lfw = spread(
    [
      ...new Set(
        lines(sharedDataPath('lfw_pairs_gray', 'pairs.csv')).flatMap((l) =>
          l.split(',').slice(1, 3),
        ),
      ),
    ],
    24,
  ).map((f) => sharedDataPath('lfw_pairs_gray', f));
  const celeba = spread(lines(sharedDataPath('celeba_wild_subset', 'identities.csv')), 24).map(
    (l) => sharedDataPath('celeba_wild_subset', l.split(',')[0]!),
  );
  const deepface = ['img1.jpg', 'img2.jpg', 'img4.jpg', 'img6.jpg', 'img11.jpg', 'img17.jpg'].map(
    (f) => sharedDataPath('deepface_testset', f),
  );

  it('lets most good photos through (LFW, CelebA, deepface)', async () => {
    for (const [set, files, minRate] of [
      ['lfw', lfw, 0.8],
      ['celeba', celeba, 0.8],
      ['deepface', deepface, 1],
    ] as const) {
      const verdicts = [];
      for (const f of files) verdicts.push(await statusOf(readFileSync(f), f));
      const passed = verdicts.filter((v) => v === 'pass').length;
      console.log(
        `${set}: ${passed}/${files.length} passed; rejected: ${verdicts.filter((v) => v !== 'pass').join(', ') || 'none'}`,
      );
      expect(passed / files.length).toBeGreaterThanOrEqual(minRate);
    }
  });

  it('rejects blurred, darkened and washed-out copies of good photos, each for its reason', async () => {
    for (const f of deepface) {
      const bytes = readFileSync(f);
      const good = await check(bytes, f);
      expect(good.ok).toBe(true);
      if (!good.ok) continue;
      // Blur scaled to the face: 2.5 px of the 112 px aligned crop, whatever the photo size.
      const sigma = (2.5 * good.face.interEyePx) / 35;
      const blurred = await sharp(bytes).blur(sigma).jpeg({ quality: 92 }).toBuffer();
      const dark = await sharp(bytes).linear(0.18, 0).jpeg({ quality: 92 }).toBuffer();
      const washed = await sharp(bytes).linear(2.2, 50).jpeg({ quality: 92 }).toBuffer();
      expect(await statusOf(blurred, `blurred ${f}`)).toBe('blurry');
      expect(await statusOf(dark, `dark ${f}`)).toBe('exposure');
      expect(await statusOf(washed, `washed-out ${f}`)).toBe('exposure');
    }
  });

  it('gives the reason in plain words', async () => {
    const bytes = readFileSync(deepface[0]!);
    const dark = await sharp(bytes).linear(0.18, 0).jpeg().toBuffer();
    const r = await check(dark, 'dark.jpg');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.result).toEqual({
      file: 'dark.jpg',
      status: 'exposure',
      message: 'The face is too dark. Use a photo taken in better light.',
    });
  });

  it('rejects heads turned sideways (real photos, checked by eye)', async () => {
    for (const f of [
      sharedDataPath('lfw_pairs_gray', 'images/Patrick_Stewart/Patrick_Stewart_0001.jpg'),
      sharedDataPath('lfw_pairs_gray', 'images/Amelie_Mauresmo/Amelie_Mauresmo_0011.jpg'),
      sharedDataPath('celeba_wild_subset', 'images/7305/041555.jpg'),
    ]) {
      const r = await check(readFileSync(f), f);
      expect(r.ok ? 'pass' : r.result.status, f).toBe('pose');
      expect(!r.ok && r.result.message).toMatch(/turned sideways/);
    }
  });

  it('rejects a real blink and accepts the same person with open eyes', async () => {
    // Frames 35 and 50 at 10 fps of a real talking-head clip: eyes shut, then open.
    const clip = sharedDataPath('video', 'liveportrait_d13.mp4');
    const frame = (n: number): Buffer => {
      const out = join(tmp.dir, `frame-${n}.jpg`);
      execFileSync('ffmpeg', [
        '-loglevel',
        'error',
        '-y',
        '-i',
        clip,
        '-vf',
        `fps=10,select=eq(n\\,${n})`,
        '-frames:v',
        '1',
        '-q:v',
        '2',
        out,
      ]);
      return readFileSync(out);
    };
    expect(await statusOf(frame(34), 'blink.jpg')).toBe('eyes_closed');
    expect(await statusOf(frame(49), 'open.jpg')).toBe('pass');
  });

  it('rejects group photos as multiple_faces', async () => {
    for (const f of [
      'human_group-1.jpg',
      'face_recognition_two_people.jpg',
      'deepface_couple.jpg',
    ]) {
      const r = await check(readFileSync(sharedDataPath('multi_face', f)), f);
      expect(r.ok ? 'pass' : r.result.status, f).toBe('multiple_faces');
    }
  });
});
