import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { StationError } from '../../../shared/errors';
import { thresholdGrid } from '../../core/calibration/calibration-summary';
import { groupMetrics, type GroupReport } from '../../core/calibration/group-metrics';
import {
  scorePairs,
  type ImageEmbedder,
  type PairScoring,
} from '../../core/calibration/pair-scoring';
import { parseGroupsCsv, parsePairsCsv, sharedGroups } from '../../core/calibration/pairs-csv';
import { ratesAt } from '../../core/calibration/score-curves';
import { SortedScores } from '../../core/calibration/sorted-scores';
import {
  calibrateSorted,
  targetList,
  type CalibrationReport,
  type TargetThreshold,
} from '../../core/calibration/threshold-calibration';
import type { CliClient } from './cli-client';
import { EXIT, type Output } from './cli-output';
import { readInputFile } from './read-input-file';
import { calibrationCsv } from './calibration-csv';
import { uploadIdentityFolder, type UploadBatch } from './calibration-folder';
import { adoptedLine, humanReport, openSetLines, targetKey, type Scores } from './calibrate-text';

export interface CalibrateOptions {
  /** Exactly one source (station-cli checks): a pairs CSV, the enrolled templates, a folder. */
  pairs?: string | undefined;
  enrolled?: boolean | undefined;
  folder?: string | undefined;
  groups?: string | undefined;
  /** The user's target FMR as typed (e.g. "1e-4"); reported besides 1e-3..1e-6. */
  targetFmr?: string | undefined;
  /** Print the CSV table (calibration-csv.ts) instead of text or JSON. */
  csv?: boolean | undefined;
  /** Thresholds to adopt from this run (--enrolled/--folder), through the audited core action. */
  adoptIdentify?: string | undefined;
  adoptVerify?: string | undefined;
}

/** The folder's batches as the view sends them: through calibration:upload. */
function uploadThrough(client: CliClient): UploadBatch {
  return (uploadId, photos) =>
    client.call('calibration:upload', {
      uploadId,
      photos: photos.map((p) => ({
        identity: p.identity,
        fileName: p.fileName,
        base64: Buffer.from(p.bytes).toString('base64'),
      })),
    });
}

/**
 * A refused call or a bug ends the run; anything else about one image (unreadable, no face, a
 * payload its schema refuses) skips that image's pairs with the reason.
 */
class CallFailed extends Error {
  constructor(readonly error: StationError) {
    super(error.message);
  }
}

const RUN_ENDING = new Set(['UNAUTHORIZED', 'INTERNAL']);

/**
 * Embeds image files with the station's own pipeline (`recognition:embed`, the largest face as
 * `station verify` compares). A file that cannot be read or shows no face skips its pairs.
 */
export function clientImageEmbedder(client: CliClient): ImageEmbedder {
  return async (file) => {
    const { bytes, fileName } = await readInputFile(file);
    try {
      const { embedding } = await client.call('recognition:embed', {
        image: { fileName, base64: bytes.toString('base64') },
      });
      return Float32Array.from(embedding);
    } catch (err) {
      if (err instanceof StationError && RUN_ENDING.has(err.code)) throw new CallFailed(err);
      throw err;
    }
  };
}

async function scoreThroughClient(
  client: CliClient,
  pairs: Parameters<typeof scorePairs>[0],
): Promise<PairScoring> {
  try {
    return await scorePairs(pairs, clientImageEmbedder(client));
  } catch (err) {
    throw err instanceof CallFailed ? err.error : err;
  }
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

/** What every source reports, in the JSON shape, plus the CSV and text renderings. */
interface CalibrateResult {
  json: Record<string, unknown>;
  csv: () => string;
  human: () => string;
  /** What was adopted, in words (null: nothing changed). */
  change: string | null;
}

/**
 * `station calibrate --pairs CSV | --enrolled | --folder DIR`: thresholds from labelled pairs,
 * enrolled templates or a folder of identities. Read-only unless --adopt-identify/--adopt-verify
 * asks for the audited adoption (never for --pairs, which leaves no run).
 */
export async function calibrateCommand(
  client: CliClient,
  out: Output,
  opts: CalibrateOptions,
  write: (chunk: string) => void = (c) => process.stdout.write(c),
): Promise<number> {
  const userTarget = parseTargetFmr(opts.targetFmr);
  const result =
    opts.pairs !== undefined
      ? await fromPairs(client, opts.pairs, opts.groups, userTarget)
      : await fromStation(client, opts.folder, userTarget, {
          identify: parseAdopt(opts.adoptIdentify),
          verify: parseAdopt(opts.adoptVerify),
        });
  if (opts.csv) {
    write(result.csv());
    // The table stays the run's figures; a change is said where a person reads it.
    if (result.change) process.stderr.write(`station: ${result.change}\n`);
  } else out.result(result.json, result.human);
  return EXIT.ok;
}

async function fromPairs(
  client: CliClient,
  pairsArg: string,
  groupsArg: string | undefined,
  userTarget: number | undefined,
): Promise<CalibrateResult> {
  const pairsFile = resolve(pairsArg);
  const base = dirname(pairsFile);
  const pairs = parsePairsCsv(await readCsv(pairsFile, 'pairs'), pairsArg).map((p) => ({
    ...p,
    img1: resolve(base, p.img1),
    img2: resolve(base, p.img2),
  }));
  const scoring = await scoreThroughClient(client, pairs);
  const genuine = SortedScores.from(
    scoring.scored.filter((p) => p.same).map((p) => p.score),
    'genuine',
  );
  const impostor = SortedScores.from(
    scoring.scored.filter((p) => !p.same).map((p) => p.score),
    'impostor',
  );
  const report = calibrateSorted(genuine, impostor, { targets: targetList(userTarget) });
  const { verify } = (await client.call('station:status', {})).thresholds;
  const operating = operatingThreshold(report, userTarget, verify);
  let groups: (GroupReport & { thresholdSource: string }) | undefined;
  if (groupsArg) {
    const groupsFile = resolve(groupsArg);
    const byImage = new Map(
      [...parseGroupsCsv(await readCsv(groupsFile, 'groups'), groupsArg)].map(
        ([img, g]) => [resolve(dirname(groupsFile), img), g] as const,
      ),
    );
    const grouped = scoring.scored.map((p) => ({
      ...p,
      groups: sharedGroups(byImage, p.img1, p.img2),
    }));
    groups = { ...groupMetrics(grouped, operating.threshold), thresholdSource: operating.source };
  }
  const counts = { genuine: genuine.length, impostor: impostor.length, skipped: scoring.skipped };
  const grid = thresholdGrid().map((t) => ratesAt(genuine, impostor, t));
  return {
    json: {
      source: 'pairs',
      ...commonJson(counts, report),
      ...(groups ? { groups } : {}),
      skippedImages: scoring.skippedImages,
      grid,
      roc: report.roc,
      det: report.det,
    },
    csv: () =>
      calibrationCsv({
        summary: summaryOf('pairs', null, counts, report),
        targets: report.targets,
        targetKey,
        operating: [],
        grid,
      }),
    human: () => humanReport(counts, report, groups, [], null),
    change: null,
  };
}

/** The station's calibration service: enrolled templates, or a folder uploaded as the view does. */
async function fromStation(
  client: CliClient,
  folder: string | undefined,
  userTarget: number | undefined,
  adopt: { identify: number | undefined; verify: number | undefined },
): Promise<CalibrateResult> {
  const upload =
    folder === undefined
      ? undefined
      : await uploadIdentityFolder(uploadThrough(client), resolve(folder));
  const target = userTarget === undefined ? {} : { targetFmr: userTarget };
  const run = await client.call(
    'calibration:run',
    upload
      ? { source: 'upload', uploadId: upload.uploadId, ...target }
      : { source: 'enrolled', ...target },
  );
  const source = upload ? 'folder' : 'enrolled';
  const counts = { ...run.pairs };
  // The admin view's own audited action on this run: the same sanity refusals, one audit row.
  const adopted =
    adopt.identify === undefined && adopt.verify === undefined
      ? undefined
      : // --adopt-* is the admin's confirmation, as the view's dialog is.
        await client.call('calibration:adopt', {
          runId: run.runId,
          ...(adopt.identify === undefined ? {} : { identify: adopt.identify }),
          ...(adopt.verify === undefined ? {} : { verify: adopt.verify }),
          confirm: true,
        });
  const change = adopted ? adoptedLine(adopted) : null;
  return {
    json: {
      source,
      identities: run.identities,
      ...commonJson(counts, run),
      openSet: run.openSet,
      openSetUnavailable: run.openSetUnavailable,
      current: run.current,
      atCurrent: run.atCurrent,
      candidate: run.candidate,
      ...(upload
        ? {
            skippedFiles: run.skippedFiles,
            skippedImages: upload.skippedImages,
            ignoredFiles: upload.listing.ignored,
          }
        : {}),
      ...(adopted ? { adopted } : {}),
      grid: run.grid,
      histogram: run.histogram,
      roc: run.roc,
      det: run.det,
    },
    csv: () =>
      calibrationCsv({
        summary: summaryOf(source, run.identities, counts, run),
        targets: run.targets,
        targetKey,
        operating: [
          { name: 'current_identify', point: run.atCurrent },
          { name: 'candidate', point: run.candidate, note: run.candidate.source },
        ],
        grid: run.grid,
      }),
    human: () => humanReport(counts, run, undefined, openSetLines(run, upload), change),
    change,
  };
}

/** The fields the issue names, the same for every source. */
function commonJson(
  pairs: { genuine: number; impostor: number; skipped: number },
  r: Scores,
): Record<string, unknown> {
  return {
    pairs,
    auc: r.auc,
    eer: r.eer,
    eerThreshold: r.eerThreshold,
    thresholds: Object.fromEntries(r.targets.map((t) => [targetKey(t.targetFmr), jsonTarget(t)])),
  };
}

function summaryOf(
  source: string,
  identities: number | null,
  pairs: { genuine: number; impostor: number; skipped: number },
  r: Scores,
): Record<string, string | number> {
  return {
    source,
    ...(identities === null ? {} : { identities }),
    genuine_pairs: pairs.genuine,
    impostor_pairs: pairs.impostor,
    skipped: pairs.skipped,
    auc: r.auc,
    eer: r.eer,
    eer_threshold: r.eerThreshold,
  };
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
  stationVerify: number,
): { threshold: number; source: string } {
  const t = report.targets.find((x) => x.targetFmr === userTarget && x.supported);
  if (t?.threshold != null) return { threshold: t.threshold, source: `target-fmr ${userTarget}` };
  return { threshold: stationVerify, source: 'station verify setting' };
}

function parseAdopt(text: string | undefined): number | undefined {
  return text === undefined ? undefined : Number(text);
}
