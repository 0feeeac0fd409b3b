import type { PadLiveScore, PadLiveScoreStore } from '../core/ports/pad-live-score-store';
import type { Db } from './sqlite';

/**
 * The per-camera PAD calibration evidence (migration 0100): live scores only, never images or
 * person ids. Bounded: each (model, camera) keeps its latest MAX_PER_CAMERA scores, so a busy
 * door's distribution follows the camera as it ages and the table stays small.
 */
export class PadLiveScoresRepository implements PadLiveScoreStore {
  static readonly MAX_PER_CAMERA = 5000;
  private readonly insert;
  private readonly prune;
  private readonly selectFor;
  private readonly selectCameras;

  constructor(db: Db) {
    this.insert = db.prepare(
      `INSERT INTO pad_live_scores (recorded_at, origin, camera, model_id, score, texture_net)
       VALUES (@recordedAt, @origin, @camera, @modelId, @score, @textureNet)`,
    );
    this.prune = db.prepare<[string, string, string, string, number]>(
      // Walks the (model_id, camera, id) index only: a few microseconds per grant.
      `DELETE FROM pad_live_scores WHERE model_id = ? AND camera = ? AND id <= (
         SELECT id FROM pad_live_scores WHERE model_id = ? AND camera = ?
         ORDER BY id DESC LIMIT 1 OFFSET ?)`,
    );
    this.selectFor = db.prepare<[string, string], PadLiveScore>(
      `SELECT recorded_at AS recordedAt, origin, camera, model_id AS modelId, score,
              texture_net AS textureNet
       FROM pad_live_scores WHERE model_id = ? AND camera = ? ORDER BY id`,
    );
    this.selectCameras = db.prepare<[string], { camera: string; n: number; last: string }>(
      `SELECT camera, COUNT(*) AS n, MAX(recorded_at) AS last FROM pad_live_scores
       WHERE model_id = ? GROUP BY camera ORDER BY last DESC`,
    );
  }

  add(s: PadLiveScore): void {
    this.insert.run(s);
    this.prune.run(
      s.modelId,
      s.camera,
      s.modelId,
      s.camera,
      PadLiveScoresRepository.MAX_PER_CAMERA,
    );
  }

  /** Every kept score of one camera measured with one model, oldest first. */
  scores(modelId: string, camera: string): PadLiveScore[] {
    return this.selectFor.all(modelId, camera);
  }

  /** Cameras with scores for this model, most recently used first. */
  cameras(modelId: string): { camera: string; scores: number; lastAt: string }[] {
    return this.selectCameras
      .all(modelId)
      .map((r) => ({ camera: r.camera, scores: r.n, lastAt: r.last }));
  }
}
