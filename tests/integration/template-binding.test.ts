import Database from 'better-sqlite3';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImageBuffer, DEFAULT_DECODE_LIMITS } from '../../src/main/adapters/image-decoder';
import { faissIndexFactories } from '../../src/main/adapters/faiss-vector-index';
import { defaultModelsDir } from '../../src/main/core/models/model-verifier';
import type { Station } from '../../src/main/core/station.service';
import { createStation } from '../../src/main/composition/station-composition';
import { dataPaths } from '../../src/main/core/util/data-dir';
import type { FacePipeline } from '../../src/main/core/vision/face-pipeline';
import { StationError } from '../../src/shared/errors';
import { sharedDataPath } from '../support/shared-data';
import { stationCli } from '../support/station-cli-runner';
import { makeTempDir } from '../support/temp-dir';
import { loadFacePipeline } from '../../src/main/composition/onnx-models';

/**
 * Items 1 and 2 of issue 13, as someone with write access to the data folder but no key would
 * try them. The saved (sealed) index used to be trusted as long as the template set's ids were
 * unchanged: swapping `templates.person_id` between two people made one recognised as the
 * other, and a flipped or swapped template blob kept being served from the cached index, even
 * after a `gallery rebuild` had failed on it. Now every template is bound to its person when it
 * matches, and the index is never served over rows it does not cover.
 */
const bbt = (who: string, i: number) =>
  sharedDataPath('small_identity_sets', 'faceapi_bbt', who, `${who}${i}.png`);

let pipeline: FacePipeline;
const root = makeTempDir('station-binding-');
const seedDir = join(root.dir, 'seed');
let copies = 0;
let amyId = '';
let pennyId = '';

function open(dataDir: string): Station {
  return createStation({
    dataDir,
    mode: 'cli',
    modelsDir: defaultModelsDir(),
    analyzer: pipeline,
    decode: (bytes, name) => decodeImageBuffer(bytes, DEFAULT_DECODE_LIMITS, name),
    indexFactories: faissIndexFactories,
  });
}

function copyOfSeed(): string {
  const dir = join(root.dir, `copy-${++copies}`);
  cpSync(seedDir, dir, { recursive: true });
  return dir;
}

/** SQL on the database file, as someone with file access (not the station) would run it. */
function tamper(dataDir: string, sql: (db: Database.Database) => void): void {
  const db = new Database(dataPaths(dataDir).database);
  sql(db);
  db.close();
}

const swapPeople = (db: Database.Database) =>
  db
    .prepare(
      `UPDATE templates SET person_id = CASE person_id WHEN @a THEN @b WHEN @b THEN @a END
       WHERE person_id IN (@a, @b)`,
    )
    .run({ a: amyId, b: pennyId });

/** Flips one bit in the sealed blob of every template of `personId`. */
function flipBlobsOf(personId: string) {
  return (db: Database.Database) => {
    const rows = db
      .prepare<[string], { id: number; vector: Buffer }>(
        'SELECT id, vector FROM templates WHERE person_id = ?',
      )
      .all(personId);
    const set = db.prepare('UPDATE templates SET vector = ? WHERE id = ?');
    for (const r of rows) {
      r.vector.writeUInt8(r.vector.readUInt8(100) ^ 0x01, 100);
      set.run(r.vector, r.id);
    }
  };
}

async function identify(station: Station, who: string) {
  return station.recognition.identify(readFileSync(bbt(who, 4)), `${who}4`);
}

async function tamperedError(run: () => Promise<unknown>): Promise<StationError> {
  const result = await run().then(
    (value) => ({ value }),
    (err: unknown) => ({ err }),
  );
  if ('value' in result)
    throw new Error(`expected TEMPLATE_TAMPERED, got ${JSON.stringify(result.value)}`);
  expect(result.err).toBeInstanceOf(StationError);
  expect((result.err as StationError).code).toBe('TEMPLATE_TAMPERED');
  return result.err as StationError;
}

beforeAll(async () => {
  pipeline = await loadFacePipeline(defaultModelsDir());
  const station = open(seedDir);
  try {
    for (const who of ['amy', 'penny']) {
      const images = [1, 2, 3].map((i) => ({
        fileName: `${who}${i}`,
        bytes: readFileSync(bbt(who, i)),
      }));
      const r = await station.intake.enroll({
        name: who,
        consent: true,
        images,
        recordedBy: 'test',
      });
      if (who === 'amy') amyId = r.person!.id;
      else pennyId = r.person!.id;
    }
    // Positive control: both are recognised before anything is touched.
    expect((await identify(station, 'amy'))[0]).toMatchObject({
      decision: 'granted',
      person: { name: 'amy' },
    });
    expect((await identify(station, 'penny'))[0]).toMatchObject({
      decision: 'granted',
      person: { name: 'penny' },
    });
  } finally {
    station.close();
  }
}, 300_000);
afterAll(() => root.cleanup());

describe('item 1: templates bound to their person when they match', () => {
  it('person ids swapped in the file: the next start does not recognise Amy as Penny', async () => {
    const dir = copyOfSeed();
    tamper(dir, swapPeople);
    const station = open(dir);
    try {
      const err = await tamperedError(() => identify(station, 'amy'));
      expect(err.message).toMatch(/template \d+/);
      expect(station.galleryReport.tampered.length).toBeGreaterThan(0);
    } finally {
      station.close();
    }
  });

  it('person ids swapped under a running station: it stops instead of answering', async () => {
    const dir = copyOfSeed();
    const station = open(dir);
    try {
      expect((await identify(station, 'amy'))[0]?.person?.name).toBe('amy');
      tamper(dir, swapPeople);
      await tamperedError(() => identify(station, 'amy'));
      // Recognition stays stopped for everyone until the rows are dealt with.
      await tamperedError(() => identify(station, 'penny'));
    } finally {
      station.close();
    }
  });
});

describe('item 2: a tampered blob is never served from the cached index', () => {
  it('blobs flipped in the file: the next start does not serve them from the saved index', async () => {
    const dir = copyOfSeed();
    tamper(dir, flipBlobsOf(amyId));
    const station = open(dir);
    try {
      const err = await tamperedError(() => identify(station, 'amy'));
      expect(err.message).toMatch(/failed its integrity check/);
    } finally {
      station.close();
    }
  });

  it('a failed `gallery rebuild` stops recognition, in new processes and in a running station', async () => {
    const dir = copyOfSeed();
    const running = open(dir);
    try {
      expect((await identify(running, 'penny'))[0]?.person?.name).toBe('penny');
      tamper(dir, flipBlobsOf(amyId));
      const cli = stationCli(dir);
      const rebuild = cli('gallery', 'rebuild');
      expect(rebuild.code, rebuild.stdout + rebuild.stderr).toBe(1);
      expect(rebuild.stderr).toMatch(/TEMPLATE_TAMPERED/);
      // A new process does not answer from the index the failed rebuild left behind...
      const later = cli('identify', bbt('penny', 4));
      expect(later.code).toBe(1);
      expect(later.stderr).toMatch(/TEMPLATE_TAMPERED/);
      // ...nor does the station that was already running.
      await tamperedError(() => identify(running, 'penny'));
    } finally {
      running.close();
    }
  });

  it('erasing the person whose rows were tampered with lets recognition resume', async () => {
    const dir = copyOfSeed();
    tamper(dir, flipBlobsOf(amyId));
    const station = open(dir);
    try {
      await tamperedError(() => identify(station, 'amy'));
      const report = station.eraser.erasePerson(amyId);
      expect(report.templates).toBe(3);
      expect(station.info.status().templates).toBe(3);
      expect((await identify(station, 'penny'))[0]).toMatchObject({
        decision: 'granted',
        person: { name: 'penny' },
      });
    } finally {
      station.close();
    }
  });
});
