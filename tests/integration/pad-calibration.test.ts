import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src/main/core/ipc/dispatch';
import { createStationHandlers } from '../../src/main/core/ipc/station-handlers';
import type { Station } from '../../src/main/core/station.service';
import { openStation } from '../../src/main/station-factory';
import type { EnrollResult } from '../../src/shared/domain';
import type {
  PadCalibrationAdoptView,
  PadCalibrationRunView,
} from '../../src/shared/pad-calibration-contract';
import { frameFromPhoto } from '../support/frame-request';
import { sharedDataPath } from '../support/shared-data';
import { makeTempDir } from '../support/temp-dir';
import { extractStills, ffmpegAvailable } from '../support/video-clips';

/**
 * Per-camera liveness calibration on a real station: consented enrolment captures and granted
 * door decisions on the terminal's camera leave their passive score (and nothing else) in the
 * database; a proposal at a stated BPCER comes from them; adopting it is one audited settings
 * change, bound to the PAD model, in force for the next face.
 */
const CAMERA = 'Integrated Webcam (0c45:6a1d)';
const live = sharedDataPath('spoof', 'videos', 'apfol_real.webm');

describe.skipIf(!ffmpegAvailable())("liveness calibration of the station's own camera", () => {
  const tmp = makeTempDir('station-pad-cal-');
  let station: Station;
  let handlers: ReturnType<typeof createStationHandlers>;
  let enrolled = 0;

  beforeAll(async () => {
    station = await openStation({ dataDir: join(tmp.dir, 'data'), mode: 'browser' });
    handlers = createStationHandlers(station);
  }, 300_000);
  afterAll(() => {
    station?.close();
    tmp.cleanup();
  });

  const run = async (targetBpcer: number, camera = CAMERA) => {
    const r = await dispatch(handlers, 'calibration:pad-run', { targetBpcer, camera });
    if (!r.ok) throw new Error(r.error.message);
    return r.value as PadCalibrationRunView;
  };

  it('keeps the score of each enrolled live capture, for the camera it came from', async () => {
    const stills = extractStills(live, tmp.dir, { start: 1, duration: 2 }, 3, 'capture');
    const r = await dispatch(handlers, 'enroll:create', {
      name: 'Apfol',
      consent: true,
      captureCamera: CAMERA,
      images: stills.map((f) => ({ fileName: f, base64: readFileSync(f).toString('base64') })),
    });
    expect(r.ok && (r.value as EnrollResult).person?.name).toBe('Apfol');
    // One score per capture that passed the enrolment gates (a rejected one left none).
    enrolled = r.ok
      ? (r.value as EnrollResult).files.filter((f) => f.status === 'enrolled').length
      : 0;
    expect(enrolled).toBeGreaterThanOrEqual(1);
    const view = await run(0.1);
    expect(view.camera).toBe(CAMERA);
    expect(view.scores).toEqual({ total: enrolled, enrolment: enrolled, granted: 0 });
    // Too little evidence: no proposal, and nothing to adopt.
    expect(view.proposal).toBeNull();
    expect(view.refusal).toMatch(/at least 50/);
    const adopt = await dispatch(handlers, 'calibration:pad-adopt', {
      runId: view.runId,
      confirm: true,
    });
    expect(adopt).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('keeps the passive score of a granted door decision on the reported camera', async () => {
    station.door.reportCamera(CAMERA);
    const frames = extractStills(live, tmp.dir, { start: 0, duration: 3 }, 30, 'door');
    let granted = false;
    for (const [i, f] of frames.entries()) {
      const req = { ...(await frameFromPhoto(station, f, i)), capturedAtMs: i * 100 };
      const out = await station.door.process(req);
      if (out.decision === 'granted') {
        granted = true;
        expect(out.liveness?.passive?.band).toBe('clear_live');
        // The decision record keeps every component, the passive band and why.
        const row = station.auditAdmin.recent(5).find((e) => e.decision === 'granted');
        const liveness = station.review.detail(row?.id ?? 0).scores.liveness ?? {};
        expect(liveness).toMatchObject({ verdict: 'live', 'passive.band': 'clear_live' });
        expect(Object.keys(liveness)).toEqual(
          expect.arrayContaining([
            'components.texture',
            'passive.score',
            'passive.textureNet',
            'passive.clearLiveMin',
            'reasons',
          ]),
        );
        break;
      }
    }
    expect(granted).toBe(true);
    expect((await run(0.1)).scores).toMatchObject({ total: enrolled + 1, granted: 1 });
  });

  it('proposes bands at the stated BPCER and adopts them, audited, bound to the model', async () => {
    // More live presentations of this camera, as weeks of use would bring.
    const more = 99 - enrolled;
    for (let i = 0; i < more; i++) {
      station.padCalibration.recordLive('granted', CAMERA, {
        padModel: 0.5 + i / (2 * more),
        textureNet: 0.9,
      });
    }
    const view = await run(0.2);
    expect(view.scores.total).toBe(100);
    expect(view.current.origin).toBe('model_default');
    expect(view.proposal).not.toBeNull();
    const p = view.proposal!;
    expect(p.notClearlyLive.count).toBe(20);
    expect(p.spoofBelow).toBeLessThanOrEqual(view.modelDefault.spoofBelow);
    const adopted = await dispatch(handlers, 'calibration:pad-adopt', {
      runId: view.runId,
      confirm: true,
    });
    expect(adopted.ok).toBe(true);
    if (!adopted.ok) return;
    const value = adopted.value as PadCalibrationAdoptView;
    expect(value.after).toEqual({
      spoofBelow: p.spoofBelow,
      clearLiveMin: p.clearLiveMin,
      origin: 'camera_calibration',
    });
    const settings = station.access.liveness();
    expect(settings.passive).toMatchObject({ clearLiveMin: p.clearLiveMin });
    expect(settings.passive?.modelId).toBe(view.modelId);
    const row = station.review.detail(value.auditId);
    expect(row.event.kind).toBe('settings');
    expect(row.facts).toMatchObject({
      setting: 'liveness.passive',
      'clearLiveMin.new': p.clearLiveMin,
      'evidence.camera': CAMERA,
      'evidence.liveScores': 100,
      'evidence.targetBpcer': 0.2,
    });
    expect(station.auditAdmin.verifyChain().ok).toBe(true);
    // The next run shows the adopted bands in force.
    expect((await run(0.2)).current).toMatchObject({
      origin: 'camera_calibration',
      clearLiveMin: p.clearLiveMin,
    });
  });

  it('refuses a made-up run id and an unknown target', async () => {
    expect(
      await dispatch(handlers, 'calibration:pad-adopt', { runId: 'nope', confirm: true }),
    ).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    expect(await dispatch(handlers, 'calibration:pad-run', { targetBpcer: 0.15 })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
  });
});
