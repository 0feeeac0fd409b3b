import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImageBuffer } from '../../src/main/adapters/image-decoder';
import { checkEnrolPhoto } from '../../src/main/core/enrollment/enroll-photo-check';
import { defaultModelsDir } from '../../src/main/core/models/model-verifier';
import { DEFAULT_QUALITY_LIMITS } from '../../src/main/core/settings/quality-defaults';
import { DEFAULT_THRESHOLDS } from '../../src/main/core/settings/threshold-defaults';
import type { FacePipeline } from '../../src/main/core/vision/face-pipeline';
import { dispatch } from '../../src/main/core/ipc/dispatch';
import { createStationHandlers } from '../../src/main/core/ipc/station-handlers';
import type { Station } from '../../src/main/core/station.service';
import { openStation } from '../../src/main/station-factory';
import type { RequestOf } from '../../src/shared/contract';
import type { CaptureCheck } from '../../src/shared/enroll-capture-contract';
import { wholeImageRegion } from '../support/frame-request';
import { sharedDataPath } from '../support/shared-data';
import { makeTempDir } from '../support/temp-dir';
import { loadFacePipeline } from '../../src/main/composition/onnx-models';

/**
 * `enroll:check` (guided live capture) through the contract with a real station: a frame is
 * judged by the same gates as an enrolment photo file, and nothing is stored.
 */
describe('enroll:check on real photos used as camera frames', () => {
  const tmp = makeTempDir('station-capture-');
  let station: Station;
  let handlers: ReturnType<typeof createStationHandlers>;
  let pipeline: FacePipeline;
  const limits = { ...DEFAULT_QUALITY_LIMITS, minInterEyePx: DEFAULT_THRESHOLDS.minInterEyePx };
  const decode = (b: Buffer, name: string) => decodeImageBuffer(b, undefined, name);

  beforeAll(async () => {
    station = await openStation({ dataDir: tmp.dir, mode: 'browser' });
    handlers = createStationHandlers(station);
    pipeline = await loadFacePipeline(defaultModelsDir());
  });
  afterAll(() => {
    station?.close();
    tmp.cleanup();
  });

  /** The whole photo as the page's RGB region (no MediaPipe in Node: no hints needed). */
  async function frameOf(bytes: Buffer): Promise<RequestOf<'enroll:check'>> {
    const { width, height, region } = await wholeImageRegion(bytes, 1280);
    return { frameWidth: width, frameHeight: height, faces: [], region };
  }

  async function statusOf(bytes: Buffer): Promise<string> {
    const r = await dispatch(handlers, 'enroll:check', await frameOf(bytes));
    if (!r.ok) throw new Error(r.error.message);
    return (r.value as CaptureCheck).status;
  }

  it('says ok for good photos, with the head pose and eye distance, and stores nothing', async () => {
    const good = readFileSync(sharedDataPath('deepface_testset', 'img1.jpg'));
    const auditBefore = station.auditAdmin.recent(500).length;
    const r = await dispatch(handlers, 'enroll:check', await frameOf(good));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect((r.value as CaptureCheck).status).toBe('ok');
    expect(Math.abs((r.value as CaptureCheck).yaw ?? 99)).toBeLessThan(30);
    expect(Math.abs((r.value as CaptureCheck).pitch ?? 99)).toBeLessThan(30);
    expect((r.value as CaptureCheck).interEyePx).toBeGreaterThan(64);
    expect(station.directory.list()).toHaveLength(0);
    expect(station.auditAdmin.recent(500)).toHaveLength(auditBefore);
  });

  it('agrees with the file gates on LFW photos (same gates, same verdict)', async () => {
    const pairs = readFileSync(sharedDataPath('lfw_pairs_gray', 'pairs.csv'), 'utf8')
      .trim()
      .split(/\r?\n/)
      .slice(1, 7)
      .map((l) => l.split(',')[1]!);
    let ok = 0;
    for (const f of pairs) {
      const bytes = readFileSync(sharedDataPath('lfw_pairs_gray', f));
      const checked = await checkEnrolPhoto(
        { analyzer: pipeline, decode },
        { fileName: f, bytes },
        limits,
      );
      const file = checked.ok ? 'ok' : checked.result.status;
      const live = await statusOf(bytes);
      expect(live, f).toBe(file);
      if (live === 'ok') ok++;
    }
    expect(ok).toBeGreaterThan(0);
  });

  it('says blurry for a blurred frame and exposure for a darkened one', async () => {
    const bytes = await sharp(readFileSync(sharedDataPath('deepface_testset', 'img1.jpg')))
      .resize(1280, 1280, { fit: 'inside', withoutEnlargement: true })
      .png()
      .toBuffer();
    const r = await dispatch(handlers, 'enroll:check', await frameOf(bytes));
    const eyes = r.ok ? ((r.value as CaptureCheck).interEyePx ?? 64) : 64;
    const blurred = await sharp(bytes)
      .blur((2.5 * eyes) / 35)
      .jpeg({ quality: 92 })
      .toBuffer();
    const dark = await sharp(bytes).linear(0.18, 0).jpeg({ quality: 92 }).toBuffer();
    expect(await statusOf(blurred)).toBe('blurry');
    expect(await statusOf(dark)).toBe('exposure');
  });

  it('says multiple_faces for a group photo', async () => {
    const group = readFileSync(sharedDataPath('multi_face', 'human_group-1.jpg'));
    const r = await dispatch(handlers, 'enroll:check', await frameOf(group));
    expect(r).toMatchObject({ ok: true, value: { status: 'multiple_faces', yaw: null } });
  });

  it('refuses malformed payloads as BAD_REQUEST', async () => {
    const frame = await frameOf(readFileSync(sharedDataPath('deepface_testset', 'img1.jpg')));
    for (const bad of [
      {},
      { ...frame, region: null },
      { ...frame, region: { ...frame.region, rgb: new Uint8Array(3) } },
      { ...frame, region: { ...frame.region, rgb: frame.region.rgb.subarray(1) } },
      {
        ...frame,
        region: { ...frame.region, rgb: Buffer.from(frame.region.rgb).toString('base64') },
      },
      { ...frame, region: { ...frame.region, width: 0 } },
      { ...frame, extra: 1 },
    ]) {
      expect(await dispatch(handlers, 'enroll:check', bad)).toMatchObject({
        ok: false,
        error: { code: 'BAD_REQUEST' },
      });
    }
  });
});
