import type { Migration } from './migration.types';

/**
 * Per-camera PAD calibration evidence: the passive liveness score of live presentations on
 * this station's own camera, from consented enrolment captures and granted door decisions.
 * Scores only, never images, and no person id: a number on a model's scale says nothing about
 * who stood there, so an erasure has nothing to remove here. Each score names the PAD model it
 * was measured with (a retrained model has another scale) and the camera (the terminal's
 * reported device label), since liveness scores move with the camera.
 */
export const migration0100: Migration = {
  version: 100,
  name: 'pad-live-scores',
  up(db) {
    db.exec(`
      CREATE TABLE pad_live_scores (
        id INTEGER PRIMARY KEY,
        recorded_at TEXT NOT NULL,
        origin TEXT NOT NULL CHECK (origin IN ('enrolment', 'granted')),
        camera TEXT NOT NULL,
        model_id TEXT NOT NULL,
        score REAL NOT NULL CHECK (score >= 0 AND score <= 1),
        texture_net REAL CHECK (texture_net IS NULL OR (texture_net >= 0 AND texture_net <= 1))
      );
      CREATE INDEX pad_live_scores_model_camera ON pad_live_scores(model_id, camera, id);
    `);
  },
};
