import { beforeAll, describe, expect, it } from 'vitest';
import { faissIndexFactory } from '../../src/main/adapters/faiss-vector-index';
import type { RoutedIndex, RoutedKind } from '../../src/main/adapters/routed-index';
import {
  decodeIndexContainer,
  encodeIndexContainer,
} from '../../src/main/adapters/faiss-index-container';
import type { VectorIndex } from '../../src/main/core/gallery/vector-index';
import { StationError } from '../../src/shared/errors';
import { embedFaceImages, listFaceImages } from '../support/face-embeddings';

// The gallery's PQ and HNSW kinds route through one entry per person (the mean of their
// templates: PQ-coded and scanned, or a graph node) and re-rank the templates of the best
// routes exactly. Real CelebA embeddings from the station's pipeline (cached outside the
// repo), plus distractor persons (each real template perturbed into 2 templates of an
// "other person" at cosine ~0.55 to it) so that there are enough routes (> 1,024) for the PQ
// kind to train its codebook instead of scanning means exactly. Real FAISS.

const PERSONS = 60;
const DISTRACTORS = 1_100;
const flat = faissIndexFactory('flat');

interface Fixture {
  d: number;
  gallery: Float32Array;
  /** person of each gallery row */
  person: Int32Array;
  probes: Float32Array;
}
let fx: Fixture;

beforeAll(async () => {
  const all = listFaceImages('celeba');
  const byId = new Map<string, typeof all>();
  for (const img of all) byId.set(img.identity, [...(byId.get(img.identity) ?? []), img]);
  const chosen = [...byId.values()].filter((imgs) => imgs.length >= 4).slice(0, PERSONS);
  const real = await embedFaceImages(chosen.flat());
  const d = real.dim;
  const personOf = new Map(chosen.map((imgs, i) => [imgs[0]!.identity, i]));
  const gallery: number[] = [];
  const person: number[] = [];
  const probes: number[] = [];
  const probed = new Set<number>();
  real.images.forEach((img, i) => {
    const p = personOf.get(img.identity)!;
    const v = Array.from(real.vectors.subarray(i * d, (i + 1) * d));
    if (!probed.has(p)) {
      probed.add(p);
      probes.push(...v);
    } else {
      gallery.push(...v);
      person.push(p);
    }
  });
  let seed = 7;
  const rand = (): number => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const realRows = person.length;
  for (let i = 0; i < DISTRACTORS; i++) {
    const src = gallery.slice((i % realRows) * d, ((i % realRows) + 1) * d);
    for (let t = 0; t < 2; t++) {
      // Box-Muller noise of norm ~1.5 against a unit vector: cosine to the source ~0.55.
      const v = src.map(
        (x) =>
          x +
          (1.5 / Math.sqrt(d)) *
            Math.sqrt(-2 * Math.log(1 - rand())) *
            Math.cos(2 * Math.PI * rand()),
      );
      const norm = Math.sqrt(v.reduce((a, x) => a + x * x, 0));
      gallery.push(...v.map((x) => x / norm));
      person.push(PERSONS + i);
    }
  }
  fx = {
    d,
    gallery: Float32Array.from(gallery),
    person: Int32Array.from(person),
    probes: Float32Array.from(probes),
  };
}, 600_000);

const ROUTES = PERSONS + DISTRACTORS;

const probe = (i: number): Float32Array => fx.probes.subarray(i * fx.d, (i + 1) * fx.d);
const rowOf = (label: number): Float32Array =>
  fx.gallery.subarray(label * fx.d, (label + 1) * fx.d);

function build(kind: RoutedKind): RoutedIndex {
  const index = faissIndexFactory(kind).create(fx.d) as RoutedIndex;
  index.add(fx.gallery, fx.person);
  return index;
}

/** The route mean exactly as the index computes it (float32 sum, then scaled). */
function routeMean(labels: number[]): Float32Array {
  const mean = new Float32Array(fx.d);
  for (const l of labels) {
    const v = rowOf(l);
    for (let j = 0; j < fx.d; j++) mean[j]! += v[j]!;
  }
  let norm = 0;
  for (let j = 0; j < fx.d; j++) norm += mean[j]! * mean[j]!;
  const inv = 1 / Math.sqrt(norm || 1);
  for (let j = 0; j < fx.d; j++) mean[j]! *= inv;
  return mean;
}

const holds = (buf: Buffer, v: Float32Array): boolean =>
  buf.includes(Buffer.from(v.buffer, v.byteOffset, v.byteLength));

const labelsOf = (p: number): number[] =>
  Array.from(fx.person.keys()).filter((l) => fx.person[l] === p);

function topLabels(index: VectorIndex, k: number): number[][] {
  return Array.from({ length: PERSONS }, (_, i) => index.search(probe(i), k).labels);
}

describe.each(['pq', 'hnsw'] as const)('routed index, %s kind, on real face embeddings', (kind) => {
  const factory = faissIndexFactory(kind);

  it('makes one route per person and, probing every route, answers exactly as flat search', () => {
    const index = build(kind);
    expect(index.stats().params.routes).toBe(ROUTES);
    if (kind === 'pq') expect(index.stats().params.pqBytesPerRoute).toBe(fx.d / 8); // coded
    expect(index.size).toBe(fx.person.length);
    const exact = flat.create(fx.d);
    exact.add(fx.gallery);
    index.tune({ routesProbed: ROUTES });
    for (let i = 0; i < PERSONS; i++) {
      const a = index.search(probe(i), 10);
      const b = exact.search(probe(i), 10);
      expect(a.labels).toEqual(b.labels);
      a.scores.forEach((s, j) => expect(s).toBeCloseTo(b.scores[j]!, 5));
    }
  });

  it('with the policy defaults finds the exact top-1 for every probe', () => {
    const index = build(kind);
    const exact = flat.create(fx.d);
    exact.add(fx.gallery);
    expect(topLabels(index, 1)).toEqual(topLabels(exact, 1));
  });

  it('rows added without groups are routes of one', () => {
    const index = factory.create(fx.d) as RoutedIndex;
    index.add(fx.gallery);
    expect(index.routes).toBe(fx.person.length);
    expect(index.search(rowOf(7), 1).labels).toEqual([7]);
  });

  it('erasing templates scrubs their route mean, re-routes the rest, and survives a reload', () => {
    const index = build(kind);
    const victim = labelsOf(3);
    expect(victim.length).toBeGreaterThanOrEqual(3);
    const oldMean = routeMean(victim);
    // The HNSW graph keeps float means, so the check can see one; PQ keeps 4-bit codes.
    expect(holds(index.toBuffer(), oldMean)).toBe(kind === 'hnsw');

    // One template of person 3: its vector and the mean it contributed to are gone; the
    // person is still found through a new route over the remaining templates.
    index.remove([victim[0]!]);
    const partial = index.toBuffer();
    expect(holds(partial, rowOf(victim[0]!))).toBe(false);
    expect(holds(partial, oldMean)).toBe(false);
    expect(holds(partial, routeMean(victim.slice(1)))).toBe(kind === 'hnsw');
    expect(index.stats().params.routes).toBe(ROUTES);
    expect(fx.person[index.search(probe(3), 1).labels[0]!]).toBe(3);

    // The rest of person 3: never returned, no vector or mean of theirs left.
    index.remove(victim.slice(1));
    const buf = index.toBuffer();
    for (const l of victim) expect(holds(buf, rowOf(l))).toBe(false);
    expect(holds(buf, routeMean(victim.slice(1)))).toBe(false);
    expect(index.stats().params.routes).toBe(ROUTES - 1);
    const reloaded = factory.fromBuffer(buf, fx.d);
    for (const ix of [index, reloaded]) {
      expect(ix.live).toBe(fx.person.length - victim.length);
      for (let i = 0; i < PERSONS; i++) {
        for (const l of ix.search(probe(i), 32).labels) expect(victim).not.toContain(l);
      }
    }
    expect(topLabels(reloaded, 5)).toEqual(topLabels(index, 5));
    expect(() => index.remove([victim[0]!])).toThrow(/already removed/);
  });

  it('loads its rows in place, zeroes the rest of the buffer, and erasure scrubs them there', () => {
    const index = build(kind);
    const buf = index.toBuffer();
    const victim = labelsOf(4);
    const reloaded = factory.fromBuffer(buf, fx.d);
    expect(reloaded.keepsLoadBuffer).toBe(true);
    expect(holds(buf, rowOf(victim[0]!))).toBe(true); // the row is the index's memory now
    if (kind === 'hnsw') expect(holds(buf, routeMean(victim))).toBe(false); // graph copy zeroed
    expect(topLabels(reloaded, 5)).toEqual(topLabels(index, 5));
    reloaded.remove(victim);
    for (const l of victim) expect(holds(buf, rowOf(l))).toBe(false);
    expect(
      topLabels(reloaded, 5)
        .flat()
        .some((l) => victim.includes(l)),
    ).toBe(false);
  });

  it('a later enrolment of a known person adds a route; both are searched', () => {
    const index = factory.create(fx.d) as RoutedIndex;
    const first = labelsOf(5);
    const rows = (ls: number[]): Float32Array =>
      Float32Array.from(ls.flatMap((l) => Array.from(rowOf(l))));
    index.add(rows(first.slice(0, 1)), [0]);
    index.add(
      rows(first.slice(1)),
      first.slice(1).map(() => 0),
    );
    expect(index.routes).toBe(2);
    expect(index.search(probe(5), 10).labels.sort()).toEqual(first.map((_, i) => i).sort());
  });

  it('refuses a bad add without changing anything', () => {
    const index = build(kind);
    const before = index.size;
    const bad = fx.gallery.slice(0, fx.d * 2);
    bad[fx.d + 3] = Number.NaN;
    expect(() => index.add(bad, [0, 1])).toThrow(/non-finite/);
    expect(() => index.add(fx.gallery.slice(0, fx.d), [0, 1])).toThrow(/groups/);
    expect(index.size).toBe(before);
    expect(index.routes).toBe(ROUTES);
  });

  it('refuses a tampered or truncated file with INDEX_STALE', () => {
    const buf = build(kind).toBuffer();
    const { header, faiss } = decodeIndexContainer(buf);
    const payload = Buffer.from(faiss!);
    const cases: Buffer[] = [
      payload.subarray(0, payload.length - 4), // truncated rows
      Buffer.concat([payload, Buffer.alloc(4)]), // trailing bytes
      (() => {
        const b = Buffer.from(payload);
        b.writeInt32LE(9_999, 24 + 4); // first route's end offset out of order
        return b;
      })(),
      (() => {
        const b = Buffer.from(payload);
        b.write('XXXX', 0, 'latin1');
        return b;
      })(),
    ];
    for (const p of cases) {
      const err = (() => {
        try {
          factory.fromBuffer(encodeIndexContainer(header, p), fx.d);
        } catch (e) {
          return e;
        }
        return null;
      })();
      expect(err).toBeInstanceOf(StationError);
      expect((err as StationError).code).toBe('INDEX_STALE');
    }
    // A row listed in two routes (a forged route table) is refused as well.
    const twice = Buffer.from(payload);
    const routes = twice.readUInt32LE(8);
    const membersAt = 24 + (routes + 1) * 4;
    twice.writeInt32LE(twice.readInt32LE(membersAt), membersAt + 4);
    expect(() => factory.fromBuffer(encodeIndexContainer(header, twice), fx.d)).toThrow(/twice/);
  });
});
