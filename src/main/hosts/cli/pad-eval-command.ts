import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { StationError } from '../../../shared/errors';
import { openVideoFrames } from '../../adapters/ffmpeg-video-frames';
import { decodeImageFile } from '../../adapters/image-decoder';
import {
  summarizePadEval,
  type PadEvalOutcome,
  type PadEvalSkip,
} from '../../core/liveness/pad-eval-summary';
import { PadEvaluator } from '../../core/liveness/pad-evaluator';
import { parsePadLabelsCsv } from '../../core/liveness/pad-labels-csv';
import type { Station } from '../../core/station.service';
import { EXIT, type Output } from './cli-output';
import { padEvalCsv, padEvalText } from './pad-eval-text';

export const PAD_EVAL_USAGE = `  pad-eval --labels CSV [--csv] [--bands SPOOF,LIVE]
                                         presentation-attack evaluation of labelled recordings and
                                         photos (CSV file,label,species; label live|attack): APCER
                                         per species, BPCER, ACER with 95 % intervals, per file;
                                         --bands judges with other passive bands (a proposal)`;

/** `--bands 0.1,0.6` -> the two thresholds, or a message saying what is wrong. */
export function parseBands(
  text: string | undefined,
): { spoofBelow: number; clearLiveMin: number } | string | undefined {
  if (text === undefined) return undefined;
  const [a, b, ...rest] = text.split(',').map((x) => Number(x.trim()));
  const ok = (x: number | undefined): x is number =>
    x !== undefined && Number.isFinite(x) && x >= 0 && x <= 1;
  if (rest.length || !ok(a) || !ok(b) || a > b) {
    return '--bands needs SPOOF_BELOW,CLEAR_LIVE_MIN: two numbers in 0..1, the first not above the second';
  }
  return { spoofBelow: a, clearLiveMin: b };
}

/**
 * `station pad-eval --labels CSV [--json|--csv]`: how a site checks the passive liveness on its
 * own attack recordings before adopting a calibration. Videos run through the door's liveness
 * window (the active challenge cannot be replayed from a file), stills get a single-frame
 * passive verdict; both with this station's liveness settings and passive bands.
 */
export async function padEvalCommand(
  station: Station,
  out: Output,
  opts: {
    labels: string;
    csv: boolean;
    bands?: { spoofBelow: number; clearLiveMin: number } | undefined;
  },
): Promise<number> {
  let text: string;
  try {
    text = await readFile(opts.labels, 'utf8');
  } catch (err) {
    throw new StationError('BAD_REQUEST', `Cannot read the labels file ${opts.labels}`, {
      cause: err,
    });
  }
  const rows = parsePadLabelsCsv(text, opts.labels);
  const judge = station.doors.livenessJudge();
  if (!judge.passive) {
    throw new StationError(
      'MODEL_MISSING',
      'Passive liveness models are not loaded on this station.',
    );
  }
  // Bands given on the command line (e.g. the Calibration view's proposal) replace the ones in
  // force for this evaluation only; nothing is stored.
  const settings = opts.bands
    ? { ...judge.settings, passive: { ...opts.bands, modelId: judge.passive.modelId } }
    : judge.settings;
  const evaluator = new PadEvaluator({
    largestFace: judge.largestFace,
    passive: judge.passive,
    settings,
    decodeImage: (path) => decodeImageFile(path),
    openVideo: async (path) => {
      const { info, frames } = await openVideoFrames(path);
      return { fps: info.fps, frames };
    },
  });
  const base = dirname(resolve(opts.labels));
  const outcomes: PadEvalOutcome[] = [];
  const skipped: PadEvalSkip[] = [];
  for (const row of rows) {
    const r = await evaluator.judge(row, resolve(base, row.file));
    if ('reason' in r) skipped.push(r);
    else outcomes.push(r);
  }
  const summary = summarizePadEval(outcomes, skipped);
  const value = {
    labels: opts.labels,
    bands: { ...evaluator.bands, given: opts.bands !== undefined },
    presentations: { judged: outcomes.length, skipped: skipped.length },
    summary,
    files: outcomes.map(fileView),
  };
  if (opts.csv && !out.json) process.stdout.write(padEvalCsv(outcomes, skipped));
  else
    out.result(value, () =>
      padEvalText(opts.labels, evaluator.bands, summary, outcomes.length, opts.bands !== undefined),
    );
  return outcomes.length > 0 ? EXIT.ok : EXIT.failed;
}

function fileView(o: PadEvalOutcome) {
  return {
    file: o.row.file,
    line: o.row.line,
    label: o.row.label,
    species: o.row.species,
    source: o.row.source,
    kind: o.kind,
    decision: o.decision,
    band: o.band,
    score: o.score === null ? null : Math.round(o.score * 1e4) / 1e4,
    frames: o.frames,
    reasons: o.reasons,
  };
}
