import { randomBytes } from 'node:crypto';
import type { Migration } from './migration.types';

/** Bytes of each person's link secret (as long as the HMAC-SHA-256 key it feeds). */
export const LINK_SECRET_BYTES = 32;

/**
 * Per-person link secrets, so erasure can make a person's audit rows unlinkable.
 *
 * Before 0030 a row's subject was HMAC(pepper, person id): anyone holding the pepper and an
 * erased person's id (a backup, an old CLI transcript) could still find their rows. From 0030
 * the subject is HMAC(pepper, person id + link secret); erasure deletes the secret, after which
 * no one (station included) can recompute it, while the rows and their MAC chain stay intact.
 * The pepper stays in the derivation so a copied database file (which holds the secrets and the
 * names) still cannot link rows to people without the pepper key file.
 *
 * Rows written before 0030 cannot be re-hashed (audit_events refuses UPDATE, and rewriting them
 * would break the chain). People who exist at migration time therefore get `legacy = 1`: the
 * station also searches their old pepper-only subject while they are enrolled. After such a
 * person is erased, their pre-0030 rows remain linkable to someone holding BOTH the pepper and
 * their id; rows written after 0030 do not. That residual risk is accepted and documented here.
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
