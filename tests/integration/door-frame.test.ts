import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStationHandlers } from '../../src/main/core/ipc/station-handlers';
import { dispatch } from '../../src/main/core/ipc/dispatch';
import type { Station } from '../../src/main/core/station.service';
import { openStation } from '../../src/main/station-factory';
import { frameFromPhoto } from '../support/frame-request';
import { sharedDataPath } from '../support/shared-data';
import { makeTempDir } from '../support/temp-dir';

describe('door frames through the contract (real pipeline, SQLite, FAISS)', () => {
  const tmp = makeTempDir();
  let station: Station;
  const bbt = (p: string) => sharedDataPath('small_identity_sets', 'faceapi_bbt', p);

  beforeAll(async () => {
    station = await openStation({ dataDir: tmp.dir, mode: 'browser' });
    const images = [1, 2, 3].map((i) => ({
      fileName: `howard${i}`,
      bytes: readFileSync(bbt(`howard/howard${i}.png`)),
    }));
    await station.intake.enroll({ name: 'Howard', consent: true, images, recordedBy: 'test' });
  });
  afterAll(() => {
    station?.close();
    tmp.cleanup();
  });

  it('refuses frames until the terminal reported a trusted camera', async () => {
    const req = await frameFromPhoto(station, bbt('howard/howard5.png'), 1);
    const r = await station.door.process(req);
    expect(r).toMatchObject({ phase: 'decided', decision: 'device_untrusted', person: null });
    expect(station.auditAdmin.recent(1)[0]).toMatchObject({
      kind: 'decision',
      decision: 'device_untrusted',
    });
  });

  it('refuses a virtual camera by label (audited) and accepts a physical one', async () => {
    const handlers = createStationHandlers(station);
    const obs = await dispatch(handlers, 'camera:report', { label: 'OBS Virtual Camera' });
    expect(obs).toMatchObject({ ok: true, value: { trusted: false } });
    const audited = station.auditAdmin.recent(1)[0];
    expect(audited).toMatchObject({ decision: 'device_untrusted' });
    // Filed under the terminal's door (default id door-1): the reviewer's door filter finds it.
    expect(station.review.detail(audited?.id ?? 0).event.door).toBe('door-1');
    const cam = await dispatch(handlers, 'camera:report', { label: 'HD Pro Webcam C920' });
    expect(cam).toEqual({ ok: true, value: { trusted: true, reason: null } });
    expect(await dispatch(handlers, 'camera:report', { label: 42 })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
  });

  it('a still photo held as a frozen stream is never granted: spoof_suspected, door locked', async () => {
    station.door.reportCamera('HD Pro Webcam C920');
    const req = await frameFromPhoto(station, bbt('howard/howard5.png'), 1);
    const before = station.auditAdmin.recent(500).length;
    const decisions: (string | null)[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await station.door.process({ ...req, frameId: 100 + i, capturedAtMs: i * 66 });
      decisions.push(r.decision);
      expect(r.door.state).toBe('locked');
    }
    expect(decisions).not.toContain('granted');
    expect(decisions).toContain('spoof_suspected');
    const events = station.auditAdmin
      .recent(500)
      .slice(0, station.auditAdmin.recent(500).length - before);
    // One audited decision for the tracked face, however many frames it stood there.
    expect(events.filter((e) => e.decision === 'spoof_suspected')).toHaveLength(1);
    expect(events.some((e) => e.kind === 'door')).toBe(false);
    expect(JSON.stringify(events)).not.toContain('Howard');
  });

  it('identifies a face from a shrunk region (region.scale) as from the full one', async () => {
    station.door.reportCamera('HD Pro Webcam C920');
    const full = await frameFromPhoto(station, bbt('howard/howard5.png'), 30);
    const region = full.region!;
    // The terminal's shrink: half the pixels each way; hints and origin stay in frame pixels.
    const width = Math.floor(region.width / 2);
    const height = Math.floor(region.height / 2);
    const rgb = Uint8Array.from(
      await sharp(Buffer.from(region.rgb), {
        raw: { width: region.width, height: region.height, channels: 3 },
      })
        .resize(width, height, { fit: 'fill' })
        .raw()
        .toBuffer(),
    );
    const shrunk = { ...full, frameId: 31, region: { ...region, width, height, rgb, scale: 0.5 } };
    const handlers = createStationHandlers(station);
    const a = await dispatch(handlers, 'access:frame', { ...full, capturedAtMs: 0 });
    station.door.reportCamera('HD Pro Webcam C920');
    const b = await dispatch(handlers, 'access:frame', { ...shrunk, capturedAtMs: 0 });
    if (!a.ok || !b.ok) throw new Error('frame refused');
    const [fa] = (a.value as { faces: { decision: string; similarity: number }[] }).faces;
    const [fb] = (b.value as { faces: { decision: string; similarity: number }[] }).faces;
    expect(fa?.decision).toBe('granted');
    // Boxes are reported in frame pixels either way; identity holds at half resolution.
    expect(fb?.decision).toBe('granted');
    expect(Math.abs((fa?.similarity ?? 0) - (fb?.similarity ?? 1))).toBeLessThan(0.1);
  });

  it('says "one person at a time" for a group, naming nobody', async () => {
    station.door.reportCamera('HD Pro Webcam C920');
    const req = await frameFromPhoto(
      station,
      sharedDataPath('multi_face', 'face_recognition_two_people.jpg'),
      10,
    );
    expect(req.faces.length).toBe(2);
    const r = await station.door.process(req);
    expect(r.decision).toBe('multiple_faces');
    expect(r.person).toBeNull();
    expect(r.faces).toHaveLength(2);
    expect(r.faces.every((f) => f.person === null)).toBe(true);
  });

  it('rejects a region whose pixel bytes do not match its size, without side effects', async () => {
    const handlers = createStationHandlers(station);
    const req = await frameFromPhoto(station, bbt('howard/howard5.png'), 20);
    const broken = { ...req, region: { ...req.region!, width: req.region!.width - 1 } };
    const count = station.auditAdmin.recent(500).length;
    const r = await dispatch(handlers, 'access:frame', broken);
    expect(r).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(station.auditAdmin.recent(500).length).toBe(count);
  });

  it('rejects malformed payloads at the boundary', async () => {
    const handlers = createStationHandlers(station);
    for (const bad of [
      null,
      {},
      { frameId: -1 },
      { frameId: 1, frameWidth: 1, frameHeight: 1, faces: 'x', region: null },
    ]) {
      expect(await dispatch(handlers, 'access:frame', bad)).toMatchObject({
        ok: false,
        error: { code: 'BAD_REQUEST' },
      });
    }
    expect(await dispatch(handlers, 'no:such', {})).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    const noConsent = { name: 'X', consent: false, images: [{ fileName: 'a', base64: 'AA==' }] };
    expect(await dispatch(handlers, 'enroll:create', noConsent)).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
  });

  it('hands out the detector model only when its hash checks out', async () => {
    const r = await dispatch(createStationHandlers(station), 'models:detector', {
      variant: 'short_range',
    });
    expect(r).toMatchObject({
      ok: true,
      value: { fileName: 'face_detection_short_range.meta.tflite' },
    });
  });
});
