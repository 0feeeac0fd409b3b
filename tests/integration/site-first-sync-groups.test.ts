import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { initSite, joinSite, pairStation } from '../../src/main/composition/site-membership';
import type { Station } from '../../src/main/core/station.service';
import type { SiteChange } from '../../src/main/core/site/site-ports';
import { SiteDirectoryRepository } from '../../src/main/db/site/site-directory.repository';
import { SiteReplicaRepository } from '../../src/main/db/site-replica.repository';
import { startTestCluster, type TestCluster } from '../support/pg-cluster';
import { importSitePeople, type ImportedPeople } from '../support/site-import';
import { openSyncStation } from '../support/site-stations';
import { makeTempDir } from '../support/temp-dir';

/**
 * A pull folds the site people's groups and schedules into the door policy. It reads them
 * from the replica once per pull and follows each page's people, instead of re-reading
 * everyone per page (quadratic in a first sync). The copy must give exactly the full
 * re-read's policy, and must be dropped when the replica changed under it (an erasure).
 */
describe('group memberships over a pull of several pages', () => {
  const tmp = makeTempDir('station-site-groups-');
  let pg: TestCluster;
  let adminUrl: string;
  let imported: ImportedPeople;
  const dirA = join(tmp.dir, 'station-a');
  const dirD = join(tmp.dir, 'station-d');
  const openA = () => openSyncStation(dirA);
  const openD = () => openSyncStation(dirD, { pageSize: 50, indexSaveEveryMs: 0 });
  /** Who is in which group / has which schedule on the site, as the test set them. */
  const groupOf = new Map<string, string>();
  const scheduleOf = new Map<string, string>();

  async function atA(fn: (a: Station) => Promise<void>): Promise<void> {
    const a = await openA();
    try {
      await a.site!.sync.syncNow();
      await fn(a);
      await a.site!.sync.syncNow();
    } finally {
      await a.site?.close();
      a.close();
    }
  }

  async function setGroup(a: Station, id: string, group: string, schedule: string | null) {
    await a.site!.sync.editPerson(id, { groups: [group], schedule });
    groupOf.set(id, group);
    if (schedule) scheduleOf.set(id, schedule);
  }

  beforeAll(async () => {
    pg = await startTestCluster();
    adminUrl = await pg.createDatabase('site_groups');
    await initSite(await openA(), openA, dirA, adminUrl, { label: 'HR desk', doorId: 'hr-desk' });
    imported = await importSitePeople(dirA, adminUrl, 240);
    // Every sixth person in one of three groups, every twelfth with a personal schedule.
    await atA(async (a) => {
      for (let i = 0; i < imported.ids.length; i += 6) {
        await setGroup(a, imported.ids[i]!, `g${i % 3}`, i % 12 === 0 ? 'late' : null);
      }
    });
  }, 600_000);
  afterAll(() => {
    vi.restoreAllMocks();
    pg?.destroy();
    tmp.cleanup();
  });

  function expectPolicyOf(d: Station): void {
    const groups: Record<string, string[]> = {};
    for (const [id, g] of groupOf) (groups[g] ??= []).push(id);
    for (const g of Object.keys(groups)) groups[g]!.sort();
    expect(d.access.policy().groups).toEqual(groups);
    expect(d.access.policy().personSchedules).toEqual(Object.fromEntries(scheduleOf));
  }

  it('a new station’s first sync reads the memberships once and folds them all', async () => {
    const reads = vi.spyOn(SiteReplicaRepository.prototype, 'memberships');
    const pair = await pairStation(dirA, adminUrl, { label: 'Door 5', doorId: 'door-5' });
    // 240 imports and 40 edits: six pages of 50, each with group members.
    const joined = await joinSite(await openD(), openD, dirD, pair.joinUrl, pair.code);
    expect(joined.syncError).toBeNull();
    expect(reads).toHaveBeenCalledTimes(1);
    reads.mockRestore();
    const d = await openD();
    try {
      expect(d.site!.status().people).toBe(240);
      expectPolicyOf(d);
    } finally {
      await d.site?.close();
      d.close();
    }
  });

  it('an erasure between two pages drops the copy: the erased member is not folded back', async () => {
    const member = imported.ids[6]!;
    // Page 1 folds (an edit first), page 2 folds again (an edit last).
    await atA((a) => setGroup(a, imported.ids[1]!, 'g9', null));
    await importSitePeople(dirA, adminUrl, 60);
    await atA((a) => setGroup(a, imported.ids[2]!, 'g9', null));

    const d = await openD();
    const reads = vi.spyOn(SiteReplicaRepository.prototype, 'memberships');
    // The door's admin erases a group member while page 2 is on its way (after page 1's fold).
    type FetchChanges = (
      this: SiteDirectoryRepository,
      cursor: number,
      limit: number,
    ) => Promise<SiteChange[]>;
    const fetchChanges = Reflect.get<object, string>(
      SiteDirectoryRepository.prototype,
      'changesSince',
    ) as FetchChanges;
    let calls = 0;
    const changes = vi
      .spyOn(SiteDirectoryRepository.prototype, 'changesSince')
      .mockImplementation(async function (this: SiteDirectoryRepository, cursor, limit) {
        const page = await fetchChanges.call(this, cursor, limit);
        if (++calls === 2) expect(d.eraser.erasePerson(member).verified).toBe(true);
        return page;
      });
    try {
      const r = await d.site!.sync.syncNow();
      expect(r.pull.changes).toBe(62);
      groupOf.delete(member);
      // Read at the first fold, and again after the erasure changed the replica under it.
      expect(reads).toHaveBeenCalledTimes(2);
      expectPolicyOf(d);
      expect(Object.values(d.access.policy().groups).flat()).not.toContain(member);
    } finally {
      changes.mockRestore();
      reads.mockRestore();
      await d.site?.close();
      d.close();
    }
  });
});
