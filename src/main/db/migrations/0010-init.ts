import type { Migration } from './migration.types';

/**
 * People, their consent, their templates (vectors only, never images), and the audit log.
 * Audit rows name people only through an HMAC (subject_hmac), never by id or name.
 */
export const migration0010: Migration = {
  version: 10,
  name: 'init',
  up(db) {
    db.exec(`
      CREATE TABLE people (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL,
        created_at  TEXT NOT NULL
      );
      CREATE TABLE consents (
        id            INTEGER PRIMARY KEY,
        person_id     TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        text_version  TEXT NOT NULL,
        purpose       TEXT NOT NULL,
        granted_at    TEXT NOT NULL,
        recorded_by   TEXT NOT NULL
      );
      CREATE INDEX consents_person ON consents(person_id);
      CREATE TABLE templates (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        person_id   TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        model_id    TEXT NOT NULL,
        dim         INTEGER NOT NULL,
        vector      BLOB NOT NULL,
        image_sha256 TEXT NOT NULL,
        inter_eye_px REAL NOT NULL,
        created_at  TEXT NOT NULL
      );
      CREATE INDEX templates_person ON templates(person_id);
      CREATE TABLE audit_events (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        at            TEXT NOT NULL,
        kind          TEXT NOT NULL,
        decision      TEXT,
        subject_hmac  TEXT,
        similarity    REAL,
        details       TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX audit_at ON audit_events(at);
      CREATE INDEX audit_subject ON audit_events(subject_hmac, at);
      CREATE TABLE settings (
        key    TEXT PRIMARY KEY,
        value  TEXT NOT NULL
      );
    `);
  },
};
