import { chmodSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dataPaths } from '../../src/main/core/util/data-dir';
import { openStation } from '../../src/main/station-factory';
import { StationError } from '../../src/shared/errors';
import { stationCli } from '../support/station-cli-runner';
import { makeTempDir } from '../support/temp-dir';

/**
 * Item 5 of issue 13: station.sqlite was created 0644 (and its WAL/SHM with it) in a folder
 * that could be 0755, so any local user could read names, consent records, person-link
 * secrets and the operators' scrypt hashes. Run with the usual umask 022, under which SQLite
 * alone creates 0644 files.
 */
const tmp = makeTempDir('station-perms-');
afterAll(() => tmp.cleanup());

const mode = (file: string) => statSync(file).mode & 0o777;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name);
    return e.isDirectory() ? [full, ...filesUnder(full)] : [full];
  });
}

describe.skipIf(process.platform === 'win32')('data folder permissions', () => {
  it('a new data folder is 0700 and every file in it 0600, WAL and SHM included', async () => {
    process.umask(0o022);
    const dataDir = join(tmp.dir, 'parent', 'fresh');
    const station = await openStation({ dataDir, mode: 'cli' });
    try {
      station.auditAdmin.recent(1);
      const db = dataPaths(dataDir).database;
      expect(filesUnder(dataDir)).toEqual(expect.arrayContaining([db, `${db}-wal`, `${db}-shm`]));
      expect(mode(dataDir)).toBe(0o700);
      for (const f of filesUnder(dataDir)) {
        expect([f, mode(f).toString(8)]).toEqual([f, statSync(f).isDirectory() ? '700' : '600']);
      }
    } finally {
      station.close();
    }
  });

  it('an existing 0755 data folder is tightened to 0700', () => {
    const dataDir = join(tmp.dir, 'loose-folder');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    const r = stationCli(dataDir)('people', 'list');
    expect(r.code, r.stderr).toBe(0);
    expect(mode(dataDir)).toBe(0o700);
  });

  it('refuses to start on a group/world-readable database, naming the chmod to run', async () => {
    const dataDir = join(tmp.dir, 'loose-db');
    expect(stationCli(dataDir)('people', 'list').code).toBe(0);
    const db = dataPaths(dataDir).database;
    chmodSync(db, 0o644);
    const r = stationCli(dataDir)('people', 'list');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/readable by other users/);
    expect(r.stderr).toContain(`chmod 600 '${db}'`);
    expect(r.stderr).toMatch(/\[DATA_INSECURE\]/);
    expect(r.stdout).toBe('');
    const err = await openStation({ dataDir, mode: 'cli' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StationError);
    expect((err as StationError).code).toBe('DATA_INSECURE');
    expect(mode(db)).toBe(0o644); // refused, not silently changed
  });
});
