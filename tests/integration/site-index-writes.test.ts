import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { initSite, joinSite, pairStation } from '../../src/main/composition/site-membership';
import { dataPaths } from '../../src/main/core/util/data-dir';
import { startTestCluster, type TestCluster } from '../support/pg-cluster';
import { importSitePeople } from '../support/site-import';
import { openSyncStation } from '../support/site-stations';
import { makeTempDir } from '../support/temp-dir';
import type * as AtomicFile from '../../src/main/core/util/atomic-file';

/** Every file the station writes atomically, by path: the real writer, counted on the way. */
const written = vi.hoisted(() => [] as string[]);
vi.mock('../../src/main/core/util/atomic-file', async (original) => {
  const real = await original<typeof AtomicFile>();
  return {
    ...real,
    writeFileAtomic: (file: string, ...rest: [Uint8Array | string, number?]) => {
      written.push(file);
      real.writeFileAtomic(file, ...rest);
    },
  };
});

/**
 * Issue 16: a pull of many enrolments (several pages) puts them all in the gallery at once
 * but writes the sealed index file once, not per page or per enrolment; with coalescing, a
 * pull soon after a write leaves the file stale (never wrong: the next open rebuilds from the
 * database), while an erasure still writes at once and verifies the file.
 */
describe('site pulls and the sealed index file', () => {
  const tmp = makeTempDir('station-site-index-writes-');
  let pg: TestCluster;
  let adminUrl: string;
  const dirA = join(tmp.dir, 'station-a');
  const dirC = join(tmp.dir, 'station-c');
  // Counted by the meta file, written after each index file (pulls write the index itself
  // in the background: to a temp file, renamed into place).
  const indexWrites = () =>
    written.filter((f) => f === `${dataPaths(dirC).galleryIndex}.json`).length;

  beforeAll(async () => {
    pg = await startTestCluster();
    adminUrl = await pg.createDatabase('site_index_writes');
    const open = () => openSyncStation(dirA);
    await initSite(await open(), open, dirA, adminUrl, { label: 'HR desk', doorId: 'hr-desk' });
    const pair = await pairStation(dirA, adminUrl, { label: 'Door 3', doorId: 'door-3' });
    const openC = () => openSyncStation(dirC);
    const joined = await joinSite(await openC(), openC, dirC, pair.joinUrl, pair.code);
    expect(joined.syncError).toBeNull();
    await importSitePeople(dirA, adminUrl, 20);
  }, 600_000);
  afterAll(() => {
    pg?.destroy();
    tmp.cleanup();
  });

  it('a pull of 250 enrolments in three pages writes the index file once', async () => {
    const c = await openSyncStation(dirC, { pageSize: 100, indexSaveEveryMs: 0 });
    try {
      await c.site!.sync.syncNow();
      expect(c.galleryAdmin.stats().templates).toBe(20);
      const before = indexWrites();
      const imported = await importSitePeople(dirA, adminUrl, 250);
      const r = await c.site!.sync.syncNow();
      await c.site!.sync.indexWritten();
      expect(r.pull.changes).toBe(250);
      expect(r.pull.templatesAdded).toBe(250);
      expect(c.galleryAdmin.stats().templates).toBe(imported.templates);
      expect(indexWrites() - before).toBe(1);
    } finally {
      await c.site?.close();
      c.close();
    }
    // The file written is the index: the next start loads it as it is.
    const again = await openSyncStation(dirC);
    try {
      expect(again.galleryReport.rebuiltBecause).toBeNull();
    } finally {
      await again.site?.close();
      again.close();
    }
  });

  it('coalesced: a pull right after a write leaves the file for later, an erasure writes at once', async () => {
    const c = await openSyncStation(dirC, { pageSize: 100, indexSaveEveryMs: 3_600_000 });
    try {
      // The first pull after opening writes (nothing was written by this process yet).
      await importSitePeople(dirA, adminUrl, 5);
      const first = indexWrites();
      await c.site!.sync.syncNow();
      await c.site!.sync.indexWritten();
      expect(indexWrites() - first).toBe(1);
      const more = await importSitePeople(dirA, adminUrl, 30);
      const before = indexWrites();
      await c.site!.sync.syncNow();
      await c.site!.sync.indexWritten();
      expect(indexWrites() - before).toBe(0);
      // In the index at once: the door recognises them before the file catches up, and the
      // file's meta still names the template set it holds (any other opener rebuilds).
      expect(c.galleryAdmin.stats().templates).toBe(more.templates);
      expect(savedTemplateCount()).toBe(more.templates - 30);

      const report = c.eraser.erasePerson(more.ids[more.ids.length - 1]!);
      expect(report.verified, report.problems.join('; ')).toBe(true);
      expect(indexWrites() - before).toBe(1);
      expect(savedTemplateCount()).toBe(more.templates - 1);

      // Left unsaved by a pull, written when the sync stops: the next start loads the file.
      await importSitePeople(dirA, adminUrl, 3);
      await c.site!.sync.syncNow();
      expect(indexWrites() - before).toBe(1);
      await c.site!.close();
      expect(indexWrites() - before).toBe(2);
      expect(savedTemplateCount()).toBe(more.templates + 2);
    } finally {
      await c.site?.close();
      c.close();
    }
    const again = await openSyncStation(dirC);
    try {
      expect(again.galleryReport.rebuiltBecause).toBeNull();
    } finally {
      await again.site?.close();
      again.close();
    }
  });

  /** The template count the saved index file's meta vouches for (its fingerprint's n). */
  function savedTemplateCount(): number {
    const meta = JSON.parse(readFileSync(`${dataPaths(dirC).galleryIndex}.json`, 'utf8')) as {
      fingerprint: string;
    };
    return Number(meta.fingerprint.split(':').at(-3));
  }
});
