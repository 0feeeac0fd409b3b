import type {
  CalibrationAdoptView,
  CalibrationRunView,
  OperatingPoint,
} from '../../../shared/calibration-contract';
import type { GroupReport } from '../../core/calibration/group-metrics';
import type { CalibrationReport } from '../../core/calibration/threshold-calibration';
import type { FolderUpload } from './calibration-folder';
import { fmtSim } from './cli-output';

// The human-readable text of `station calibrate` (without --json/--csv).

/** The figures every source has (a pairs report or a station run). */
export type Scores = Pick<CalibrationReport, 'auc' | 'eer' | 'eerThreshold' | 'targets'>;

/** JSON keys as the user would write the target: 1e-3, 1e-4, 0.05 ... */
export function targetKey(t: number): string {
  return t < 1e-2 ? t.toExponential() : String(t);
}

export function openSetLines(run: CalibrationRunView, upload: FolderUpload | undefined): string[] {
  const pct = (x: number | null): string => (x === null ? '-' : `${(100 * x).toPrecision(3)} %`);
  const lines: string[] = [];
  if (upload) {
    const s = run.skippedFiles;
    lines.push(
      `Photos: ${upload.listing.photos.length} read from ${upload.listing.identities} sub-folders` +
        (s
          ? `; skipped ${s.noFace} no face, ${s.manyFaces} several faces, ${s.unreadable} unreadable`
          : '') +
        (upload.listing.ignored ? `; ${upload.listing.ignored} other files ignored` : ''),
      ...upload.skippedImages.map((x) => `  skipped ${x}`),
    );
  } else {
    lines.push(`Identities: ${run.identities}`);
  }
  if (!run.openSet) {
    lines.push(`Open set: not available: ${run.openSetUnavailable ?? ''}`);
    return lines;
  }
  const at = (name: string, p: OperatingPoint): string =>
    `  ${name} ${fmtSim(p.threshold)}: FPIR ${pct(p.fpir)}  FNIR ${pct(p.fnir)}  FMR ${pct(p.fmr)}  FNMR ${pct(p.fnmr)}`;
  lines.push(
    `Open set (${run.openSet.method}): ${run.openSet.matedProbes} mated, ` +
      `${run.openSet.nonMatedProbes} non-mated probes`,
    at('at the identify threshold', run.atCurrent),
    at(`proposed (${run.candidate.source})`, run.candidate),
    `  ${run.openSet.caveat}`,
  );
  return lines;
}

export function humanReport(
  pairs: { genuine: number; impostor: number; skipped: number },
  r: Scores,
  groups: (GroupReport & { thresholdSource: string }) | undefined,
  extra: string[],
  change: string | null,
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
  if (extra.length) lines.push('', ...extra);
  lines.push(
    '',
    change ?? 'Nothing was changed: adopting a threshold is a separate, audited action.',
  );
  return lines.join('\n');
}

export function adoptedLine(a: CalibrationAdoptView): string {
  const parts = (['identify', 'verify'] as const)
    .filter((k) => a.evidence[`evidence.${k}.fmr`] !== undefined)
    .map((k) => `${k} ${a.before[k]} -> ${a.after[k]}`);
  return `Adopted thresholds: ${parts.join(', ')} (audit event ${a.auditId}).`;
}
