import { describe, expect, it } from 'vitest';
import { judgeCamera } from './camera-trust';
import { FaceTracker, iou } from './face-tracker';

describe('judgeCamera', () => {
  it.each([
    'OBS Virtual Camera',
    'Dummy video device (0x0000)',
    'v4l2loopback: OBS Cam',
    'ManyCam Virtual Webcam',
    'Snap Camera',
    'XSplit VCam',
    'fake_device_0',
    '/tmp/clips/live.y4m',
    'C:\\clips\\door.mjpeg',
  ])('refuses the virtual camera %s', (label) => {
    const t = judgeCamera(label, []);
    expect(t.trusted).toBe(false);
    expect(t.reason).toMatch(/virtual camera|allow it/);
  });

  it.each(['Integrated Camera (04f2:b6dd)', 'HD Pro Webcam C920 (046d:082d)', 'Logitech BRIO'])(
    'trusts the physical camera %s',
    (label) => {
      expect(judgeCamera(label, [])).toEqual({ trusted: true, reason: null });
    },
  );

  it('trusts a virtual camera only when an admin allowed that exact label', () => {
    expect(judgeCamera('fake_device_0', ['fake_device_0']).trusted).toBe(true);
    expect(judgeCamera('fake_device_1', ['fake_device_0']).trusted).toBe(false);
  });

  it('refuses an unlabelled device (labels are hidden until camera permission is granted)', () => {
    expect(judgeCamera('  ', []).trusted).toBe(false);
  });
});

describe('FaceTracker', () => {
  it('keeps the id of a face that moves a little, starts a new one for a new face', () => {
    const t = new FaceTracker();
    const [a] = t.update([{ x1: 0, y1: 0, x2: 100, y2: 100 }], 0);
    const ids = t.update(
      [
        { x1: 300, y1: 0, x2: 400, y2: 100 },
        { x1: 8, y1: 5, x2: 108, y2: 105 },
      ],
      40,
    );
    expect(ids[1]).toBe(a);
    expect(ids[0]).not.toBe(a);
  });

  it('forgets a face unseen for longer than the gap', () => {
    const t = new FaceTracker(0.3, 500);
    const [a] = t.update([{ x1: 0, y1: 0, x2: 100, y2: 100 }], 0);
    const [b] = t.update([{ x1: 0, y1: 0, x2: 100, y2: 100 }], 900);
    expect(b).not.toBe(a);
    expect(t.liveIds()).toEqual(new Set([b]));
  });

  it('follows a slow stream: a face seen every 1.3 s keeps its track, a long absence does not', () => {
    const t = new FaceTracker();
    const box = { x1: 0, y1: 0, x2: 100, y2: 100 };
    const ids = [0, 1300, 2600, 3900, 5200].map((ms) => t.update([box], ms)[0]);
    // The first slow interval cannot be told from an absence yet; from then on it can.
    expect(new Set(ids.slice(1)).size).toBe(1);
    // Gone for 10 s: whatever the cadence, a new face (the gap is capped at 4 s).
    expect(t.update([box], 15_200)[0]).not.toBe(ids[4]);
  });

  it('iou of identical, disjoint and half-overlapping boxes', () => {
    const box = { x1: 0, y1: 0, x2: 10, y2: 10 };
    expect(iou(box, box)).toBe(1);
    expect(iou(box, { x1: 20, y1: 0, x2: 30, y2: 10 })).toBe(0);
    expect(iou(box, { x1: 5, y1: 0, x2: 15, y2: 10 })).toBeCloseTo(1 / 3);
  });
});

describe('FaceTracker across streams', () => {
  it('a clock that went backwards (the terminal restarted) starts new tracks', () => {
    const t = new FaceTracker();
    const box = { x1: 0, y1: 0, x2: 100, y2: 100 };
    const [a] = t.update([box], 15_000);
    const [b] = t.update([box], 2_000);
    expect(b).not.toBe(a);
  });

  it('reset() forgets every face', () => {
    const t = new FaceTracker();
    const box = { x1: 0, y1: 0, x2: 100, y2: 100 };
    const [a] = t.update([box], 0);
    t.reset();
    expect(t.update([box], 10)[0]).not.toBe(a);
  });
});
