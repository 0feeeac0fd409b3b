import { readFileSync } from 'node:fs';
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
    await station.enroll({ name: 'Howard', consent: true, images, recordedBy: 'test' });
  });
  afterAll(() => {
    station?.close();
    tmp.cleanup();
  });

  it('grants an enrolled face, logs one audit row for a run of identical frames', async () => {
    const handlers = createStationHandlers(station);
    const req = await frameFromPhoto(station, bbt('howard/howard5.png'), 1);
    const before = station.recentAudit(50).length;
    for (let i = 0; i < 3; i++) {
      const r = await dispatch(handlers, 'access:frame', { ...req, frameId: i });
      expect(r).toMatchObject({
        ok: true,
        value: { decision: 'granted', person: { name: 'Howard' } },
      });
    }
    const events = station.recentAudit(50).slice(0, station.recentAudit(50).length - before);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'decision', decision: 'granted' });
    expect(events[0]?.subject).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(events)).not.toContain('Howard');
  });

  it('says "one person at a time" for a group, naming nobody', async () => {
    const req = await frameFromPhoto(
      station,
      sharedDataPath('multi_face', 'face_recognition_two_people.jpg'),
      10,
    );
    expect(req.faces.length).toBe(2);
    const r = await station.processFrame(req);
    expect(r.decision).toBe('multiple_faces');
    expect(r.person).toBeNull();
    expect(r.faces).toHaveLength(2);
    expect(station.recentAudit(1)[0]?.decision).toBe('multiple_faces');
  });

  it('rejects a region whose pixel bytes do not match its size, without side effects', async () => {
    const handlers = createStationHandlers(station);
    const req = await frameFromPhoto(station, bbt('howard/howard5.png'), 20);
    const broken = { ...req, region: { ...req.region!, width: req.region!.width - 1 } };
    const count = station.recentAudit(500).length;
    const r = await dispatch(handlers, 'access:frame', broken);
    expect(r).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(station.recentAudit(500).length).toBe(count);
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
