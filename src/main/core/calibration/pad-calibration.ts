/**
 * Per-camera passive PAD bands from the camera's own live scores (pure maths; the service is
 * pad-calibration.service.ts). Scores move with the camera, so one threshold does not carry
 * across cameras (docs/BENCHMARKS.md, "Passive PAD model"):
 * - clearLiveMin at the stated BPCER: live faces below it are asked for more, not refused;
 * - spoofBelow at REFUSE_BPCER, never above the model's default, so a bright camera does not
 *   refuse more live people.
 * Refused on thin evidence (< MIN_LIVE_SCORES) or when clearly-live would start below the model's
 * spoof band: such a camera needs fixing, not a laxer door.
 */
import { clopperPearson } from './binomial-interval';

export const MIN_LIVE_SCORES = 50;
/** Share of live presentations refused outright (spoof band) that a proposal aims at. */
export const REFUSE_BPCER = 0.01;
const HISTOGRAM_BINS = 20;

export interface PadBandsProposal {
  spoofBelow: number;
  clearLiveMin: number;
  /** Live scores below clearLiveMin / below spoofBelow, with 95 % intervals. */
  notClearlyLive: { count: number; rate: number; ci95: [number, number] };
  refused: { count: number; rate: number; ci95: [number, number] };
}

export type PadProposalOutcome =
  { ok: true; proposal: PadBandsProposal } | { ok: false; reason: string };

/** Lower `q`-quantile (share q of the sorted values lies below the returned threshold). */
export function liveQuantile(sorted: readonly number[], q: number): number {
  const n = sorted.length;
  const k = Math.floor(q * n);
  if (k <= 0) return sorted[0] ?? 0;
  if (k >= n) return (sorted[n - 1] ?? 0) + 1e-6;
  return (sorted[k - 1]! + sorted[k]!) / 2;
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/** Live scores below `t`: count, share and its 95 % Clopper-Pearson interval. */
export function shareBelow(
  sorted: readonly number[],
  t: number,
): { count: number; rate: number; ci95: [number, number] } {
  const count = sorted.filter((x) => x < t).length;
  return { count, rate: count / sorted.length, ci95: clopperPearson(count, sorted.length) };
}

export function proposePadBands(
  liveScores: readonly number[],
  targetBpcer: number,
  modelDefault: { spoofBelow: number; clearLiveMin: number },
): PadProposalOutcome {
  if (liveScores.length < MIN_LIVE_SCORES) {
    return {
      ok: false,
      reason: `${liveScores.length} live score(s) on this camera; at least ${MIN_LIVE_SCORES} are needed (enrol people with the camera, or let the door grant some).`,
    };
  }
  const sorted = [...liveScores].sort((a, b) => a - b);
  const clearLiveMin = round4(liveQuantile(sorted, targetBpcer));
  if (clearLiveMin < modelDefault.spoofBelow) {
    return {
      ok: false,
      reason: `this camera's live faces score so low that ${Math.round(targetBpcer * 100)} % of them fall below ${modelDefault.spoofBelow}, the model's own spoof band: check the camera's light and focus before calibrating.`,
    };
  }
  const spoofBelow = round4(Math.min(modelDefault.spoofBelow, liveQuantile(sorted, REFUSE_BPCER)));
  return {
    ok: true,
    proposal: {
      spoofBelow,
      clearLiveMin,
      notClearlyLive: shareBelow(sorted, clearLiveMin),
      refused: shareBelow(sorted, spoofBelow),
    },
  };
}

/** Counts of live scores in HISTOGRAM_BINS equal bins over 0..1 (the view's histogram). */
export function scoreHistogram(scores: readonly number[]): number[] {
  const bins = new Array<number>(HISTOGRAM_BINS).fill(0);
  for (const s of scores)
    bins[Math.min(HISTOGRAM_BINS - 1, Math.max(0, Math.floor(s * HISTOGRAM_BINS)))]!++;
  return bins;
}
