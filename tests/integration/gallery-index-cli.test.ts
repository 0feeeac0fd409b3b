import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Station } from '../../src/main/core/station.service';
import { openStation } from '../../src/main/station-factory';
import { sharedDataPath } from '../support/shared-data';
import { stationCli } from '../support/station-cli-runner';
import { makeTempDir } from '../support/temp-dir';

/**
 * `station gallery stats|rebuild` on a small real gallery (the 8 faceapi_bbt people, 2 photos
 * each): a switch of index kind is a rebuild from the database that preserves identification
 * results, and erasure removes a person under HNSW as well.
 */
const PEOPLE = ['amy', 'bernadette', 'howard', 'leonard', 'penny', 'raj', 'sheldon', 'stuart'];
const bbt = (who: string, i: number) =>
  sharedDataPath('small_identity_sets', 'faceapi_bbt', who, `${who}${i}.png`);
/** Held-out photos (3..5) of every person: the probes whose results must not change. */
const PROBES = PEOPLE.flatMap((who) => [3, 4, 5].map((i) => bbt(who, i)));

interface StatsJson {
  templates: number;
  indexSetting: string;
  index: {
    kind: string;
    dim: number;
    size: number;
    live: number;
    removed: number;
    rebuildRecommended: boolean;
    params: Record<string, number>;
    engine: string;
  };
}

describe('station gallery stats|rebuild (real SQLite, FAISS, models, faces)', () => {
  const tmp = makeTempDir('station-gallery-cli-');
  const dataDir = join(tmp.dir, 'data');
  const cli = stationCli(dataDir);
  const ids = new Map<string, string>();
  let station: Station;

  beforeAll(async () => {
    station = await openStation({ dataDir, mode: 'cli' });
    for (const who of PEOPLE) {
      const images = [1, 2].map((i) => ({
        fileName: bbt(who, i),
        bytes: readFileSync(bbt(who, i)),
      }));
      const r = await station.intake.enroll({
        name: who,
        consent: true,
        images,
        recordedBy: 'test',
      });
      if (r.person) ids.set(who, r.person.id);
    }
  }, 120_000);
  afterAll(() => {
    station?.close();
    tmp.cleanup();
  });

  /** Decision, person and similarity (5 decimals) of every face of every probe. */
  async function identifyAll(): Promise<string[]> {
    const rows: string[] = [];
    for (const file of PROBES) {
      for (const f of await station.recognition.identify(readFileSync(file), file)) {
        rows.push(`${file}: ${f.decision} ${f.person?.id ?? '-'} ${f.similarity.toFixed(5)}`);
      }
    }
    return rows;
  }

  it('reports the flat index of a small gallery, as JSON', () => {
    expect(ids.size).toBe(8);
    const r = cli('gallery', 'stats', '--json');
    expect(r.code).toBe(0);
    expect(r.json).toEqual({
      templates: 16,
      indexSetting: 'auto',
      index: {
        kind: 'flat',
        dim: 512,
        size: 16,
        live: 16,
        removed: 0,
        rebuildRecommended: false,
        params: {},
        engine: expect.stringMatching(/^faiss 1\.\d+\.\d+ (avx2|generic)$/) as unknown,
      },
    });
    const human = cli('gallery', 'stats');
    expect(human.stdout).toMatch(/index: flat, 512-d, faiss /);
    expect(human.stdout).toMatch(/follows gallery size \(flat for 16 templates\)/);
  });

  it('switches to HNSW by a rebuild, audited, with the same identification results', async () => {
    const before = await identifyAll();
    expect(before.filter((row) => row.includes(' granted ')).length).toBeGreaterThan(12);

    const r = cli('gallery', 'rebuild', '--index', 'hnsw', '--json');
    expect(r.code).toBe(0);
    const rebuilt = r.json as StatsJson & { seconds: number };
    expect(rebuilt.indexSetting).toBe('hnsw');
    expect(rebuilt.index).toMatchObject({ kind: 'hnsw', size: 16, live: 16, removed: 0 });
    // The HNSW kind is a graph over persons: 16 templates of 8 people are 8 routes.
    expect(rebuilt.index.params).toMatchObject({ M: 32, efSearch: 64, routes: 8 });

    // The open station sees the other process's change and loads the HNSW file it saved.
    expect(await identifyAll()).toEqual(before);
    expect(station.galleryAdmin.stats().index.kind).toBe('hnsw');
    expect(station.auditAdmin.recent(5).some((e) => e.kind === 'settings')).toBe(true);
    expect(cli('audit', 'verify', '--json').json).toMatchObject({ ok: true });
    // A fresh start reuses the saved HNSW index (the admin's choice outranks the size policy).
    const again = cli('gallery', 'stats', '--json').json as StatsJson;
    expect(again.index.kind).toBe('hnsw');
  });

  it('erases a person under HNSW: their photos no longer match, nothing left on disk', async () => {
    const pennyId = ids.get('penny') ?? '';
    const report = station.eraser.erasePerson(pennyId);
    expect(report).toMatchObject({ templates: 2, verified: true, problems: [] });
    expect(station.galleryAdmin.stats()).toMatchObject({
      templates: 14,
      index: { kind: 'hnsw', size: 14, live: 14, removed: 0 },
    });
    for (const i of [1, 2, 3, 4, 5]) {
      const faces = await station.recognition.identify(
        readFileSync(bbt('penny', i)),
        `penny${i}.png`,
      );
      for (const f of faces) expect(f.person?.id).not.toBe(pennyId);
    }
    // The others are still found.
    const leonard = await station.recognition.identify(
      readFileSync(bbt('leonard', 3)),
      'leonard3.png',
    );
    expect(leonard.some((f) => f.person?.id === ids.get('leonard'))).toBe(true);
  });

  it('erases a person under IVF too (the third kind; flat is covered by erasure.test.ts)', async () => {
    expect(station.galleryAdmin.rebuild('ivf', 'test').index).toMatchObject({
      kind: 'ivf',
      live: 14,
    });
    const rajId = ids.get('raj') ?? '';
    expect(station.eraser.erasePerson(rajId)).toMatchObject({ templates: 2, verified: true });
    expect(station.galleryAdmin.stats().index).toMatchObject({ kind: 'ivf', size: 12, live: 12 });
    for (const i of [1, 2, 3]) {
      const faces = await station.recognition.identify(readFileSync(bbt('raj', i)), `raj${i}.png`);
      for (const f of faces) expect(f.person?.id).not.toBe(rajId);
    }
  });

  it('goes back to the size policy with --index auto; refuses unknown kinds (exit 2)', () => {
    const auto = cli('gallery', 'rebuild', '--index', 'auto', '--json');
    expect(auto.code).toBe(0);
    expect(auto.json).toMatchObject({ indexSetting: 'auto', index: { kind: 'flat', live: 12 } });

    const bad = cli('gallery', 'rebuild', '--index', 'foo');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--index must be one of flat, pq, hnsw, ivf, auto/);
    expect(cli('gallery', 'stats', '--index', 'hnsw').code).toBe(2);
    expect(cli('gallery', 'shrink').code).toBe(2);
  });
});
