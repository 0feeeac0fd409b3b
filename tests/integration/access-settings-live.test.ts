import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AccessSettings } from '../../src/main/core/access/access-settings.service';
import { SettingsRepository } from '../../src/main/db/settings.repository';
import { makeTempDir } from '../support/temp-dir';
import { openDatabase } from '../../src/main/composition/station-database';

/**
 * Settings changed by another connection (another process: the CLI, a second station) are in
 * force in a running station at its next read, through SQLite's data_version, with no restart;
 * reads between changes come from the cache.
 */
describe('access settings follow other connections', () => {
  const tmp = makeTempDir('access-settings-live-');
  afterAll(() => tmp.cleanup());

  it('a policy, lock and cue change written elsewhere is read at once; own writes too', () => {
    const file = join(tmp.dir, 'station.db');
    const running = openDatabase(file);
    const cli = openDatabase(file);
    try {
      const station = new AccessSettings(new SettingsRepository(running));
      const other = new AccessSettings(new SettingsRepository(cli));
      expect(station.policy().allowedCameraLabels).toEqual([]);
      const before = station.generation();

      other.setPolicy({ ...other.policy(), allowedCameraLabels: ['Capture Card 1'] });
      other.setTerminalDisplay({ sound: true, icons: false });
      expect(station.generation()).not.toBe(before);
      expect(station.policy().allowedCameraLabels).toEqual(['Capture Card 1']);
      expect(station.terminalDisplay()).toEqual({ sound: true, icons: false });

      // The station's own write is in its cache without waiting for another connection.
      station.setPolicy({ ...station.policy(), unlockMs: 4_000 });
      expect(station.policy().unlockMs).toBe(4_000);
      expect(other.policy().unlockMs).toBe(4_000);
    } finally {
      cli.close();
      running.close();
    }
  });

  it('an older stored lockout (before the flood guard) reads with the default flood limit', () => {
    const db = openDatabase(join(tmp.dir, 'old.db'));
    try {
      const repo = new SettingsRepository(db);
      const s = new AccessSettings(repo);
      const { maxFailures, windowMs, lockMs } = s.policy().lockout;
      repo.set('access_policy', { ...s.policy(), lockout: { maxFailures, windowMs, lockMs } });
      expect(new AccessSettings(repo).policy().lockout.floodMaxFailures).toBe(20);
    } finally {
      db.close();
    }
  });
});
