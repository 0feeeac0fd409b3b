import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPaths } from '../../src/main/core/util/data-dir';
import { openStation } from '../../src/main/station-factory';
import { sharedDataPath } from '../support/shared-data';
import { stationCli } from '../support/station-cli-runner';
import { makeTempDir } from '../support/temp-dir';

/**
 * Item 12 of issue 13: damaged storage must say what is damaged, with a typed code. A vector
 * stored as TEXT gave "Internal error: sealed.subarray is not a function"; data pages damaged
 * behind a sound schema gave INTERNAL from every command (the tables are read while the
 * integrity check still runs on its worker).
 */
const tmp = makeTempDir('station-damaged-');
const seed = join(tmp.dir, 'seed');
const photo = (who: string, i: number) =>
  sharedDataPath('small_identity_sets', 'faceapi_bbt', who, `${who}${i}.png`);
let copies = 0;

function copy(): string {
  const dir = join(tmp.dir, `copy-${++copies}`);
  cpSync(seed, dir, { recursive: true });
  return dir;
}

function sql(dataDir: string, text: string): void {
  const db = new Database(dataPaths(dataDir).database);
  db.exec(text);
  db.close();
}

/** Overwrites every page of these tables and indexes with random bytes (schema left sound). */
function damagePages(dataDir: string, names: string[]): void {
  const file = dataPaths(dataDir).database;
  const db = new Database(file);
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const pages = db
    .prepare<string[], { pageno: number }>(
      `SELECT pageno FROM dbstat WHERE name IN (${names.map(() => '?').join(',')})`,
    )
    .all(...names);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const bytes = readFileSync(file);
  for (const p of pages) randomBytes(pageSize).copy(bytes, (p.pageno - 1) * pageSize);
  writeFileSync(file, bytes);
}

beforeAll(() => {
  const cli = stationCli(seed);
  for (const who of ['amy', 'penny'])
    expect(cli('enroll', '--name', who, '--consent', photo(who, 1), photo(who, 2)).code).toBe(0);
}, 300_000);
afterAll(() => tmp.cleanup());

describe('damaged storage is named with a typed code, never INTERNAL', () => {
  it('a template vector stored as TEXT: TEMPLATE_TAMPERED naming the template', () => {
    const dir = copy();
    sql(
      dir,
      `UPDATE templates SET vector = 'not a sealed blob'
       WHERE person_id = (SELECT id FROM people WHERE name = 'amy')`,
    );
    const cli = stationCli(dir);
    // From the saved index, the vector is read back when its person matches...
    const identify = cli('identify', photo('amy', 3));
    expect(identify.stderr).not.toMatch(/Internal error/);
    expect(identify.stderr).toMatch(/TEMPLATE_TAMPERED/);
    // ...and a rebuild names it.
    const rebuild = cli('gallery', 'rebuild');
    expect(rebuild.code).toBe(1);
    expect(rebuild.stderr).not.toMatch(/Internal error/);
    expect(rebuild.stderr).toMatch(/template 1\b.*stored as text/i);
    expect(rebuild.stderr).toMatch(/\[TEMPLATE_TAMPERED\]/);
  });

  it('data pages damaged behind a sound schema: DB_CORRUPT from every command', () => {
    const dir = copy();
    damagePages(dir, ['templates', 'templates_model', 'people', 'audit_events']);
    const cli = stationCli(dir);
    for (const args of [
      ['people', 'list'],
      ['audit', 'verify'],
      ['gallery', 'stats'],
      ['door', 'show'],
      ['identify', photo('amy', 3)],
    ]) {
      const r = cli(...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).not.toMatch(/Internal error/);
      expect(r.stderr, args.join(' ')).toMatch(/damaged.*\[DB_CORRUPT\]/);
    }
  });

  it('a setting that holds no JSON: the station falls back and fails closed, never INTERNAL', async () => {
    const dir = copy();
    const cli = stationCli(dir);
    const pass = join(tmp.dir, 'admin.pass');
    writeFileSync(pass, 'the admin passphrase\n');
    expect(cli('operator', 'passphrase', '--role', 'admin', '--passphrase-file', pass).code).toBe(
      0,
    );
    sql(dir, "UPDATE settings SET value = '{not json' WHERE key LIKE 'auth.passphrase.%'");
    sql(dir, "INSERT OR REPLACE INTO settings (key, value) VALUES ('thresholds', '{not json')");
    const identify = cli('identify', photo('amy', 3), '--json');
    expect(identify.stderr).not.toMatch(/Internal error/);
    expect(identify.code).toBe(0);
    const station = await openStation({ dataDir: dir, mode: 'cli' });
    try {
      // An unreadable passphrase record keeps the role protected (it never opens by damage).
      expect(station.info.status().auth.admin).toBe('protected');
    } finally {
      station.close();
    }
  });
});
