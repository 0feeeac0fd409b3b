import { describe, expect, it } from 'vitest';
import { liveQuantile, MIN_LIVE_SCORES, proposePadBands, scoreHistogram } from './pad-calibration';

const DEFAULTS = { spoofBelow: 0.2, clearLiveMin: 0.6 };
/** `n` live scores spread evenly from lo to hi. */
const spread = (lo: number, hi: number, n = 100) =>
  Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));

describe('per-camera passive bands', () => {
  it("puts clearLiveMin at the stated share of the camera's live scores", () => {
    const out = proposePadBands(spread(0.3, 0.99), 0.1, DEFAULTS);
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.proposal.notClearlyLive.count).toBe(10);
    expect(out.proposal.notClearlyLive.ci95[0]).toBeLessThan(0.1);
    expect(out.proposal.notClearlyLive.ci95[1]).toBeGreaterThan(0.1);
    // The camera's live faces all score above the default spoof band: it is kept, not raised.
    expect(out.proposal.spoofBelow).toBe(0.2);
    expect(out.proposal.refused.count).toBe(0);
  });

  it('lowers the spoof band for a camera whose live faces score low, refusing ~1 % of them', () => {
    const out = proposePadBands(spread(0.15, 0.99), 0.1, DEFAULTS);
    expect(out.ok && out.proposal.spoofBelow).toBeLessThan(0.2);
    expect(out.ok && out.proposal.refused.count).toBe(1);
  });

  it("refuses thin evidence and a camera whose live faces fall into the model's spoof band", () => {
    const thin = proposePadBands(spread(0.3, 0.9, MIN_LIVE_SCORES - 1), 0.1, DEFAULTS);
    expect(thin.ok).toBe(false);
    expect(!thin.ok && thin.reason).toMatch(/at least 50/);
    const dark = proposePadBands(spread(0.0, 0.5), 0.1, DEFAULTS);
    expect(!dark.ok && dark.reason).toMatch(/light and focus/);
  });

  it('quantiles and histogram', () => {
    expect(liveQuantile([0.1, 0.2, 0.3, 0.4], 0.5)).toBeCloseTo(0.25, 12);
    const h = scoreHistogram([0, 0.04, 0.5, 1]);
    expect(h.length).toBe(20);
    expect(h[0]).toBe(2);
    expect(h[10]).toBe(1);
    expect(h[19]).toBe(1);
  });
});
