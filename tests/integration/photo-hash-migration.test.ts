import Database from 'better-sqlite3';
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dataPaths } from '../../src/main/core/util/data-dir';
import { sharedDataPath } from '../support/shared-data';
import { stationCli } from '../support/station-cli-runner';
import { makeTempDir } from '../support/temp-dir';
import { openDatabase, migrate } from '../../src/main/composition/station-database';

/**
 * Item 9 of issue 13: the plaintext SHA-256 of each enrolment photo was stored with its
 * template, which links the station to a known photo without any key. Nothing needs it
 * (duplicate photos are caught within a request, duplicate people by face search), so no
 * hash is stored any more and migration 0170 removes the ones already there.
 */
const tmp = makeTempDir('station-photo-hash-');
afterAll(() => tmp.cleanup());

const photos = [1, 2].map((i) =>
  sharedDataPath('small_identity_sets', 'faceapi_bbt', 'amy', `amy${i}.png`),
);
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Every regular file under `dir` (the data folder), recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name);
    return e.isDirectory() ? filesUnder(full) : statSync(full).isFile() ? [full] : [];
  });
}

function filesHolding(dir: string, text: string): string[] {
  const needle = Buffer.from(text);
  return filesUnder(dir).filter((f) => readFileSync(f).includes(needle));
}

describe('no plaintext photo hash at rest', () => {
  it('an enrolment stores no SHA-256 of its photos anywhere in the data folder', () => {
    const dataDir = join(tmp.dir, 'fresh');
    const r = stationCli(dataDir)('enroll', '--name', 'Amy', '--consent', ...photos);
    expect(r.code, r.stderr).toBe(0);
    for (const photo of photos) expect(filesHolding(dataDir, sha256(photo))).toEqual([]);
    const db = new Database(dataPaths(dataDir).database, { readonly: true });
    const columns = db.prepare<[], { name: string }>('PRAGMA table_info(templates)').all();
    db.close();
    expect(columns.map((c) => c.name)).not.toContain('image_sha256');
  });

  it('migration 0160 -> 0170 removes the hashes already stored, leaving no copy in the file', () => {
    const dataDir = join(tmp.dir, 'migrated');
    mkdirSync(dataDir);
    const file = join(dataDir, 'station.sqlite');
    // A station at schema 0160 with two templates and their photo hashes.
    const db = new Database(file);
    migrate(db, 160);
    const person = randomUUID();
    db.prepare('INSERT INTO people (id, name, created_at) VALUES (?, ?, ?)').run(
      person,
      'Amy',
      't',
    );
    const insert = db.prepare(
      `INSERT INTO templates (person_id, model_id, embedding_space, dim, vector, image_sha256,
         inter_eye_px, created_at, key_id)
       VALUES (?, 'm', 'm', 4, ?, ?, 60, 't', 'k')`,
    );
    const hashes = photos.map(sha256);
    for (const h of hashes) insert.run(person, Buffer.alloc(44, 7), h);
    db.close();
    expect(filesHolding(dataDir, hashes[0]!)).toEqual([file]);

    const upgraded = openDatabase(file);
    const rows = upgraded.prepare('SELECT * FROM templates ORDER BY id').all();
    upgraded.close();
    expect(rows).toHaveLength(2);
    expect(Object.keys(rows[0] as object)).not.toContain('image_sha256');
    for (const h of hashes) expect(filesHolding(dataDir, h)).toEqual([]);
  });
});
