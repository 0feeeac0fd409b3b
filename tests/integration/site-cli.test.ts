import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../support/pg-cluster';
import { sharedDataPath } from '../support/shared-data';
import { stationCli, type CliRun } from '../support/station-cli-runner';
import { makeTempDir } from '../support/temp-dir';

const bbt = (who: string, i: number) =>
  sharedDataPath('small_identity_sets', 'faceapi_bbt', who, `${who}${i}.png`);

function ok(r: CliRun): Record<string, unknown> {
  expect(r.code, r.stderr).toBe(0);
  return r.json as Record<string, unknown>;
}

/**
 * `station site init|pair|join|status|sync|stations|person|revoke|leave` and `audit --site`
 * through the real bin, on a real PostgreSQL: what an admin types, start to end.
 */
describe('station site (CLI)', () => {
  const tmp = makeTempDir('station-site-cli-');
  let pg: TestCluster;
  let adminUrl: string;
  const A = stationCli(join(tmp.dir, 'a'));
  const B = stationCli(join(tmp.dir, 'b'));
  const C = stationCli(join(tmp.dir, 'c'));

  beforeAll(async () => {
    pg = await startTestCluster();
    adminUrl = await pg.createDatabase('site_cli');
  }, 300_000);
  afterAll(() => {
    pg?.destroy();
    tmp.cleanup();
  });

  it('init, pair with a one-time code, join; the code works once', () => {
    const init = ok(
      A(
        'site',
        'init',
        '--admin-url',
        adminUrl,
        '--label',
        'HR desk',
        '--door',
        'hr-desk',
        '--json',
      ),
    );
    expect(init).toMatchObject({ label: 'HR desk', doorId: 'hr-desk', syncError: null });
    const pair = ok(
      A('site', 'pair', '--admin-url', adminUrl, '--label', 'Door 2', '--door', 'door-2', '--json'),
    );
    expect(pair.code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);
    expect(String(pair.joinUrl)).toMatch(/^postgres:\/\/site_cli_pairing:/);
    const join = ok(
      B('site', 'join', '--url', String(pair.joinUrl), '--code', String(pair.code), '--json'),
    );
    expect(join).toMatchObject({ siteId: init.siteId, label: 'Door 2', doorId: 'door-2' });
    const again = C(
      'site',
      'join',
      '--url',
      String(pair.joinUrl),
      '--code',
      String(pair.code),
      '--json',
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/SITE_PAIRING_INVALID/);
    // The door took the paired id: its rows say door-2.
    expect(ok(B('door', 'show', '--json'))).toMatchObject({
      identity: { id: 'door-2', label: 'Door 2' },
    });
  });

  it('an enrolment at the desk reaches the door by sync; status says where each stands', () => {
    ok(A('enroll', '--name', 'Amy', '--consent', bbt('amy', 1), bbt('amy', 2), '--json'));
    const sync = ok(B('site', 'sync', '--json')) as {
      pull: { people: number; templatesAdded: number };
    };
    expect(sync.pull).toMatchObject({ people: 1, templatesAdded: 2 });
    expect(ok(B('people', 'list', '--json'))).toMatchObject({
      people: [{ name: 'Amy', templates: 2 }],
    });
    const status = ok(B('site', 'status', '--json'));
    expect(status).toMatchObject({
      joined: true,
      label: 'Door 2',
      lag: 0,
      people: 1,
      auditPending: 0,
    });
    const text = B('site', 'status');
    expect(text.stdout).toMatch(/online/);
  });

  it('two admins editing one person: the second gets a conflict naming the version', () => {
    expect(ok(B('site', 'person', 'set', 'Amy', '--employee-id', 'E-7', '--json'))).toEqual({
      version: 2,
    });
    const stale = A('site', 'person', 'set', 'Amy', '--groups', 'staff', '--json');
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/SITE_CONFLICT/);
    expect(stale.stderr).toMatch(/version 2 .*made on version 1/);
    ok(A('site', 'sync', '--json'));
    expect(ok(A('site', 'person', 'set', 'Amy', '--groups', 'staff', '--json'))).toEqual({
      version: 3,
    });
  });

  it("audit --site reads and verifies the site's log of every door", () => {
    ok(B('site', 'sync', '--json'));
    const q = ok(A('audit', 'query', '--site', '--json')) as { events: { stationId: string }[] };
    expect(new Set(q.events.map((e) => e.stationId)).size).toBe(2);
    const mine = ok(
      A('audit', 'query', '--site', '--station', 'Door 2', '--person', 'Amy', '--json'),
    ) as {
      events: { kind: string }[];
    };
    expect(mine.events.length).toBeGreaterThan(0);
    expect(ok(A('audit', 'verify', '--site', '--json'))).toMatchObject({ ok: true });
    const csv = A('audit', 'export', '--csv', '--site', '--door', 'door-2');
    expect(csv.code).toBe(0);
    expect(csv.stdout.split('\r\n')[0]).toBe(
      'station_id,seq,at,kind,decision,subject_hmac,similarity,details,prev_mac,mac,door',
    );
    expect(csv.stdout).not.toMatch(/Amy/);
    const stations = ok(A('site', 'stations', '--json')) as { stations: { label: string }[] };
    expect(stations.stations.map((s) => s.label).sort()).toEqual(['Door 2', 'HR desk']);
  });

  it('revoke, then leave: the door gets nothing more and keeps no site person', () => {
    expect(ok(A('site', 'revoke', 'Door 2', '--admin-url', adminUrl, '--json'))).toMatchObject({
      label: 'Door 2',
    });
    const refused = B('site', 'sync', '--json');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/SITE_REVOKED/);
    expect(ok(B('site', 'leave', '--json'))).toMatchObject({
      erased: 1,
      verified: true,
      told: true,
    });
    expect(ok(B('people', 'list', '--json'))).toEqual({ people: [] });
    const gone = B('site', 'status');
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/SITE_NOT_JOINED/);
  });
});
