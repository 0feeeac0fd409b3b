/**
 * The station's own liveness calibration: it keeps the passive PAD scores of live
 * presentations on its camera (consented enrolment captures, granted door decisions; scores
 * only), proposes bands at a stated BPCER (pad-calibration.ts) and, when an admin adopts them,
 * stores them in the liveness settings with one audit row that records the old and new bands
 * and the evidence, in one transaction. In force for faces whose window starts afterwards.
 */
import { randomUUID } from 'node:crypto';
import { StationError } from '../../../shared/errors';
import type {
  PadBandsView,
  PadCalibrationAdoptView,
  PadCalibrationRunView,
} from '../../../shared/pad-calibration-contract';
import type { LivenessSettings } from '../liveness/liveness-settings';
import { passiveThresholds } from '../liveness/liveness-tracker';
import type { PassiveLivenessModel } from '../liveness/passive-scorer';
import { proposePadBands, scoreHistogram, shareBelow } from './pad-calibration';
import type { SettingsChange } from '../audit/audit-recorder';

export type PadScoreOrigin = 'enrolment' | 'granted';

export interface PadLiveScore {
  recordedAt: string;
  origin: PadScoreOrigin;
  camera: string;
  modelId: string;
  score: number;
  textureNet: number | null;
}

/** Storage of the scores (PadLiveScoresRepository implements it). */
export interface PadLiveScoreStore {
  add(s: PadLiveScore): void;
  scores(modelId: string, camera: string): PadLiveScore[];
  cameras(modelId: string): { camera: string; scores: number; lastAt: string }[];
}

export interface PadCalibrationDeps {
  store: PadLiveScoreStore;
  passive: () => PassiveLivenessModel | null;
  liveness: () => LivenessSettings;
  /** Validates and stores liveness settings (not audited itself: adopt() writes the row). */
  setLiveness: (next: unknown) => LivenessSettings;
  audit: (details: SettingsChange) => number;
  transaction: <T>(fn: () => T) => T;
  /** The camera label the door terminal reported last. */
  doorCamera: () => string | null;
  now: () => Date;
}

const MAX_RUNS = 2;
const CAVEAT =
  'Live scores only: the proposal sets how many live people are asked for more, not how many ' +
  'attacks get through. Granted decisions were clearly live already, so they under-represent ' +
  'the low end; enrolment captures do not. Check APCER with your own attack recordings ' +
  '(station pad-eval --labels CSV --bands SPOOF,LIVE with the proposed values) before adopting.';

function model(d: PadCalibrationDeps): PassiveLivenessModel {
  const m = d.passive();
  if (!m) throw new StationError('MODEL_MISSING', 'Passive liveness models are not loaded.');
  return m;
}

export class PadCalibrationService {
  private readonly runs = new Map<string, { view: PadCalibrationRunView; bands: PadBandsView }>();

  constructor(private readonly d: PadCalibrationDeps) {}

  /** Keeps one live presentation's passive score (never an image, never who it was). */
  recordLive(origin: PadScoreOrigin, camera: string, s: { padModel: number; textureNet: number }) {
    const m = this.d.passive();
    if (!m || !Number.isFinite(s.padModel)) return;
    this.d.store.add({
      recordedAt: this.d.now().toISOString(),
      origin,
      camera: camera.slice(0, 200) || 'unknown camera',
      modelId: m.modelId,
      score: Math.min(1, Math.max(0, s.padModel)),
      textureNet: Number.isFinite(s.textureNet) ? Math.min(1, Math.max(0, s.textureNet)) : null,
    });
  }

  run(req: { camera?: string | undefined; targetBpcer: number }): PadCalibrationRunView {
    const m = model(this.d);
    const cameras = this.d.store.cameras(m.modelId);
    const doorCamera = this.d.doorCamera();
    const camera = req.camera ?? chooseCamera(cameras, doorCamera);
    const rows = camera ? this.d.store.scores(m.modelId, camera) : [];
    const live = rows.map((r) => r.score);
    const current = passiveThresholds(this.d.liveness(), m);
    const outcome = proposePadBands(live, req.targetBpcer, m.defaultBands);
    const rate = (t: number) => (live.length ? shareBelow(live, t) : null);
    const view: PadCalibrationRunView = {
      runId: randomUUID(),
      modelId: m.modelId,
      camera,
      doorCamera,
      cameras,
      scores: {
        total: rows.length,
        enrolment: rows.filter((r) => r.origin === 'enrolment').length,
        granted: rows.filter((r) => r.origin === 'granted').length,
      },
      histogram: scoreHistogram(live),
      targetBpcer: req.targetBpcer,
      current: {
        ...current,
        notClearlyLive: rate(current.clearLiveMin),
        refused: rate(current.spoofBelow),
      },
      modelDefault: { ...m.defaultBands },
      proposal: outcome.ok ? outcome.proposal : null,
      refusal: outcome.ok ? null : outcome.reason,
      caveat: CAVEAT,
    };
    this.runs.set(view.runId, { view, bands: current });
    while (this.runs.size > MAX_RUNS) this.runs.delete(this.runs.keys().next().value!);
    return view;
  }

  adopt(req: { runId: string }, changedBy: string): PadCalibrationAdoptView {
    const held = this.runs.get(req.runId);
    if (!held) {
      throw new StationError(
        'BAD_REQUEST',
        `Liveness calibration run ${req.runId} is not held any more: run the calibration again.`,
      );
    }
    const { view } = held;
    const m = model(this.d);
    if (!view.proposal || !view.camera) {
      throw new StationError('BAD_REQUEST', `Nothing to adopt: ${view.refusal ?? 'no proposal'}`);
    }
    if (view.modelId !== m.modelId) {
      throw new StationError(
        'BAD_REQUEST',
        'The passive model changed since this run: run it again.',
      );
    }
    const p = view.proposal;
    return this.d.transaction(() => {
      const settings = this.d.liveness();
      const before = passiveThresholds(settings, m);
      const next = {
        ...settings,
        passive: { spoofBelow: p.spoofBelow, clearLiveMin: p.clearLiveMin, modelId: m.modelId },
      };
      const after = passiveThresholds(this.d.setLiveness(next), m);
      const auditId = this.d.audit({
        setting: 'liveness.passive',
        changedBy,
        'spoofBelow.old': before.spoofBelow,
        'spoofBelow.new': after.spoofBelow,
        'clearLiveMin.old': before.clearLiveMin,
        'clearLiveMin.new': after.clearLiveMin,
        'origin.old': before.origin,
        'evidence.camera': view.camera,
        'evidence.modelId': view.modelId,
        'evidence.liveScores': view.scores.total,
        'evidence.enrolmentScores': view.scores.enrolment,
        'evidence.grantedScores': view.scores.granted,
        'evidence.targetBpcer': view.targetBpcer,
        'evidence.notClearlyLive': round4(p.notClearlyLive.rate),
        'evidence.notClearlyLiveCiHigh': round4(p.notClearlyLive.ci95[1]),
        'evidence.refused': round4(p.refused.rate),
      });
      return { before, after, auditId };
    });
  }
}

/** The door's own camera when it has scores, else the camera with the most scores. */
function chooseCamera(
  cameras: readonly { camera: string; scores: number }[],
  doorCamera: string | null,
): string | null {
  if (doorCamera && cameras.some((c) => c.camera === doorCamera)) return doorCamera;
  let best: { camera: string; scores: number } | null = null;
  for (const c of cameras) if (!best || c.scores > best.scores) best = c;
  return best?.camera ?? null;
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
