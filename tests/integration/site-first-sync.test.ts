import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faissIndexFactories } from '../../src/main/adapters/faiss-vector-index';
import { openDatabase } from '../../src/main/composition/station-database';
import { initSite, joinSite, pairStation } from '../../src/main/composition/site-membership';
import { Gallery } from '../../src/main/core/gallery/gallery.service';
import { chooseIndexKind } from '../../src/main/core/gallery/index-policy';
import { dataPaths } from '../../src/main/core/util/data-dir';
import { TemplatesRepository } from '../../src/main/db/templates.repository';
import { startTestCluster, type TestCluster } from '../support/pg-cluster';
import { importSitePeople, type ImportedPeople } from '../support/site-import';
import { EMBEDDING_MODEL_ID, openSyncStation } from '../support/site-stations';
import { templateCipherFor } from '../support/template-cipher';
import { makeTempDir } from '../support/temp-dir';

/**
 * Issue 16's fast first sync: a new station builds its index once at the end of its first
 * pull and serves from it while the sealed index file is written in the background. Whatever
 * the speed-ups, the result must be exactly the site: everyone present identifiable, an erased
 * person not, and the saved index loads as it is at the next start.
 */
describe('a new station’s first sync of several pages', () => {
  const tmp = makeTempDir('station-site-first-sync-');
  let pg: TestCluster;
  let adminUrl: string;
  let imported: ImportedPeople;
  let erasedId: string;
  const dirA = join(tmp.dir, 'station-a');
  const dirD = join(tmp.dir, 'station-d');
  const openD = () => openSyncStation(dirD, { pageSize: 100, indexSaveEveryMs: 0 });

  beforeAll(async () => {
    pg = await startTestCluster();
    adminUrl = await pg.createDatabase('site_first_sync');
    const openA = () => openSyncStation(dirA);
    await initSite(await openA(), openA, dirA, adminUrl, { label: 'HR desk', doorId: 'hr-desk' });
    imported = await importSitePeople(dirA, adminUrl, 450);
    // Erased at the desk before the new door exists: the site keeps only a tombstone.
    const a = await openA();
    try {
      await a.site!.sync.syncNow();
      erasedId = imported.ids[137]!;
      expect(a.eraser.erasePerson(erasedId).verified).toBe(true);
      await a.site!.sync.syncNow();
    } finally {
      await a.site?.close();
      a.close();
    }
  }, 600_000);
  afterAll(() => {
    pg?.destroy();
    tmp.cleanup();
  });

  it('holds everyone the site holds, identifiable, and not the erased person', async () => {
    const pair = await pairStation(dirA, adminUrl, { label: 'Door 4', doorId: 'door-4' });
    // The join's first pull: 450 people and a tombstone, in pages of 100.
    const joined = await joinSite(await openD(), openD, dirD, pair.joinUrl, pair.code);
    expect(joined.syncError).toBeNull();

    const d = await openD();
    try {
      // The file the background write left is the index: loaded as it is, not rebuilt.
      expect(d.galleryReport.rebuiltBecause).toBeNull();
      expect(d.galleryAdmin.stats().templates).toBe(449);
      expect(d.site!.status().people).toBe(449);
    } finally {
      await d.site?.close();
      d.close();
    }
    expectGalleryOf(dirD, imported, erasedId);
  });

  it('an erasure right after a pull: the saved index follows it, no temp file is left', async () => {
    const more = await importSitePeople(dirA, adminUrl, 30);
    const d = await openD();
    let erased = '';
    try {
      const r = await d.site!.sync.syncNow();
      expect(r.pull.templatesAdded).toBe(30);
      // The pull's index file goes out in the background; the erasure writes at once (the
      // race of the two: tests/integration/gallery-background-write.test.ts).
      erased = more.ids[5]!;
      const report = d.eraser.erasePerson(erased);
      expect(report.verified, report.problems.join('; ')).toBe(true);
      await d.site!.sync.indexWritten();
      expect(savedTemplateCount(dirD)).toBe(449 + 29);
      expect(readdirSync(dirD).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    } finally {
      await d.site?.close();
      d.close();
    }
    expectGalleryOf(dirD, more, erased);
  });
});

/**
 * Opens the station's saved index (it must load without a rebuild) and searches the imported
 * templates: each finds its own person first; the erased person's finds someone else, barely.
 */
function expectGalleryOf(dir: string, people: ImportedPeople, erasedId: string): void {
  const db = openDatabase(dataPaths(dir).database);
  try {
    const cipher = templateCipherFor(db);
    const { gallery, report } = Gallery.open({
      templates: new TemplatesRepository(db, cipher),
      factory: (n) => faissIndexFactories[chooseIndexKind(n)],
      sealer: cipher,
      indexFile: dataPaths(dir).galleryIndex,
      modelId: EMBEDDING_MODEL_ID,
      dim: 512,
    });
    expect(report.rebuiltBecause).toBeNull();
    people.ids.forEach((id, i) => {
      const best = gallery.search(people.vectors[i]!)[0]!;
      if (id === erasedId) {
        expect(best.personId).not.toBe(id);
        expect(best.similarity).toBeLessThan(0.5);
      } else {
        expect(best.personId).toBe(id);
        expect(best.similarity).toBeGreaterThan(0.99);
      }
    });
  } finally {
    db.close();
  }
}

/** The template count the saved index file's meta vouches for (its fingerprint's n). */
function savedTemplateCount(dir: string): number {
  const meta = JSON.parse(readFileSync(`${dataPaths(dir).galleryIndex}.json`, 'utf8')) as {
    fingerprint: string;
  };
  return Number(meta.fingerprint.split(':').at(-3));
}
