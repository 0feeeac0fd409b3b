import { beforeAll, describe, expect, it } from 'vitest';
import { faissIndexFactories, faissIndexFactory } from '../../src/main/adapters/faiss-vector-index';
import { loadStationFaiss } from '../../src/main/adapters/station-faiss-addon';
import {
  INDEX_KINDS,
  type IndexKind,
  type VectorIndex,
} from '../../src/main/core/gallery/vector-index';
import { StationError } from '../../src/shared/errors';
import { embedFaceImages, listFaceImages } from '../support/face-embeddings';

// Every index kind the gallery can use, on embeddings of real CelebA faces from the station's
// own pipeline (cached outside the repo after the first run), with real FAISS (our addon).
//
// The gallery: all but one image of 120 identities, plus hard distractors (each real gallery
// embedding perturbed into 8 "other people" at cosine ~0.55 to it), so that HNSW and IVF work
// on a few thousand vectors instead of scanning everything. Probes: the held-out image of each
// identity. Approximate kinds must agree with exact search on >= 99% of top-1 answers.

const IDENTITIES = 120;
const DISTRACTORS_PER_VECTOR = 8;

interface Fixture {
  d: number;
  gallery: Float32Array;
  /** gallery row -> identity index, -1 for distractors */
  owner: Int32Array;
  probes: Float32Array;
  probeOwner: number[];
}

let fx: Fixture;

function row(v: Float32Array, d: number, i: number): Float32Array {
  return v.subarray(i * d, (i + 1) * d);
}

/** Seeded, so a failure reproduces. */
function makeRng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function distractor(src: Float32Array, rand: () => number): Float32Array {
  const d = src.length;
  const out = new Float32Array(d);
  let norm = 0;
  for (let j = 0; j < d; j++) {
    // Box-Muller noise of norm ~1.5 against a unit vector: cosine to the source ~0.55.
    const g = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    out[j] = src[j]! + (1.5 / Math.sqrt(d)) * g;
    norm += out[j]! ** 2;
  }
  for (let j = 0; j < d; j++) out[j] = out[j]! / Math.sqrt(norm);
  return out;
}

beforeAll(async () => {
  const all = listFaceImages('celeba');
  const byId = new Map<string, typeof all>();
  for (const img of all) byId.set(img.identity, [...(byId.get(img.identity) ?? []), img]);
  const chosen = [...byId.values()].filter((imgs) => imgs.length >= 3).slice(0, IDENTITIES);
  const real = await embedFaceImages(chosen.flat());
  const d = real.dim;
  const idIndex = new Map(chosen.map((imgs, i) => [imgs[0]!.identity, i]));
  const gallery: Float32Array[] = [];
  const owner: number[] = [];
  const probes: Float32Array[] = [];
  const probeOwner: number[] = [];
  const probed = new Set<number>();
  real.images.forEach((img, i) => {
    const id = idIndex.get(img.identity)!;
    const v = row(real.vectors, d, i);
    if (!probed.has(id)) {
      probed.add(id);
      probes.push(v);
      probeOwner.push(id);
    } else {
      gallery.push(v);
      owner.push(id);
    }
  });
  const rand = makeRng(42);
  for (const v of [...gallery]) {
    for (let k = 0; k < DISTRACTORS_PER_VECTOR; k++) {
      gallery.push(distractor(v, rand));
      owner.push(-1);
    }
  }
  const flat = (vs: Float32Array[]): Float32Array => {
    const out = new Float32Array(vs.length * d);
    vs.forEach((v, i) => out.set(v, i * d));
    return out;
  };
  fx = {
    d,
    gallery: flat(gallery),
    owner: Int32Array.from(owner),
    probes: flat(probes),
    probeOwner,
  };
});

const built = new Map<IndexKind, VectorIndex>();

/** One build per kind (an HNSW build takes seconds); tests that mutate work on a copy. */
function build(kind: IndexKind): VectorIndex {
  let index = built.get(kind);
  if (!index) {
    index = faissIndexFactories[kind].create(fx.d);
    index.add(fx.gallery);
    built.set(kind, index);
  }
  return index;
}

function copyOf(kind: IndexKind): VectorIndex {
  return faissIndexFactories[kind].fromBuffer(build(kind).toBuffer(), fx.d);
}

function top1(index: VectorIndex): number[] {
  const { labels } = index.searchBatch(fx.probes, 1);
  return Array.from(labels);
}

describe('gallery index kinds on real face embeddings', () => {
  let exact: number[];

  beforeAll(() => {
    exact = top1(build('flat'));
  });

  it('exact search finds the right person for most held-out probes (the data is real)', () => {
    const right = exact.filter((label, i) => fx.owner[label] === fx.probeOwner[i]).length;
    expect(right / exact.length).toBeGreaterThan(0.8);
  });

  it.each(INDEX_KINDS)('%s: top-1 agrees with exact search (recall@1 >= 0.99)', (kind) => {
    const index = build(kind);
    expect(index.size).toBe(fx.owner.length);
    expect(index.kind).toBe(kind);
    const got = top1(index);
    const agree = got.filter((label, i) => label === exact[i]).length;
    expect(agree / exact.length).toBeGreaterThanOrEqual(0.99);
    // Single-query search says the same as the batch.
    for (let i = 0; i < 5; i++) {
      expect(index.search(row(fx.probes, fx.d, i), 1).labels[0]).toBe(got[i]);
    }
  });

  it.each(INDEX_KINDS)(
    '%s: a removed person is never returned, before or after a reload',
    (kind) => {
      const index = copyOf(kind);
      const victim = fx.probeOwner[0]!;
      const probe = row(fx.probes, fx.d, 0);
      const theirs = [...fx.owner.keys()].filter((r) => fx.owner[r] === victim);
      expect(index.search(probe, 1).labels[0]).toBeDefined();
      expect(theirs.length).toBeGreaterThan(0);

      index.remove(theirs);
      expect(index.live).toBe(fx.owner.length - theirs.length);
      expect(index.stats().removed).toBe(theirs.length);
      const reloaded = faissIndexFactories[kind].fromBuffer(index.toBuffer(), fx.d);
      for (const ix of [index, reloaded]) {
        // Ask for everything: not one of their labels may come back, at any rank.
        const { labels } = ix.search(probe, ix.live);
        // Exact search returns every live label; HNSW and IVF return what their search reaches.
        if (kind === 'flat') expect(labels.length).toBe(ix.live);
        expect(labels.filter((l) => theirs.includes(l))).toEqual([]);
        const batch = ix.searchBatch(fx.probes, 10);
        expect(Array.from(batch.labels).filter((l) => theirs.includes(l))).toEqual([]);
      }
      // Their vectors are destroyed, not hidden: the bytes are gone from the serialised index.
      const bytes = index.toBuffer();
      for (const r of theirs) {
        const v = row(fx.gallery, fx.d, r);
        const needle = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
        expect(bytes.includes(needle)).toBe(false);
      }
      // Labels are never reused: the next add continues after the removed ones.
      const before = reloaded.size;
      reloaded.add(row(fx.gallery, fx.d, theirs[0]!));
      expect(reloaded.size).toBe(before + 1);
      expect(reloaded.search(row(fx.gallery, fx.d, theirs[0]!), 1).labels[0]).toBe(before);
      expect(() => index.remove([theirs[0]!])).toThrow(StationError);
    },
  );

  it.each(INDEX_KINDS)('%s: serialisation round-trip keeps answers and parameters', (kind) => {
    const index = build(kind);
    const copy = faissIndexFactories[kind].fromBuffer(index.toBuffer(), fx.d);
    expect(copy.size).toBe(index.size);
    expect(copy.stats().params).toEqual(index.stats().params);
    const a = index.searchBatch(fx.probes, 5);
    const b = copy.searchBatch(fx.probes, 5);
    expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
    expect(Array.from(b.scores)).toEqual(Array.from(a.scores));
  });

  it('an index file of one kind is refused by another kind, garbage is refused', () => {
    const bytes = copyOf('flat').toBuffer();
    expect(() => faissIndexFactories.hnsw.fromBuffer(bytes, fx.d)).toThrow(StationError);
    expect(() => faissIndexFactories.flat.fromBuffer(bytes, fx.d + 1)).toThrow(/dim/);
    expect(() => faissIndexFactories.flat.fromBuffer(Buffer.from('not an index'), fx.d)).toThrow(
      StationError,
    );
    // A valid header in front of damaged faiss bytes: faiss's own reader error, as a JS error.
    const damaged = Buffer.from(bytes);
    damaged.fill(0xff, damaged.length - 64, damaged.length - 8);
    damaged.fill(0xee, 60, 120);
    expect(() => faissIndexFactories.flat.fromBuffer(damaged, fx.d)).toThrow();
  });
});

describe('invalid input is a JS error, never a crash', () => {
  const d = 8;
  // 20 distinct unit vectors, so each one's nearest neighbour by inner product is itself.
  const ok = new Float32Array(d * 20).map((_, i) => Math.sin(i * 1.7 + 1));
  for (let r = 0; r < 20; r++) {
    const v = ok.subarray(r * d, (r + 1) * d);
    const n = Math.hypot(...v);
    v.forEach((x, j) => (v[j] = x / n));
  }

  it.each(INDEX_KINDS)('%s: wrong dimension, NaN, empty, bad k, bad labels', (kind) => {
    const index = faissIndexFactory(kind).create(d);
    expect(index.search(new Float32Array(d), 3)).toEqual({ labels: [], scores: [] }); // empty index
    expect(() => index.add(new Float32Array(d + 1))).toThrow(StationError);
    const nan = ok.slice();
    nan[5] = NaN;
    expect(() => index.add(nan)).toThrow(/non-finite/);
    index.add(ok);
    expect(index.size).toBe(20);
    expect(() => index.search(new Float32Array(d - 1), 1)).toThrow(StationError);
    expect(() => index.search(new Float32Array(d).fill(Infinity), 1)).toThrow(/non-finite/);
    expect(index.search(row(ok, d, 0), 0)).toEqual({ labels: [], scores: [] });
    expect(index.searchBatch(new Float32Array(0), 3).labels.length).toBe(0);
    expect(() => index.remove([20])).toThrow(StationError);
    expect(() => index.remove([-1])).toThrow(StationError);
    expect(() => index.remove([1.5])).toThrow(StationError);
    expect(index.search(row(ok, d, 3), 1).labels).toEqual([3]);
  });

  it('the native class reports faiss errors with a code instead of aborting', () => {
    const { StationIndex } = loadStationFaiss();
    const code = (fn: () => unknown): string | undefined => {
      try {
        fn();
      } catch (err) {
        return (err as { code?: string }).code;
      }
      return 'no error';
    };
    expect(code(() => new StationIndex(d, 'NoSuchIndex42'))).toBe('FAISS_ERROR');
    expect(code(() => new StationIndex(0, 'Flat'))).toBe('INVALID_ARGUMENT');
    const ivf = new StationIndex(d, 'IVF4,Flat');
    expect(code(() => ivf.add(ok))).toBe('NOT_TRAINED');
    expect(code(() => ivf.search(ok, 1))).toBe('NOT_TRAINED');
    expect(code(() => ivf.train(ok.subarray(0, 2 * d)))).toBe('INVALID_ARGUMENT');
    const hnsw = new StationIndex(d, 'HNSW8,Flat');
    hnsw.add(ok);
    expect(code(() => hnsw.setParameter('nprobe', 4))).toBe('INVALID_ARGUMENT');
    expect(code(() => hnsw.add(ok, 3))).toBe('INVALID_ARGUMENT');
    expect(code(() => hnsw.scrub(Int32Array.of(999)))).toBe('INVALID_ARGUMENT');
    expect(code(() => hnsw.search(ok, 0))).toBe('INVALID_ARGUMENT');
    expect(code(() => hnsw.search(new Float64Array(d) as unknown as Float32Array, 1))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(code(() => StationIndex.fromBuffer(Buffer.from('IxF2 garbage')))).toBe('FAISS_ERROR');
    expect(code(() => StationIndex.fromBuffer(Buffer.alloc(0)))).toBe('INVALID_ARGUMENT');
    // Still alive and answering.
    expect(hnsw.search(row(ok, d, 2), 1).labels[0]).toBe(2);
  });
});
