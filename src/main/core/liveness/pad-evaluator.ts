/**
 * Judges one labelled presentation for `station pad-eval`, with the station's own passive
 * models and liveness settings (so a calibrated camera is evaluated with its calibration):
 * - a video goes through exactly the door's liveness window (LivenessTracker + fusion, first
 *   conclusive window, streamLiveness); the active challenge cannot be replayed from a file,
 *   so a video is judged on passive evidence and motion alone;
 * - a still gets a single-frame passive verdict: its PAD score's band (clear_live = live).
 * Unreadable files and files without a face are returned as skips, never as errors.
 */
import { StationError } from '../../../shared/errors';
import type { RgbImage } from '../vision/vision.types';
import { faceSquare, type LivenessFace } from './face-square';
import type { LivenessSettings } from './liveness-settings';
import { LivenessTracker, passiveThresholds } from './liveness-tracker';
import type { PadEvalOutcome, PadEvalSkip } from './pad-eval-summary';
import type { PadLabelRow } from './pad-labels-csv';
import { passiveBand, type PassiveBand, type PassiveThresholds } from './passive-assessment';
import type { PassiveLivenessModel } from './passive-scorer';
import { findStillFace } from './still-face';
import { streamLiveness } from './stream-liveness';

const VIDEO_EXTENSIONS = /\.(mp4|m4v|mov|webm|mkv|avi|y4m|mpg|mpeg|3gp)$/i;

export interface PadEvaluatorDeps {
  largestFace(frame: RgbImage): Promise<LivenessFace | null>;
  passive: PassiveLivenessModel;
  settings: LivenessSettings;
  decodeImage(path: string): Promise<RgbImage>;
  openVideo(path: string): Promise<{ fps: number; frames: AsyncIterable<RgbImage> }>;
}

const DECISION_OF: Record<PassiveBand, PadEvalOutcome['decision']> = {
  clear_live: 'live',
  uncertain: 'inconclusive',
  spoof: 'spoof',
};

export class PadEvaluator {
  readonly bands: PassiveThresholds;

  constructor(private readonly d: PadEvaluatorDeps) {
    this.bands = passiveThresholds(d.settings, d.passive);
  }

  static isVideo(file: string): boolean {
    return VIDEO_EXTENSIONS.test(file);
  }

  async judge(row: PadLabelRow, path: string): Promise<PadEvalOutcome | PadEvalSkip> {
    try {
      return PadEvaluator.isVideo(row.file)
        ? await this.judgeVideo(row, path)
        : await this.judgeStill(row, path);
    } catch (err) {
      if (!(err instanceof StationError)) throw err;
      if (err.code === 'NO_FACE') return { row, reason: 'no_face', message: err.message };
      if (err.code === 'UNREADABLE_IMAGE' || err.code === 'IMAGE_TOO_LARGE')
        return { row, reason: 'unreadable', message: err.message };
      throw err;
    }
  }

  private async judgeVideo(row: PadLabelRow, path: string): Promise<PadEvalOutcome> {
    const { fps, frames } = await this.d.openVideo(path);
    const tracker = new LivenessTracker(this.d.passive, this.d.settings);
    const r = await streamLiveness(frames, (f) => this.d.largestFace(f), tracker, {
      fps,
      stopAtDecision: true,
      source: row.file,
    });
    const v = r.decision;
    return {
      row,
      kind: 'video',
      decision: v.verdict,
      band: v.passive.band,
      score: Number.isFinite(v.passive.score) ? v.passive.score : null,
      reasons: v.reasons,
      frames: r.framesRead,
    };
  }

  private async judgeStill(row: PadLabelRow, path: string): Promise<PadEvalOutcome> {
    const img = await this.d.decodeImage(path);
    const found = await findStillFace(img, (f) => this.d.largestFace(f));
    if (!found) throw new StationError('NO_FACE', `No face found in ${row.file}.`);
    const s = await this.d.passive.scoreFace(img, faceSquare(found.face));
    const band = passiveBand(s.padModel, this.bands);
    return {
      row,
      kind: 'image',
      decision: DECISION_OF[band],
      band,
      score: s.padModel,
      reasons:
        band === 'clear_live' ? [] : [band === 'spoof' ? 'passive_spoof' : 'passive_uncertain'],
      frames: 1,
    };
  }
}
