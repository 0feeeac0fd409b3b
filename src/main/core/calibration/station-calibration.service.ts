import { randomBytes } from 'node:crypto';
import type {
  CalibrationAdoptView,
  CalibrationRunView,
  OperatingPoint,
  TargetView,
} from '../../../shared/calibration-contract';
import type { Thresholds } from '../../../shared/domain';
import { StationError } from '../../../shared/errors';
import type { StoredTemplate } from '../ports/template-store';
import { summariseScores } from './calibration-summary';
import type { CalibrationUploads } from './calibration-uploads';
import { labelledScores } from './embedding-pairs';
import { openSetRatesAt, type ProbeOutcome } from './open-set-identification';
import { enrolledProbes, uploadProbes, type GalleryRows } from './open-set-probes';
import { describeScoring, type IdentifyScoring } from '../recognition/identify-scoring';
import { ratesAt } from './score-curves';
import { SortedScores } from './sorted-scores';
import { calibrateSorted, targetList, type CalibrationReport } from './threshold-calibration';
import type { SettingsChange } from '../audit/audit-recorder';

/**
 * The admin view's calibration: from the station's own enrolled templates or from an uploaded
 * folder of identities, the ROC/DET curves, EER, thresholds for target FMRs with their
 * intervals (or the rule-of-three refusal), score histograms and the open-set FPIR/FNIR of
 * this gallery; then adopting a threshold as an audited settings change. Read-only until the
 * admin adopts. No Electron here: the loopback host and Electron IPC share it.
 */

/** Impostor pairs are sampled above this: the rates are as good and the run stays seconds. */
export const MAX_IMPOSTOR_PAIRS = 1_000_000;
/** A threshold letting through more than 1 impostor pair in 100 is no access control. */
export const MAX_ADOPT_FMR = 0.01;
/** A threshold refusing half the genuine pairs would keep the door shut for its own people. */
export const MAX_ADOPT_FNMR = 0.5;
const MAX_RUNS = 2;

export interface LabelledEmbeddingSet {
  vectors: Float32Array;
  dim: number;
  labels: Int32Array;
  identities: number;
}

export interface StationCalibrationDeps {
  /** Decrypted templates of the embedding model in use (through the template repository). */
  templates: () => StoredTemplate[];
  people: () => { id: string; name: string }[];
  dim: number;
  uploads: CalibrationUploads;
  thresholds: () => Thresholds;
  /** The door's identify scoring: the open-set figures are computed with it. */
  scoring: () => IdentifyScoring;
  setThresholds: (next: Thresholds) => Thresholds;
  /** Stores the scoring an adopted identify threshold was judged with (same transaction). */
  setScoring: (next: IdentifyScoring) => void;
  /** Writes the settings audit row; returns its id. */
  audit: (details: SettingsChange) => number;
  /** Runs `fn` in one database transaction: a change is never stored without its audit row. */
  transaction: <T>(fn: () => T) => T;
}

interface HeldRun {
  view: CalibrationRunView;
  genuine: SortedScores;
  impostor: SortedScores;
  probes: ProbeOutcome[];
  /** The identify scoring the probes were scored with: adopted with an identify threshold. */
  scoring: IdentifyScoring;
}

export class StationCalibrationService {
  private readonly runs = new Map<string, HeldRun>();

  constructor(private readonly d: StationCalibrationDeps) {}

  /**
   * One calibration run. Long for a big gallery (a million pairs, hundreds of searches), so it
   * yields to the event loop between slices: the door keeps deciding meanwhile.
   */
  async run(
    req: { source: 'enrolled' } | { source: 'upload'; uploadId: string },
    opts: { targetFmr?: number | undefined } = {},
  ): Promise<CalibrationRunView> {
    const gallery = this.galleryOf(this.d.templates());
    const set = req.source === 'enrolled' ? gallery : this.uploadSet(req.uploadId);
    const skippedFiles =
      req.source === 'upload' ? { ...this.d.uploads.get(req.uploadId).skipped } : null;
    const scores = await labelledScores(set.vectors, set.dim, set.labels, MAX_IMPOSTOR_PAIRS);
    if (scores.genuine.length === 0 || scores.impostor.length === 0) {
      throw new StationError(
        'BAD_REQUEST',
        `Calibration needs at least two people and one of them with two or more ` +
          `${req.source === 'enrolled' ? 'templates' : 'usable photos'}: found ` +
          `${set.identities} ${set.identities === 1 ? 'identity' : 'identities'} and ` +
          `${scores.genuine.length} same-person pairs.`,
      );
    }
    const genuine = SortedScores.from(scores.genuine, 'genuine');
    const impostor = SortedScores.from(scores.impostor, 'impostor');
    // The CLI's --target-fmr joins the standard targets; the admin view asks for those only.
    const report = calibrateSorted(genuine, impostor, {
      maxCurvePoints: 200,
      targets: targetList(opts.targetFmr),
    });
    const { histogram, grid } = summariseScores(genuine, impostor);
    const scoring = this.d.scoring();
    const probeSet =
      req.source === 'enrolled'
        ? await enrolledProbes(gallery, scoring)
        : await uploadProbes(this.d.uploads.get(req.uploadId), gallery, this.d.people(), scoring);
    const current = this.d.thresholds();
    const point = (t: number): OperatingPoint => ({
      ...ratesAt(genuine, impostor, t),
      ...openSetRatesAt(probeSet.probes, t, current),
    });
    const candidate = candidateOf(report, current);
    const runId = randomBytes(9).toString('hex');
    const view: CalibrationRunView = {
      runId,
      source: req.source,
      identities: set.identities,
      pairs: {
        genuine: genuine.length,
        impostor: impostor.length,
        impostorAvailable: scores.impostorAvailable,
        skipped: skippedFiles
          ? skippedFiles.noFace + skippedFiles.manyFaces + skippedFiles.unreadable
          : 0,
      },
      skippedFiles,
      auc: report.auc,
      eer: report.eer,
      eerThreshold: report.eerThreshold,
      targets: report.targets,
      roc: report.roc,
      det: report.det,
      histogram,
      grid: grid.map((g) => point(g.threshold)),
      openSet: probeSet.view,
      openSetUnavailable: probeSet.unavailable,
      current,
      atCurrent: point(current.identify),
      candidate: { ...point(candidate.threshold), source: candidate.source },
    };
    this.hold(runId, { view, genuine, impostor, probes: probeSet.probes, scoring });
    return view;
  }

  /**
   * Adopts the identify and/or verify threshold judged on a held run: refused when the run's
   * own pairs show it absurd (see MAX_ADOPT_*), else stored and audited in one transaction
   * with the old and new values and the evidence. Door decisions read the settings per frame,
   * so the next frame already uses it.
   */
  adopt(
    req: { runId: string; identify?: number; verify?: number; targetFmr?: number },
    changedBy: string,
  ): CalibrationAdoptView {
    const run = this.runs.get(req.runId);
    if (!run) {
      throw new StationError(
        'BAD_REQUEST',
        `Calibration run ${req.runId} is not held any more (the last ${MAX_RUNS} runs are kept ` +
          `in memory until the station restarts): run the calibration again.`,
      );
    }
    const target =
      req.targetFmr === undefined
        ? undefined
        : run.view.targets.find((t) => t.targetFmr === req.targetFmr);
    if (req.targetFmr !== undefined && !target) {
      throw new StationError('BAD_REQUEST', `Target FMR ${req.targetFmr} is not in this run.`);
    }
    const chosen: Partial<Record<'identify' | 'verify', number>> = {};
    if (req.identify !== undefined) chosen.identify = this.sane(run, 'identify', req.identify);
    if (req.verify !== undefined) chosen.verify = this.sane(run, 'verify', req.verify);
    const evidence = this.evidenceOf(run, chosen, target);
    return this.d.transaction(() => {
      const before = this.d.thresholds();
      const after = this.d.setThresholds({ ...before, ...chosen });
      // The threshold means something only under the scoring its figures were made with.
      if (chosen.identify !== undefined) this.d.setScoring(run.scoring);
      // Flat scalar keys: the reviewer's detail panel lists them as they are.
      const change: Record<string, number> = {};
      for (const k of Object.keys(chosen) as Array<keyof typeof chosen>) {
        change[`${k}.old`] = before[k];
        change[`${k}.new`] = after[k];
      }
      const auditId = this.d.audit({ setting: 'thresholds', changedBy, ...change, ...evidence });
      return { before, after, auditId, evidence };
    });
  }

  /** What the choice rests on, as flat scalars for the audit row (`evidence.*`). */
  private evidenceOf(
    run: HeldRun,
    chosen: Partial<Record<'identify' | 'verify', number>>,
    target: TargetView | undefined,
  ): Record<string, string | number | boolean | null> {
    const v = run.view;
    const e: Record<string, string | number | boolean | null> = {
      'evidence.runId': v.runId,
      'evidence.source': v.source,
      'evidence.identities': v.identities,
      'evidence.genuinePairs': v.pairs.genuine,
      'evidence.impostorPairs': v.pairs.impostor,
      'evidence.skipped': v.pairs.skipped,
      'evidence.auc': round(v.auc),
      'evidence.eer': round(v.eer),
      'evidence.eerThreshold': round(v.eerThreshold),
      'evidence.targetFmr': target?.targetFmr ?? null,
    };
    if (target) {
      e['evidence.targetSupported'] = target.supported;
      e['evidence.targetFmrCiHigh'] = target.ci ? round(target.ci[1]) : null;
      if (target.reason) e['evidence.targetReason'] = target.reason;
    }
    if (chosen.identify !== undefined)
      e['evidence.identify.scoring'] = describeScoring(run.scoring);
    for (const [k, t] of Object.entries(chosen)) {
      const p = this.pointOf(run, t);
      e[`evidence.${k}.fmr`] = round(p.fmr);
      e[`evidence.${k}.fnmr`] = round(p.fnmr);
      e[`evidence.${k}.fpir`] = p.fpir === null ? null : round(p.fpir);
      e[`evidence.${k}.fnir`] = p.fnir === null ? null : round(p.fnir);
    }
    return e;
  }

  private sane(run: HeldRun, name: 'identify' | 'verify', t: number): number {
    const p = this.pointOf(run, t);
    const pct = (x: number): string => `${(100 * x).toPrecision(3)} %`;
    if (p.fmr > MAX_ADOPT_FMR) {
      throw new StationError(
        'BAD_REQUEST',
        `Refused: the ${name} threshold ${t} accepts ${pct(p.fmr)} of this run's impostor ` +
          `pairs (more than 1 in ${1 / MAX_ADOPT_FMR}); strangers would be let in. ` +
          `Choose at least the EER threshold ${run.view.eerThreshold.toFixed(3)} or a target row.`,
      );
    }
    if (p.fnmr > MAX_ADOPT_FNMR) {
      throw new StationError(
        'BAD_REQUEST',
        `Refused: the ${name} threshold ${t} rejects ${pct(p.fnmr)} of this run's genuine ` +
          `pairs (more than half); enrolled people would be kept out.`,
      );
    }
    return t;
  }

  private pointOf(run: HeldRun, t: number): OperatingPoint {
    return {
      ...ratesAt(run.genuine, run.impostor, t),
      ...openSetRatesAt(run.probes, t, run.view.current),
    };
  }

  private hold(runId: string, run: HeldRun): void {
    while (this.runs.size >= MAX_RUNS) {
      const oldest = this.runs.keys().next().value;
      if (oldest === undefined) break;
      this.runs.delete(oldest);
    }
    this.runs.set(runId, run);
  }

  private galleryOf(templates: StoredTemplate[]): LabelledEmbeddingSet & GalleryRows {
    const { dim } = this.d;
    const vectors = new Float32Array(templates.length * dim);
    const ids = new Map<string, number>();
    const labels = Int32Array.from(templates, (t, i) => {
      vectors.set(t.vector, i * dim);
      if (!ids.has(t.personId)) ids.set(t.personId, ids.size);
      return ids.get(t.personId)!;
    });
    return { vectors, dim, labels, identities: ids.size, personIds: [...ids.keys()] };
  }

  private uploadSet(uploadId: string): LabelledEmbeddingSet {
    const upload = this.d.uploads.get(uploadId);
    const { dim } = this.d;
    const vectors = new Float32Array(upload.vectors.length * dim);
    upload.vectors.forEach((v, i) => vectors.set(v, i * dim));
    return {
      vectors,
      dim,
      labels: Int32Array.from(upload.labels),
      identities: upload.identities.length,
    };
  }
}

/**
 * The threshold proposed first: the strictest target FMR the data supports (1:N multiplies the
 * per-pair false-match rate by the gallery size, so identification wants the strict end).
 * With too few impostor pairs for any target there is no evidence for a change, so the
 * proposal is to keep the current threshold (the EER point would let far too many strangers
 * through a 1:N search).
 */
function candidateOf(
  report: CalibrationReport,
  current: Thresholds,
): { threshold: number; source: string } {
  const supported = report.targets.filter((t) => t.supported && t.threshold !== null);
  const strictest = supported[supported.length - 1];
  if (strictest?.threshold != null) {
    return { threshold: strictest.threshold, source: `target FMR ${strictest.targetFmr}` };
  }
  return {
    threshold: current.identify,
    source: 'keep the current threshold: too few impostor pairs to support any target FMR',
  };
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
