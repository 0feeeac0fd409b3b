import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { dataPaths } from '../../src/main/core/util/data-dir';
import { makeTempDir } from '../support/temp-dir';
import { LATEST_VERSION, migrate } from '../../src/main/composition/station-database';

/**
 * Migration 0160 -> 0190 (0190: the station as a site replica; 0170 and 0180 on the way) on a real file: a station that never
 * joins keeps its people and templates as they were, its replica starts at cursor 0, and the
 * replica's rows go with the person or template they describe.
 */
describe('migration 0160 -> 0190 (site replica) on a real file', () => {
  const tmp = makeTempDir('station-0190-');
  afterAll(() => tmp.cleanup());

  it('adds the replica tables at cursor 0, leaving people and templates untouched', () => {
    const db = new Database(dataPaths(tmp.dir).database);
    try {
      db.pragma('foreign_keys = ON');
      migrate(db, 160);
      db.prepare("INSERT INTO people (id, name, created_at) VALUES ('p1', 'Ada', 't')").run();
      db.prepare(
        `INSERT INTO templates (person_id, model_id, embedding_space, dim, vector, image_sha256,
           inter_eye_px, created_at) VALUES ('p1', 'm', 'm', 4, x'00', 'h', 50, 't')`,
      ).run();
      expect(
        db.prepare("SELECT name FROM sqlite_master WHERE name = 'site_replica'").get(),
      ).toBeUndefined();

      expect(migrate(db)).toBe(LATEST_VERSION);
      expect(LATEST_VERSION).toBeGreaterThanOrEqual(190);
      expect(db.prepare('SELECT id, name FROM people').all()).toEqual([{ id: 'p1', name: 'Ada' }]);
      expect(db.prepare('SELECT count(*) AS n FROM templates').get()).toEqual({ n: 1 });
      expect(db.prepare('SELECT cursor, pushed_seq FROM site_replica').all()).toEqual([
        { cursor: 0, pushed_seq: 0 },
      ]);
      // One replica state row only.
      expect(() => db.prepare('INSERT INTO site_replica (id) VALUES (2)').run()).toThrow(
        /CHECK constraint/,
      );

      // The site's record of a person and of a template goes when they go (erasure).
      db.prepare("INSERT INTO site_people (person_id, version) VALUES ('p1', 3)").run();
      db.prepare(
        "INSERT INTO site_templates (template_uid, template_id, person_id) SELECT 'u1', id, 'p1' FROM templates",
      ).run();
      db.prepare('DELETE FROM templates').run();
      expect(db.prepare('SELECT count(*) AS n FROM site_templates').get()).toEqual({ n: 0 });
      db.prepare("DELETE FROM people WHERE id = 'p1'").run();
      expect(db.prepare('SELECT count(*) AS n FROM site_people').get()).toEqual({ n: 0 });
      expect(() =>
        db
          .prepare(
            "INSERT INTO site_erasures (person_id, origin, held, verified) VALUES ('x', 'other', 1, 1)",
          )
          .run(),
      ).toThrow(/CHECK constraint/);
    } finally {
      db.close();
    }
  });
});
