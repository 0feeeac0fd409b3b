import type { PadEvalOutcome } from '../../../shared/pad-eval-types';
import type { CliClient } from './cli-client';
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
 * `station pad-eval --labels CSV [--json|--csv]`: the station judges the labelled recordings
 * and photos (`liveness:pad-eval`, with its liveness settings and passive bands); this prints
 * the rates, or the per-file CSV.
 */
export async function padEvalCommand(
  client: CliClient,
  out: Output,
  opts: {
    labels: string;
    csv: boolean;
    bands?: { spoofBelow: number; clearLiveMin: number } | undefined;
  },
): Promise<number> {
  const report = await client.call('liveness:pad-eval', {
    labels: opts.labels,
    ...(opts.bands ? { bands: opts.bands } : {}),
  });
  const { outcomes, skipped, summary, bands } = report;
  const value = {
    labels: opts.labels,
    bands: { ...bands, given: opts.bands !== undefined },
    presentations: { judged: outcomes.length, skipped: skipped.length },
    summary,
    files: outcomes.map(fileView),
  };
  if (opts.csv && !out.json) process.stdout.write(padEvalCsv(outcomes, skipped));
  else
    out.result(value, () =>
      padEvalText(opts.labels, bands, summary, outcomes.length, opts.bands !== undefined),
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
