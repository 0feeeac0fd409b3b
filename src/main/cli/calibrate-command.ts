import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { StationError } from '../../shared/errors';
import { groupMetrics, type GroupReport } from '../core/calibration/group-metrics';
import { scorePairs, type ImageEmbedder } from '../core/calibration/pair-scoring';
import { parseGroupsCsv, parsePairsCsv, sharedGroups } from '../core/calibration/pairs-csv';
import {
  calibrate,
  targetList,
  type CalibrationReport,
  type TargetThreshold,
} from '../core/calibration/threshold-calibration';
import type { Station } from '../core/station.service';
import { largestFace } from '../core/vision/face-choice';
import { EXIT, fmtSim, type Output } from './cli-output';
import { readInputFile } from './read-input-file';

export interface CalibrateOptions {
  pairs: string;
  groups?: string | undefined;
  /** The user's target FMR as typed (e.g. "1e-4"); reported besides 1e-3..1e-6. */
  targetFmr?: string | undefined;
}

/** Embeds image files with the station's own pipeline, largest face as `station verify` does. */
export function stationImageEmbedder(station: Station): ImageEmbedder {
  return async (file) => {
    const { bytes, fileName } = await readInputFile(file);
    const face = largestFace(await station.recognition.analyzeFile(bytes, fileName));
    if (!face) throw new StationError('NO_FACE', `No face found in ${file}.`);
    return face.embedding;
  };
}

export function parseTargetFmr(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!(v > 0 && v < 1)) {
    throw new StationError(
      'BAD_REQUEST',
      `--target-fmr must be a number between 0 and 1, got "${text}".`,
    );
  }
  return v;
}

async function readCsv(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new StationError('BAD_REQUEST', `Cannot read the ${what} CSV ${file}: ${why}`);
  }
}

/** JSON keys as the user would write the target: 1e-3, 1e-4, 0.05 ... */
function targetKey(t: number): string {
  return t < 1e-2 ? t.toExponential() : String(t);
}

/**
 * `station calibrate --pairs CSV [--groups CSV] [--target-fmr F] [--json]`: thresholds from
 * labelled pairs. Read-only: it reports, it never changes the station's settings (adopting a
 * threshold is a separate, audited action).
 */
export async function calibrateCommand(
  station: Station,
  out: Output,
  opts: CalibrateOptions,
): Promise<number> {
  const userTarget = parseTargetFmr(opts.targetFmr);
  const pairsFile = resolve(opts.pairs);
  const base = dirname(pairsFile);
  const pairs = parsePairsCsv(await readCsv(pairsFile, 'pairs'), opts.pairs).map((p) => ({
    ...p,
    img1: resolve(base, p.img1),
    img2: resolve(base, p.img2),
  }));
  const scoring = await scorePairs(pairs, stationImageEmbedder(station));
  const genuine = scoring.scored.filter((p) => p.same).map((p) => p.score);
  const impostor = scoring.scored.filter((p) => !p.same).map((p) => p.score);
  const report = calibrate(genuine, impostor, { targets: targetList(userTarget) });
  const operating = operatingThreshold(report, userTarget, station);
  let groups: (GroupReport & { thresholdSource: string }) | undefined;
  if (opts.groups) {
    const groupsFile = resolve(opts.groups);
    const byImage = new Map(
      [...parseGroupsCsv(await readCsv(groupsFile, 'groups'), opts.groups)].map(
        ([img, g]) => [resolve(dirname(groupsFile), img), g] as const,
      ),
    );
    const grouped = scoring.scored.map((p) => ({
      ...p,
      groups: sharedGroups(byImage, p.img1, p.img2),
    }));
    groups = { ...groupMetrics(grouped, operating.threshold), thresholdSource: operating.source };
  }
  const value = {
    pairs: { genuine: genuine.length, impostor: impostor.length, skipped: scoring.skipped },
    auc: report.auc,
    eer: report.eer,
    eerThreshold: report.eerThreshold,
    thresholds: Object.fromEntries(
      report.targets.map((t) => [targetKey(t.targetFmr), jsonTarget(t)]),
    ),
    ...(groups ? { groups } : {}),
    skippedImages: scoring.skippedImages,
    roc: report.roc,
    det: report.det,
  };
  out.result(value, () => humanReport(value.pairs, report, groups));
  return EXIT.ok;
}

function jsonTarget(t: TargetThreshold) {
  return {
    threshold: t.threshold,
    fmr: t.fmr,
    fnmr: t.fnmr,
    ci: t.ci,
    supported: t.supported,
    ...(t.reason ? { reason: t.reason } : {}),
  };
}

/**
 * Groups are judged at the threshold being calibrated (the user's target, when the data
 * supports it), else at the station's current verify threshold: who bears the errors.
 */
function operatingThreshold(
  report: CalibrationReport,
  userTarget: number | undefined,
  station: Station,
): { threshold: number; source: string } {
  const t = report.targets.find((x) => x.targetFmr === userTarget && x.supported);
  if (t?.threshold != null) return { threshold: t.threshold, source: `target-fmr ${userTarget}` };
  return { threshold: station.settings.thresholds().verify, source: 'station verify setting' };
}

function humanReport(
  pairs: { genuine: number; impostor: number; skipped: number },
  r: CalibrationReport,
  groups: (GroupReport & { thresholdSource: string }) | undefined,
): string {
  const pct = (x: number | null): string => (x === null ? '-' : `${(100 * x).toPrecision(3)} %`);
  const lines = [
    `Pairs: ${pairs.genuine} genuine, ${pairs.impostor} impostor, ${pairs.skipped} skipped`,
    `AUC ${r.auc.toFixed(5)}   EER ${pct(r.eer)} at threshold ${fmtSim(r.eerThreshold)}`,
    '',
    'target FMR   threshold   FMR (95 % CI)                 FNMR',
  ];
  for (const t of r.targets) {
    lines.push(
      t.supported && t.threshold !== null && t.ci
        ? `${targetKey(t.targetFmr).padEnd(12)} ${fmtSim(t.threshold).padEnd(11)} ${`${pct(t.fmr)} (${pct(t.ci[0])} - ${pct(t.ci[1])})`.padEnd(29)} ${pct(t.fnmr)}`
        : `${targetKey(t.targetFmr).padEnd(12)} not supported: ${t.reason ?? ''}`,
    );
  }
  if (groups) {
    lines.push('', `Groups at threshold ${fmtSim(groups.threshold)} (${groups.thresholdSource}):`);
    for (const [name, g] of Object.entries(groups.byGroup)) {
      const ratio = (x: number | null): string => (x === null ? '-' : `x${x.toFixed(2)}`);
      lines.push(
        `  ${name}: FMR ${pct(g.fmr)} (${ratio(g.fmrRatioToBest)}, ${g.impostor} pairs)  FNMR ${pct(g.fnmr)} (${ratio(g.fnmrRatioToBest)}, ${g.genuine} pairs)`,
      );
    }
  }
  lines.push('', 'Nothing was changed: adopting a threshold is a separate, audited action.');
  return lines.join('\n');
}
