import type { Migration } from './migration.types';

/**
 * The station as a replica of a site; a station that never joins keeps these tables empty. Cursors
 * move in the same transaction as what they describe, so an interrupted sync resumes without
 * applying anything twice, and erasures are kept until the site acknowledges them.
 */
export const migration0190: Migration = {
  version: 190,
  name: 'site-replica',
  up(db) {
    db.exec(`
      CREATE TABLE site_replica (
        id            INTEGER PRIMARY KEY CHECK (id = 1),
        cursor        INTEGER NOT NULL DEFAULT 0,
        pushed_seq    INTEGER NOT NULL DEFAULT 0,
        last_pull_at  TEXT,
        last_push_at  TEXT,
        last_error    TEXT
      );
      INSERT INTO site_replica (id) VALUES (1);
      CREATE TABLE site_people (
        person_id    TEXT PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
        version      INTEGER NOT NULL,
        employee_id  TEXT,
        groups       TEXT NOT NULL DEFAULT '[]',
        schedule     TEXT
      );
      CREATE TABLE site_templates (
        template_uid  TEXT PRIMARY KEY,
        template_id   INTEGER NOT NULL UNIQUE REFERENCES templates(id) ON DELETE CASCADE,
        person_id     TEXT NOT NULL
      );
      CREATE INDEX site_templates_person ON site_templates(person_id);
      CREATE TABLE site_access (
        entity   TEXT NOT NULL,
        name     TEXT NOT NULL,
        version  INTEGER NOT NULL,
        PRIMARY KEY (entity, name)
      );
      CREATE TABLE site_erasures (
        person_id       TEXT PRIMARY KEY,
        origin          TEXT NOT NULL CHECK (origin IN ('local', 'site')),
        held            INTEGER NOT NULL CHECK (held IN (0, 1)),
        verified        INTEGER NOT NULL CHECK (verified IN (0, 1)),
        problems        TEXT NOT NULL DEFAULT '[]',
        tombstone_sent  INTEGER NOT NULL DEFAULT 0 CHECK (tombstone_sent IN (0, 1)),
        acked           INTEGER NOT NULL DEFAULT 0 CHECK (acked IN (0, 1))
      );
    `);
  },
};
