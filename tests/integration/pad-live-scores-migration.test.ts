import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dataPaths } from '../../src/main/core/util/data-dir';
import { PadLiveScoresRepository } from '../../src/main/db/pad-live-scores.repository';
import { makeTempDir } from '../support/temp-dir';
import { LATEST_VERSION, migrate } from '../../src/main/composition/station-database';

/**
 * Migration 0070 -> 0100 (per-camera PAD calibration scores) on a real file: existing rows of
 * other tables are untouched, the new table takes scores (never images) and refuses values off
 * the score scale, and each camera keeps only its latest scores.
 */
describe('migration 0070 -> 0100 (pad live scores) on a real file', () => {
  const tmp = makeTempDir('station-0100-');
  afterAll(() => tmp.cleanup());

  it('adds the table without touching stored settings, and bounds each camera', () => {
    const db = new Database(dataPaths(tmp.dir).database);
    try {
      migrate(db, 70);
      db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)').run('liveness', '{"x":1}');
      expect(
        db.prepare("SELECT name FROM sqlite_master WHERE name = 'pad_live_scores'").get(),
      ).toBeUndefined();
      expect(migrate(db)).toBe(LATEST_VERSION);
      expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(100);
      expect(db.prepare("SELECT value FROM settings WHERE key = 'liveness'").get()).toEqual({
        value: '{"x":1}',
      });

      const repo = new PadLiveScoresRepository(db);
      const row = (i: number, camera = 'Cam A') => ({
        recordedAt: new Date(Date.UTC(2026, 11, 7, 9, 0, i)).toISOString(),
        origin: i % 2 ? ('granted' as const) : ('enrolment' as const),
        camera,
        modelId: 'pad_model@abc',
        score: i / 100,
        textureNet: null,
      });
      for (let i = 0; i < 60; i++) repo.add(row(i));
      repo.add(row(1, 'Cam B'));
      expect(repo.scores('pad_model@abc', 'Cam A')).toHaveLength(60);
      expect(repo.scores('other-model', 'Cam A')).toEqual([]);
      expect(repo.cameras('pad_model@abc').map((c) => [c.camera, c.scores])).toEqual([
        ['Cam A', 60],
        ['Cam B', 1],
      ]);
      expect(() => repo.add({ ...row(2), score: 1.5 })).toThrow(/CHECK constraint/);
      expect(() => repo.add({ ...row(2), origin: 'upload' as never })).toThrow(/CHECK constraint/);
    } finally {
      db.close();
    }
  });

  it('keeps only the latest MAX_PER_CAMERA scores of a camera', () => {
    const db = new Database(join(tmp.dir, 'second.sqlite'));
    try {
      migrate(db);
      const repo = new PadLiveScoresRepository(db);
      const max = PadLiveScoresRepository.MAX_PER_CAMERA;
      const insert = db.transaction(() => {
        for (let i = 0; i < max + 5; i++)
          repo.add({
            recordedAt: '2026-12-07T09:00:00.000Z',
            origin: 'granted',
            camera: 'Cam',
            modelId: 'm',
            score: (i % 100) / 100,
            textureNet: 0.5,
          });
      });
      insert();
      const kept = repo.scores('m', 'Cam');
      expect(kept).toHaveLength(max);
      expect(kept[0]?.score).toBe(0.05);
    } finally {
      db.close();
    }
  });
});
