import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnrollFileResult, EnrollResult } from '../../src/shared/domain';
import type { Station } from '../../src/main/core/station.service';
import { dataPaths } from '../../src/main/core/util/data-dir';
import { openStation } from '../../src/main/station-factory';
import { sharedDataPath } from '../support/shared-data';
import { stationCli } from '../support/station-cli-runner';
import { makeTempDir } from '../support/temp-dir';

/**
 * Duplicate check before an enrolment commits, with real faces: deepface_testset img1, 2, 4,
 * 5, 6, 7, 10 and 11 are one person (master.csv "Yes" pairs), img13 and img14 another.
 */
const photo = (n: number) => sharedDataPath('deepface_testset', `img${n}.jpg`);
const images = (...ns: number[]) =>
  ns.map((n) => ({ fileName: `img${n}.jpg`, bytes: readFileSync(photo(n)) }));

describe('duplicate check at enrolment (real faces, real gallery)', () => {
  const tmp = makeTempDir('station-duplicate-');
  let station: Station;
  let first: EnrollResult;

  beforeAll(async () => {
    station = await openStation({ dataDir: tmp.dir, mode: 'cli' });
    first = await station.intake.enroll({
      name: 'Original Name',
      consent: true,
      images: images(1, 2, 4),
      recordedBy: 'test',
    });
  });
  afterAll(() => {
    station?.close();
    tmp.cleanup();
  });

  const enroll = (name: string, ns: number[], extra: object = {}) =>
    station.intake.enroll({
      name,
      consent: true,
      images: images(...ns),
      recordedBy: 'test',
      ...extra,
    });

  function table(sql: string): unknown {
    const db = new Database(dataPaths(tmp.dir).database, { readonly: true });
    try {
      return db.prepare(sql).pluck().get();
    } finally {
      db.close();
    }
  }

  it('the same person under a second name is flagged and nothing is written', async () => {
    expect(first.person?.name).toBe('Original Name');
    const auditRows = table('SELECT count(*) FROM audit_events');
    const r = await enroll('Second Name', [5, 6]);
    expect(r.person).toBeNull();
    const flagged = r.files.filter((f) => f.status === 'duplicate_person');
    expect(flagged.length).toBeGreaterThanOrEqual(1);
    for (const f of flagged) {
      expect(f.duplicateOf).toMatchObject({ id: first.person?.id, name: 'Original Name' });
      expect(f.duplicateOf!.similarity).toBeGreaterThanOrEqual(
        station.info.status().thresholds.identify,
      );
      // What was found, not what to do: the screens give the actions as buttons/flags.
      expect(f.message).toBe(
        'The face matches Original Name, who is already enrolled. Nothing was enrolled.',
      );
    }
    // A photo below the threshold must not slip through as a second identity on its own.
    expect(r.files.every((f) => f.status === 'duplicate_person' || f.status === 'held')).toBe(true);
    expect(station.directory.list().map((p) => p.name)).toEqual(['Original Name']);
    expect(table('SELECT count(*) FROM templates')).toBe(3);
    expect(table('SELECT count(*) FROM audit_events')).toBe(auditRows);
  });

  it('a different person is not flagged', async () => {
    const r = await enroll('Someone Else', [13, 14]);
    expect(r.person?.name).toBe('Someone Else');
    expect(r.files.map((f) => f.status)).toEqual(['enrolled', 'enrolled']);
    expect(r.files.some((f) => f.duplicateOf)).toBe(false);
  });

  it('re-enrolment adds templates to the same person, with a new consent record', async () => {
    const id = first.person!.id;
    const r = await enroll('ignored', [7], { personId: id });
    expect(r.person).toEqual({ id, name: 'Original Name' });
    expect(r.files.map((f) => f.status)).toEqual(['enrolled']);
    expect(station.directory.find(id)[0]?.templates).toBe(4);
    expect(table(`SELECT count(*) FROM consents WHERE person_id = '${id}'`)).toBe(2);
    await expect(enroll('x', [7], { personId: 'no-such-person' })).rejects.toMatchObject({
      code: 'PERSON_NOT_FOUND',
    });
  });

  it('an explicit override enrols a look-alike as a different person, and says so', async () => {
    const r = await enroll('Second Name', [10], { allowDuplicate: true });
    expect(r.person?.name).toBe('Second Name');
    const [f] = r.files as [EnrollFileResult];
    expect(f.status).toBe('enrolled');
    expect(f.duplicateOf?.name).toBe('Original Name');
    expect(f.message).toMatch(/allowed as a different person/);
    expect(station.directory.list().map((p) => p.name)).toEqual([
      'Original Name',
      'Second Name',
      'Someone Else',
    ]);
    const details = table(
      "SELECT details FROM audit_events WHERE kind = 'enrolment' ORDER BY id DESC LIMIT 1",
    ) as string;
    expect(JSON.parse(details)).toMatchObject({ templates: 1, duplicatesAllowed: 1 });
  });
});

describe('duplicate check from the CLI', () => {
  const tmp = makeTempDir('station-duplicate-cli-');
  const station = stationCli(tmp.dir);
  afterAll(() => tmp.cleanup());

  type Json = { person: { id: string; name: string } | null; files: EnrollFileResult[] };

  it('flags, re-enrols with --add-to, and overrides with --allow-duplicate', () => {
    expect(station('enroll', '--name', 'Ada', '--consent', photo(1), photo(2)).code).toBe(0);
    const dup = station('enroll', '--name', 'Bea', '--consent', photo(5), '--json');
    expect(dup.code).toBe(1);
    const out = dup.json as Json;
    expect(out.person).toBeNull();
    expect(out.files[0]).toMatchObject({
      status: 'duplicate_person',
      duplicateOf: { name: 'Ada' },
    });
    const human = station('enroll', '--name', 'Bea', '--consent', photo(5));
    expect(human.stdout).toMatch(/Nothing enrolled: a face matches someone already enrolled/);
    expect(human.stdout).toMatch(/duplicate_person .*matches Ada/);
    const again = station('enroll', '--add-to', 'Ada', '--consent', photo(5), '--json');
    expect(again.code, again.stderr).toBe(0);
    expect((again.json as Json).person?.name).toBe('Ada');
    const forced = station(
      'enroll',
      '--name',
      'Bea',
      '--consent',
      '--allow-duplicate',
      photo(6),
      '--json',
    );
    expect(forced.code).toBe(0);
    expect((forced.json as Json).files[0]?.duplicateOf?.name).toBe('Ada');
    const people = station('people', 'list', '--json').json as {
      people: { name: string; templates: number }[];
    };
    expect(people.people.map((p) => [p.name, p.templates])).toEqual([
      ['Ada', 3],
      ['Bea', 1],
    ]);
    expect(station('enroll', '--name', 'X', '--add-to', 'Ada', '--consent', photo(7)).code).toBe(2);
  });
});
