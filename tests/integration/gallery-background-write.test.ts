import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { faissIndexFactories } from '../../src/main/adapters/faiss-vector-index';
import {
  enrolSeeded,
  openGallery,
  seededVector,
  useGalleryFolder,
} from '../support/gallery-folder';

const g = useGalleryFolder();
const vec = seededVector;
const enrol = (id: string, seed: number) => enrolSeeded(g, id, seed);
const open = () => openGallery(g, faissIndexFactories.flat);

/** The template count the saved file's meta vouches for (its fingerprint's n). */
function savedCount(): number {
  const meta = JSON.parse(readFileSync(`${g.indexFile}.json`, 'utf8')) as { fingerprint: string };
  return Number(meta.fingerprint.split(':').at(-3));
}

/**
 * Three people saved, then a pull's two enrolments (q0, q1) added under a write hold and
 * released in the background, as a site pull does: the write is running on return.
 */
function pullTwoEnrolments() {
  for (let p = 0; p < 3; p++) enrol(`p${p}`, p);
  const { gallery } = open();
  const release = gallery.holdWrites();
  const added = [enrol('q0', 100), enrol('q1', 101)];
  gallery.addCommitted(added);
  release(0, { background: true });
  return { gallery, added };
}

/** Temp files a background write left in the folder (none, once it settled or was dropped). */
const tempFiles = () => readdirSync(g.dir).filter((f) => f.endsWith('.tmp'));

/**
 * A site pull's release writes the index file in the background (Gallery.holdWrites): the
 * station serves the new templates at once, the file follows, and anything that writes the
 * file meanwhile (an erasure) makes the background copy worthless: it must be dropped, never
 * renamed over the erasure's file, and its temp file removed.
 */
describe('Gallery: index file written in the background (real SQLite + FAISS)', () => {
  it('writes the held additions after the release; the next open loads that file', async () => {
    const { gallery } = pullTwoEnrolments();
    expect(gallery.search(vec(101))[0]?.personId).toBe('q1');
    await gallery.writesSettled();
    expect(savedCount()).toBe(5);
    expect(tempFiles()).toEqual([]);
    const again = open();
    expect(again.report.rebuiltBecause).toBeNull();
    expect(again.gallery.search(vec(100))[0]?.personId).toBe('q0');
  });

  it('drops the background write an erasure overtakes: the file never holds the erased', async () => {
    const { gallery, added } = pullTwoEnrolments();
    // While that write runs: q1 erased (rows deleted, then the index), which writes at once.
    g.templates.deleteForPerson('q1');
    gallery.removeTemplates([added[1]!.id]);
    expect(savedCount()).toBe(4);
    await gallery.writesSettled();
    expect(savedCount()).toBe(4);
    expect(tempFiles()).toEqual([]);
    const again = open();
    expect(again.report.rebuiltBecause).toBeNull();
    expect(again.gallery.search(vec(101))[0]?.personId).not.toBe('q1');
    expect(again.gallery.search(vec(100))[0]?.personId).toBe('q0');
  });
});
