import { existsSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../support/pg-cluster';
import { stationCli, type CliRun } from '../support/station-cli-runner';
import { makeTempDir } from '../support/temp-dir';

const BIN = resolve(__dirname, '../../bin/station.cjs');

function ok(r: CliRun): Record<string, unknown> {
  expect(r.code, r.stderr).toBe(0);
  return r.json as Record<string, unknown>;
}

function envelope(r: CliRun): { code: string; message: string } {
  return (r.json as { error: { code: string; message: string } }).error;
}

/**
 * `station site ...` as a client of the shared dispatch, on a real PostgreSQL: the contract's
 * roles refuse a reviewer's changes (membership steps before anything opens), its schemas
 * refuse bad arguments and file contents, and a stale version keeps its SITE_CONFLICT code.
 */
describe('station site goes through the shared dispatch (roles, zod, envelope)', () => {
  const tmp = makeTempDir('station-site-dispatch-');
  const dirA = join(tmp.dir, 'a');
  const dirC = join(tmp.dir, 'c');
  const A = stationCli(dirA);
  let pg: TestCluster;
  let adminUrl: string;

  /** The CLI with STATION_ROLE in its environment (the runner passes arguments only). */
  const withRoleEnv = (role: string, dataDir: string, ...args: string[]): CliRun => {
    const r = spawnSync(process.execPath, [BIN, '--data-dir', dataDir, ...args], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, STATION_ROLE: role },
    });
    const json: unknown = args.includes('--json') && r.stdout.trim() ? JSON.parse(r.stdout) : null;
    return { code: r.status, json, stdout: r.stdout, stderr: r.stderr };
  };
  const file = (name: string, content: unknown): string => {
    const path = join(tmp.dir, name);
    writeFileSync(path, JSON.stringify(content));
    return path;
  };
  /** `site schedule set office` from a file, as `as` acts, with more options. */
  const setOffice = (as: string, windowsFile: string, ...more: string[]) =>
    A('--as', as, 'site', 'schedule', 'set', 'office', '--file', windowsFile, ...more, '--json');
  const office = () => file('office.json', [{ days: [1, 2, 3, 4, 5], from: '08:00', to: '18:00' }]);

  /** `site pair` for a new door, as `who` acts, with more options. */
  const pair = (as: string, door: string, ...more: string[]) =>
    A(
      '--as',
      as,
      'site',
      'pair',
      '--admin-url',
      adminUrl,
      '--label',
      'Door 9',
      '--door',
      door,
      ...more,
      '--json',
    );

  beforeAll(async () => {
    pg = await startTestCluster();
    adminUrl = await pg.createDatabase('site_dispatch');
    const init = ['init', '--admin-url', adminUrl, '--label', 'HR desk', '--door', 'hr-desk'];
    expect(ok(A('site', ...init, '--json'))).toMatchObject({ label: 'HR desk', syncError: null });
  }, 300_000);
  afterAll(() => {
    pg?.destroy();
    tmp.cleanup();
  });

  it('a reviewer-role CLI cannot change the site: UNAUTHORIZED, exit 3, nothing changed', () => {
    const refused = pair('reviewer', 'door-9');
    expect(refused.code).toBe(3);
    expect(envelope(refused)).toEqual({
      code: 'UNAUTHORIZED',
      message: 'site:pair: the CLI acts as reviewer here; this needs admin (--as, STATION_ROLE)',
    });
    // A membership step is refused before the station opens: the new folder stays empty.
    const init = withRoleEnv(
      'reviewer',
      dirC,
      'site',
      'init',
      '--admin-url',
      adminUrl,
      '--label',
      'C',
      '--door',
      'c',
      '--json',
    );
    expect(init.code).toBe(3);
    expect(envelope(init).message).toMatch(/^site:init: the CLI acts as reviewer/);
    expect(existsSync(dirC)).toBe(false);
    // Station-bound changes are refused by their channels' roles.
    const schedule = setOffice('reviewer', office());
    expect(schedule.code).toBe(3);
    expect(envelope(schedule).message).toMatch(/^site:schedule-set: the CLI acts as reviewer/);
    const leave = withRoleEnv('reviewer', dirA, 'site', 'leave');
    expect(leave.code).toBe(3);
    expect(leave.stderr).toMatch(/^station: site:leave: .*needs admin .*\[UNAUTHORIZED\]/m);
    const revoke = withRoleEnv(
      'reviewer',
      dirA,
      'site',
      'revoke',
      'HR desk',
      '--admin-url',
      adminUrl,
    );
    expect(revoke.code).toBe(3);
    // Still a member, and the schedule was never written (its first version is 1 below).
    expect(ok(A('site', 'status', '--json'))).toMatchObject({ joined: true, label: 'HR desk' });
  }, 300_000);

  it("the reviewer reads the site's status and stations", () => {
    expect(ok(A('--as', 'reviewer', 'site', 'status', '--json'))).toMatchObject({
      joined: true,
      lag: 0,
    });
    const stations = ok(withRoleEnv('reviewer', dirA, 'site', 'stations', '--json')) as {
      stations: { label: string }[];
    };
    expect(stations.stations.map((s) => s.label)).toEqual(['HR desk']);
    // And the site's log, through the same contract calls as the admin's.
    const log = ok(A('--as', 'reviewer', 'audit', 'query', '--site', '--json')) as {
      events: { stationId: string }[];
    };
    expect(log.events.length).toBeGreaterThan(0);
    const csv = withRoleEnv('reviewer', dirA, 'audit', 'export', '--csv', '--site');
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout.split('\r\n').filter(Boolean)).toHaveLength(log.events.length + 1);
  }, 300_000);

  it('bad arguments and file contents are refused by the contract schema, changing nothing', () => {
    const ttl = pair('admin', 'door-9', '--ttl-hours', 'soon');
    expect(ttl.code).toBe(2);
    expect(envelope(ttl)).toMatchObject({ code: 'BAD_REQUEST' });
    expect(envelope(ttl).message).toMatch(/^Invalid site:pair request at ttlHours: /);
    const door = pair('admin', 'door 9');
    expect(door.code).toBe(2);
    expect(envelope(door).message).toMatch(/^Invalid site:pair request at doorId: door id: 1-48/);
    const late = file('late.json', [{ days: [1], from: '8:00', to: '18:00' }]);
    const bad = setOffice('admin', late);
    expect(bad.code).toBe(2);
    expect(envelope(bad)).toEqual({
      code: 'BAD_REQUEST',
      message: `${late}: Invalid site:schedule-set request at windows.0.from: HH:MM`,
    });
    const version = setOffice('admin', office(), '--expect-version', 'one');
    expect(version.code).toBe(2);
    expect(envelope(version).message).toMatch(/at expectVersion: /);
    expect(ok(setOffice('admin', office()))).toEqual({
      version: 1,
    });
  }, 300_000);

  it('a write on a stale --expect-version keeps its SITE_CONFLICT code through the envelope', () => {
    expect(ok(A('site', 'group', 'set', 'staff', '--schedule', 'office', '--json'))).toEqual({
      version: 1,
    });
    expect(
      ok(A('site', 'group', 'set', 'staff', '--schedule', '', '--expect-version', '1', '--json')),
    ).toEqual({ version: 2 });
    const stale = A(
      'site',
      'group',
      'set',
      'staff',
      '--schedule',
      'office',
      '--expect-version',
      '1',
      '--json',
    );
    expect(stale.code).toBe(1);
    expect(envelope(stale).code).toBe('SITE_CONFLICT');
    expect(stale.stderr).toMatch(/\[SITE_CONFLICT\]/);
    const deleted = A('site', 'group', 'delete', 'staff', '--expect-version', '1', '--json');
    expect(envelope(deleted).code).toBe('SITE_CONFLICT');
    // On the version held here (2, pulled after the write): the delete goes through.
    expect(A('site', 'group', 'delete', 'staff').stdout).toBe('group staff deleted.\n');
  }, 300_000);
});
