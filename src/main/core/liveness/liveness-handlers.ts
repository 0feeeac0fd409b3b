import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { StationError } from '../../../shared/errors';
import type { PadEvalReport } from '../../../shared/pad-eval-types';
import type { HandlersFor } from '../ipc/dispatch';
import { requireLocalMedia, type LocalMedia } from '../ports/local-media';
import type { Station } from '../station.service';
import { summarizePadEval, type PadEvalOutcome, type PadEvalSkip } from './pad-eval-summary';
import { PadEvaluator } from './pad-evaluator';
import { parsePadLabelsCsv } from './pad-labels-csv';

/**
 * `liveness:pad-eval`: how a site checks the passive liveness on its own attack recordings
 * before adopting a calibration. Videos run through the door's liveness window (the active
 * challenge cannot be replayed from a file), stills get a single-frame passive verdict; both
 * with this station's liveness settings and passive bands.
 */
export function createLivenessHandlers(
  station: Station,
  localMedia: LocalMedia | undefined,
): HandlersFor<'liveness:pad-eval'> {
  return {
    'liveness:pad-eval': async (req): Promise<PadEvalReport> => {
      const media = requireLocalMedia(localMedia);
      const rows = parsePadLabelsCsv(await readLabels(req.labels), req.labels);
      const judge = station.doors.livenessJudge();
      if (!judge.passive) {
        throw new StationError(
          'MODEL_MISSING',
          'Passive liveness models are not loaded on this station.',
        );
      }
      // Bands given by the caller (e.g. the Calibration view's proposal) replace the ones in
      // force for this evaluation only; nothing is stored.
      const settings = req.bands
        ? { ...judge.settings, passive: { ...req.bands, modelId: judge.passive.modelId } }
        : judge.settings;
      const evaluator = new PadEvaluator({
        largestFace: judge.largestFace,
        passive: judge.passive,
        settings,
        decodeImage: (path) => media.decodeImage(path),
        openVideo: async (path) => {
          const { info, frames } = await media.openVideo(path);
          return { fps: info.fps, frames };
        },
      });
      const base = dirname(resolve(req.labels));
      const outcomes: PadEvalOutcome[] = [];
      const skipped: PadEvalSkip[] = [];
      for (const row of rows) {
        const r = await evaluator.judge(row, resolve(base, row.file));
        if ('reason' in r) skipped.push(r);
        else outcomes.push(r);
      }
      return {
        bands: evaluator.bands,
        summary: summarizePadEval(outcomes, skipped),
        outcomes,
        skipped,
      };
    },
  };
}

async function readLabels(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new StationError('BAD_REQUEST', `Cannot read the labels file ${path}`, { cause: err });
  }
}
