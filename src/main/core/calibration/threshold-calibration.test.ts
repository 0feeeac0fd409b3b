import { describe, expect, it } from 'vitest';
import { StationError } from '../../../shared/errors';
import { calibrate, impostorsNeeded, targetList } from './threshold-calibration';

/** 30 impostor scores 0.00, 0.01, ..., 0.29. */
const IMPOSTOR = Array.from({ length: 30 }, (_, i) => i / 100);
const GENUINE = [0.2, 0.265, 0.5, 0.9];

describe('threshold calibration', () => {
  it('picks the lowest threshold with FMR <= target, by hand', () => {
    const r = calibrate(GENUINE, IMPOSTOR, { targets: [0.2, 0.1] });
    const [t20, t10] = r.targets;
    // 0.1 * 30 = 3 impostors may pass: 0.27, 0.28, 0.29; the threshold sits just above 0.26.
    expect(t10?.supported).toBe(true);
    expect(t10?.threshold).toBeGreaterThan(0.26);
    expect(t10?.threshold).toBeLessThan(0.26 + 1e-12);
    expect(t10?.fmr).toBeCloseTo(3 / 30, 14);
    expect(t10?.fnmr).toBe(1 / 4); // only 0.2 is rejected
    expect(t10?.ci?.[0]).toBeLessThan(0.1);
    expect(t10?.ci?.[1]).toBeGreaterThan(0.1);
    // 0.2 * 30 = 6 may pass: 0.24 .. 0.29.
    expect(t20?.fmr).toBeCloseTo(6 / 30, 14);
    expect(t20?.threshold).toBeGreaterThan(0.23);
    expect(t20?.threshold).toBeLessThan(0.24);
  });

  it('flags targets the impostor count cannot support (rule of three)', () => {
    const r = calibrate(GENUINE, IMPOSTOR, { targets: targetList(0.1) });
    expect(r.targets.map((t) => [t.targetFmr, t.supported])).toEqual([
      [0.1, true],
      [1e-3, false],
      [1e-4, false],
      [1e-5, false],
      [1e-6, false],
    ]);
    const t3 = r.targets[1]!;
    expect(t3.threshold).toBeNull();
    expect(t3.ci).toBeNull();
    expect(t3.reason).toMatch(/30 impostor pairs .* at least 3000/);
    expect(impostorsNeeded(1e-6)).toBe(3_000_000);
    // 0.1 needs exactly 30: supported at the boundary, not at 29.
    expect(calibrate(GENUINE, IMPOSTOR.slice(1), { targets: [0.1] }).targets[0]?.supported).toBe(
      false,
    );
  });

  it('handles ties: every impostor tied at the cut is rejected with it', () => {
    const impostor = new Array<number>(100).fill(0.5);
    const t = calibrate([0.5, 0.6], impostor, { targets: [0.1] }).targets[0]!;
    expect(t.fmr).toBe(0);
    expect(t.falseMatches).toBe(0);
    expect(t.fnmr).toBe(0.5);
  });

  it('all-equal scores: AUC 0.5 and EER 0.5', () => {
    const r = calibrate([0.4, 0.4, 0.4], [0.4, 0.4]);
    expect(r.auc).toBe(0.5);
    expect(r.eer).toBeCloseTo(0.5, 12);
  });

  it('AUC counts ties half and EER interpolates, by hand', () => {
    expect(calibrate([0.5, 0.7], [0.5, 0.3]).auc).toBe(0.875);
    const r = calibrate([0.9, 0.8, 0.6, 0.4], [0.1, 0.2, 0.3, 0.7]);
    expect(r.eer).toBeCloseTo(0.25, 12);
    expect(r.auc).toBe(14 / 16); // 4 + 4 + 3 + 3 wins of 16
  });

  it('an empty class or a bad score is a clear BAD_REQUEST', () => {
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return e instanceof StationError ? `${e.code}: ${e.message}` : 'other';
      }
      return undefined;
    };
    expect(code(() => calibrate([], [0.1]))).toMatch(/^BAD_REQUEST: No genuine scores/);
    expect(code(() => calibrate([0.9], []))).toMatch(/^BAD_REQUEST: No impostor scores/);
    expect(code(() => calibrate([NaN], [0.1]))).toMatch(/^BAD_REQUEST: .*not a finite/);
    expect(code(() => calibrate([0.9], [0.1], { targets: [0] }))).toMatch(/^BAD_REQUEST/);
  });

  it('ROC points are monotone and DET points stay inside (0, 1)', () => {
    const r = calibrate(GENUINE, IMPOSTOR);
    expect(r.roc.length).toBe(new Set([...GENUINE, ...IMPOSTOR]).size + 1);
    for (let i = 1; i < r.roc.length; i++) {
      expect(r.roc[i]!.threshold).toBeGreaterThan(r.roc[i - 1]!.threshold);
      expect(r.roc[i]!.fmr).toBeLessThanOrEqual(r.roc[i - 1]!.fmr);
      expect(r.roc[i]!.fnmr).toBeGreaterThanOrEqual(r.roc[i - 1]!.fnmr);
    }
    expect(r.roc.at(-1)).toMatchObject({ fmr: 0, fnmr: 1 });
    expect(r.det.length).toBeGreaterThan(0);
    for (const p of r.det) expect(Number.isFinite(p.fmrDeviate + p.fnmrDeviate)).toBe(true);
  });

  it('scales to 10k genuine and 1M impostor scores with a thinned curve', () => {
    let seed = 42;
    const rand = (): number => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    const gauss = (m: number, s: number): number =>
      m + s * Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
    const genuine = Float64Array.from({ length: 10_000 }, () => gauss(0.6, 0.12));
    const impostor = Float64Array.from({ length: 1_000_000 }, () => gauss(0.05, 0.08));
    const r = calibrate(genuine, impostor, { targets: targetList() });
    expect(r.impostor).toBe(1_000_000);
    expect(r.roc.length).toBeLessThanOrEqual(402);
    const byTarget = new Map(r.targets.map((t) => [t.targetFmr, t]));
    expect(byTarget.get(1e-6)?.supported).toBe(false); // needs 3M impostors
    for (const t of [1e-3, 1e-4, 1e-5]) {
      const x = byTarget.get(t)!;
      expect(x.supported).toBe(true);
      expect(x.fmr).toBeLessThanOrEqual(t);
      // Check against a direct count.
      expect(impostor.filter((s) => s >= x.threshold!).length).toBe(x.falseMatches);
    }
    expect(r.auc).toBeGreaterThan(0.99);
  });
});
