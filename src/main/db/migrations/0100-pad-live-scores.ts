import type { Migration } from './migration.types';

/**
 * Per-camera PAD calibration evidence: live presentations' liveness scores, per model and camera
 * because scores move with both. Scores only, no images and no person id, so erasure has nothing to
 * remove here.
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
