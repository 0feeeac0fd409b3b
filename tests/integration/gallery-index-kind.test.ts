import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { faissIndexFactories } from '../../src/main/adapters/faiss-vector-index';
import {
  indexFileContext,
  type IndexFactoryChooser,
  type IndexMeta,
} from '../../src/main/core/gallery/gallery.service';
import { INDEX_KINDS } from '../../src/main/core/gallery/vector-index';
import { decodeLabelMap, encodeLabelMap } from '../../src/main/core/gallery/gallery-label-map';
import {
  enrolSeeded,
  GALLERY_DIM,
  openGallery,
  seededVector,
  useGalleryFolder,
} from '../support/gallery-folder';
import { templateCipherFor } from '../support/template-cipher';

/**
 * The gallery's index kind follows its chooser (in the station: the size policy or the admin's
 * setting); a change of kind is a rebuild from the database. The real policy switches at 50k
 * templates, so these tests inject a chooser that switches at 4.
 */
const smallIsFlat: IndexFactoryChooser = (n) =>
  n <= 4 ? faissIndexFactories.flat : faissIndexFactories.hnsw;

const g = useGalleryFolder();
const vec = seededVector;
const enrol = (id: string, seed: number): Float32Array => enrolSeeded(g, id, seed).vector;
const open = (factory: IndexFactoryChooser = smallIsFlat) => openGallery(g, factory);

describe('Gallery index kind (real SQLite + real FAISS)', () => {
  it('switches kind by a rebuild when an enrolment crosses the chooser boundary', () => {
    for (let p = 0; p < 3; p++) enrol(`p${p}`, p);
    const { gallery } = open();
    expect(gallery.stats().index).toMatchObject({ kind: 'flat', live: 3 });
    const added = ['q0', 'q1'].map((id, i) => ({ personId: id, vector: enrol(id, 100 + i) }));
    gallery.addCommitted(added);
    expect(gallery.stats()).toMatchObject({ templates: 5, index: { kind: 'hnsw', live: 5 } });
    expect(gallery.search(vec(101))[0]?.personId).toBe('q1');
    expect(gallery.search(vec(1))[0]?.personId).toBe('p1');
    // The switched index was persisted: the next start reuses it, and tells the chooser the
    // saved kind (the size policy's step-down margin depends on it).
    const asked: (string | null)[] = [];
    const again = open((n, current) => {
      asked.push(current);
      return smallIsFlat(n, current);
    });
    expect(again.report.rebuiltBecause).toBeNull();
    expect(again.gallery.stats().index.kind).toBe('hnsw');
    expect(asked).toContain(faissIndexFactories.hnsw.kind);
  });

  it('rebuilds a saved index of another kind from the database, with the same results', () => {
    for (let p = 0; p < 6; p++) enrol(`p${p}`, p);
    const hnsw = open().gallery;
    const expected = [0, 1, 2, 3, 4, 5].map((p) => hnsw.search(vec(p)));
    const { gallery, report } = open(() => faissIndexFactories.ivf);
    expect(report.rebuiltBecause).toBe('index kind station-faiss-hnsw@2 != station-faiss-ivf@1');
    expect(gallery.stats().index.kind).toBe('ivf');
    const got = [0, 1, 2, 3, 4, 5].map((p) => gallery.search(vec(p)));
    expect(got.map((m) => m.map((x) => x.personId))).toEqual(
      expected.map((m) => m.map((x) => x.personId)),
    );
  });

  /** A well-sealed flat file of the right kind holding vec(p) for `persons`, labelled `map`. */
  function writeSavedIndex(persons: number[], map: number[]): void {
    const meta = JSON.parse(readFileSync(`${g.indexFile}.json`, 'utf8')) as IndexMeta;
    const index = faissIndexFactories.flat.create(GALLERY_DIM);
    index.add(new Float32Array(persons.flatMap((p) => [...vec(p)])));
    const personOf = new Map(g.templates.labelsForModel('m1').map((r) => [r.id, r.personId]));
    const owners = map.map((id) => personOf.get(id) ?? 'someone');
    const plain = encodeLabelMap(map, owners, index.toBuffer());
    const sealed = templateCipherFor(g.db).sealFile(plain, indexFileContext(meta));
    writeFileSync(g.indexFile, sealed);
    const tag = templateCipherFor(g.db).sealedTag(sealed);
    writeFileSync(`${g.indexFile}.json`, JSON.stringify({ ...meta, tag }));
  }

  it('does not load a saved index whose labels do not fit the database', () => {
    for (let p = 0; p < 3; p++) enrol(`p${p}`, p);
    open();
    const ids = g.templates.labelsForModel('m1').map((r) => r.id);
    // The right kind and count, but the label map names a template the database does not
    // have (an erasure whose index write was lost, or a forged map), or one twice.
    writeSavedIndex([0, 1, 2], [ids[0]!, ids[1]!, 999]);
    const { gallery, report } = open();
    expect(report.rebuiltBecause).toBe('index holds template 999, which the database does not');
    expect(gallery.stats().index).toMatchObject({ size: 3, live: 3, removed: 0 });
    expect(gallery.search(vec(2))[0]?.personId).toBe('p2');
    writeSavedIndex([0, 0, 1], [ids[0]!, ids[0]!, ids[1]!]);
    expect(open().report.rebuiltBecause).toBe(`index holds template ${ids[0]!} twice`);
  });

  it('loads a saved index whose labels are the database templates in another order', () => {
    for (let p = 0; p < 3; p++) enrol(`p${p}`, p);
    open();
    const ids = g.templates.labelsForModel('m1').map((r) => r.id);
    // Not the id order a rebuild writes: the start maps labels by lookup instead.
    writeSavedIndex([2, 0, 1], [ids[2]!, ids[0]!, ids[1]!]);
    const { gallery, report } = open();
    expect(report.rebuiltBecause).toBeNull();
    for (const p of [0, 1, 2]) expect(gallery.search(vec(p))[0]?.personId).toBe(`p${p}`);
  });
});

describe('Gallery erasure in place, every index kind (real SQLite + real FAISS)', () => {
  const PEOPLE = 40;
  for (const kind of INDEX_KINDS) {
    it(`${kind}: removes one person's labels without a rebuild, on disk too`, () => {
      const vectors = Array.from({ length: PEOPLE }, (_, p) => enrol(`p${p}`, p));
      const chooser: IndexFactoryChooser = () => faissIndexFactories[kind];
      const { gallery } = open(chooser);
      const before = vectors.map((v) => gallery.search(v)[0]?.personId);
      const victim = g.templates.labelsForModel('m1').find((r) => r.personId === 'p7')!;
      g.db.prepare('DELETE FROM templates WHERE id = ?').run(victim.id);

      expect(gallery.removeTemplates([victim.id])).toEqual({ removed: 1, rebuilt: false });
      expect(gallery.stats().index).toMatchObject({
        kind,
        size: PEOPLE,
        live: PEOPLE - 1,
        removed: 1,
      });
      expect(gallery.search(vectors[7]!).map((m) => m.personId)).not.toContain('p7');
      vectors.forEach((v, p) => {
        if (p !== 7) expect(gallery.search(v)[0]?.personId).toBe(before[p]);
      });

      // The file written after the erasure holds neither the vector nor its template id.
      const meta = JSON.parse(readFileSync(`${g.indexFile}.json`, 'utf8')) as IndexMeta;
      const plain = templateCipherFor(g.db).openFile(
        readFileSync(g.indexFile),
        indexFileContext(meta),
      );
      const needle = Buffer.from(
        vectors[7]!.buffer,
        vectors[7]!.byteOffset,
        vectors[7]!.byteLength,
      );
      expect(plain.includes(needle.subarray(0, 64))).toBe(false);
      // (The same search does find a kept person's vector: the check can see vectors.)
      const kept = vectors[8]!;
      expect(plain.includes(Buffer.from(kept.buffer, kept.byteOffset, 64))).toBe(true);
      expect(decodeLabelMap(plain).labels).not.toContain(victim.id);

      // The next start reuses that file, tombstone and all, with the same answers.
      const again = open(chooser);
      expect(again.report.rebuiltBecause).toBeNull();
      expect(again.gallery.search(vectors[7]!).map((m) => m.personId)).not.toContain('p7');
      expect(again.gallery.search(vectors[8]!)[0]?.personId).toBe('p8');

      // Enrolment after an erasure appends new labels after the tombstone.
      const late = enrol('late', 500);
      again.gallery.addCommitted([{ personId: 'late', vector: late }]);
      expect(again.gallery.stats().index).toMatchObject({ size: PEOPLE + 1, live: PEOPLE });
      expect(again.gallery.search(late)[0]?.personId).toBe('late');
      expect(open(chooser).report.rebuiltBecause).toBeNull();
    });
  }

  it('rebuilds from the database once enough labels are removed', () => {
    const vectors = Array.from({ length: 20 }, (_, p) => enrol(`p${p}`, p));
    const { gallery } = open(() => faissIndexFactories.hnsw);
    const rows = g.templates.labelsForModel('m1');
    const gone = rows.slice(0, 2).map((r) => r.id); // 10 % of the gallery
    for (const id of gone) g.db.prepare('DELETE FROM templates WHERE id = ?').run(id);
    expect(gallery.removeTemplates(gone)).toEqual({ removed: 2, rebuilt: true });
    expect(gallery.stats().index).toMatchObject({ size: 18, live: 18, removed: 0 });
    expect(gallery.search(vectors[5]!)[0]?.personId).toBe('p5');
  });
});
