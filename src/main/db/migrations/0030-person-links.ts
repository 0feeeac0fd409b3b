import { randomBytes } from 'node:crypto';
import type { Migration } from './migration.types';

/** Bytes of each person's link secret (as long as the HMAC-SHA-256 key it feeds). */
export const LINK_SECRET_BYTES = 32;

/**
 * Per-person link secrets: a row's subject is HMAC(pepper, id + secret) and erasure deletes the
 * secret, so erased people's rows become unlinkable while the chain stays intact. Existing people
 * get `legacy = 1` because their earlier pepper-only rows cannot be rewritten; those rows stay
 * linkable to someone holding both the pepper and the id, an accepted residual risk.
 */
export const migration0030: Migration = {
  version: 30,
  name: 'person-links',
  up(db) {
    db.exec(`
      CREATE TABLE person_links (
        person_id  TEXT PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
        secret     BLOB NOT NULL CHECK (length(secret) = ${LINK_SECRET_BYTES}),
        legacy     INTEGER NOT NULL DEFAULT 0 CHECK (legacy IN (0, 1))
      );
    `);
    const ids = db.prepare<[], { id: string }>('SELECT id FROM people ORDER BY id').all();
    const insert = db.prepare(
      'INSERT INTO person_links (person_id, secret, legacy) VALUES (?, ?, 1)',
    );
    for (const { id } of ids) insert.run(id, randomBytes(LINK_SECRET_BYTES));
  },
};
