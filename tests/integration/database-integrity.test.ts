import { closeSync, cpSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StationError } from '../../src/shared/errors';
import { openStation } from '../../src/main/station-factory';
import { BackgroundIntegrityCheck } from '../../src/main/db/integrity-check';
import { dataPaths } from '../../src/main/core/util/data-dir';
import { defaultModelsDir } from '../../src/main/core/models/model-verifier';
import { makeTempDir } from '../support/temp-dir';
import { openDatabase } from '../../src/main/composition/station-database';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir('station-integrity-');
});
afterEach(() => tmp.cleanup());

const PAGE = 4096;

/**
 * A station database with a table the start never reads, then one of that table's interior
 * pages overwritten: the file opens, the schema and every start-up query work, and only a
 * full check finds the damage (the case a background check must not let through).
 */
function damagedStationDatabase(dataDir: string): string {
  const file = dataPaths(dataDir).database;
  const db = openDatabase(file);
  db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, body BLOB)');
  const insert = db.prepare('INSERT INTO filler (body) VALUES (?)');
  for (let i = 0; i < 400; i++) insert.run(Buffer.alloc(1500, i % 251));
  db.pragma('wal_checkpoint(TRUNCATE)');
  const rootPage = db
    .prepare("SELECT rootpage FROM sqlite_schema WHERE name = 'filler'")
    .pluck()
    .get() as number;
  const pages = db.pragma('page_count', { simple: true }) as number;
  db.close();
  // The last page of the file belongs to filler (it was written last): a garbage b-tree page.
  expect(pages).toBeGreaterThan(rootPage);
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(64, 0xee), 0, 64, (pages - 1) * PAGE);
  closeSync(fd);
  return file;
}

async function rejection(p: Promise<unknown>): Promise<StationError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof StationError))
    throw new Error(`expected a StationError, got ${String(err)}`);
  return err;
}

describe('database integrity check on a worker thread (real SQLite files)', () => {
  it('passes a sound database, and a first start (no file yet) has nothing to check', async () => {
    const file = join(tmp.dir, 'sound.sqlite');
    openDatabase(file).close();
    const db = openDatabase(file, { integrityCheck: 'background' });
    try {
      await BackgroundIntegrityCheck.start(file).verify(db);
      await BackgroundIntegrityCheck.start(join(tmp.dir, 'absent.sqlite')).verify(db);
    } finally {
      db.close();
    }
  });

  it('finds damage that opening the file does not, with DB_CORRUPT and what SQLite found', async () => {
    const file = damagedStationDatabase(tmp.dir);
    // Opened for a background check: the schema is current, so the open itself does not check.
    const db = openDatabase(file, { integrityCheck: 'background' });
    try {
      const err = await rejection(BackgroundIntegrityCheck.start(file).verify(db));
      expect(err.code).toBe('DB_CORRUPT');
      expect(err.message).toContain(file);
      expect(err.message).toMatch(/page|btree|corrupt/i);
    } finally {
      db.close();
    }
    // The default open checks in line and refuses the same file.
    expect(() => openDatabase(file)).toThrow(StationError);
  });

  it('checks on the calling thread when the worker cannot load the addon: never skipped', async () => {
    const file = damagedStationDatabase(tmp.dir);
    const db = openDatabase(file, { integrityCheck: 'background' });
    try {
      const check = BackgroundIntegrityCheck.start(file, join(tmp.dir, 'no-such-addon.js'));
      expect((await rejection(check.verify(db))).code).toBe('DB_CORRUPT');
    } finally {
      db.close();
    }
  });

  it('openStation refuses to serve from a damaged database and leaves the file as it was', async () => {
    const file = damagedStationDatabase(tmp.dir);
    const err = await rejection(openStation({ dataDir: tmp.dir, mode: 'browser' }));
    expect(err.code).toBe('DB_CORRUPT');
    // Nothing was left open: the same file can be opened (and refused) again.
    expect(() => openDatabase(file)).toThrow(/damaged/);
  });

  it('openStation reports a model that cannot load, while the database opened meanwhile', async () => {
    openDatabase(dataPaths(tmp.dir).database).close();
    const models = join(tmp.dir, 'models');
    cpSync(defaultModelsDir(), models, { recursive: true });
    rmSync(join(models, 'fr_liveness.onnx'));
    const err = await rejection(openStation({ dataDir: tmp.dir, modelsDir: models, mode: 'cli' }));
    expect(err.code).toBe('MODEL_MISSING');
    expect(err.message).toContain('fr_liveness.onnx');
    // The station it had opened meanwhile was closed: the database is free to open again.
    openDatabase(dataPaths(tmp.dir).database).close();
  });

  it('openStation over a sound database is ready once its check passed', async () => {
    openDatabase(dataPaths(tmp.dir).database).close();
    const station = await openStation({ dataDir: tmp.dir, mode: 'browser' });
    try {
      await station.ready();
      expect(station.info.status().templates).toBe(0);
    } finally {
      station.close();
    }
  });
});
