import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedDataDir } from '../support/shared-data';
import { stationCli } from '../support/station-cli-runner';
import { makeTempDir } from '../support/temp-dir';

const tmp = makeTempDir();
const dataDir = join(tmp.dir, 'data');
const bbt = join(sharedDataDir(), 'small_identity_sets', 'faceapi_bbt');

afterAll(() => tmp.cleanup());

/** Runs the real `station` bin in plain Node, as a user or script would. */
const station = stationCli(dataDir);

type EnrollJson = {
  person: { id: string; name: string } | null;
  files: { file: string; status: string }[];
};
type IdentifyJson = {
  results: {
    file: string;
    faces: {
      box: number[];
      person: { name: string } | null;
      similarity: number;
      decision: string;
    }[];
    error?: { code: string };
  }[];
};

describe('station CLI (plain Node, real models, real data)', () => {
  it('refuses enrolment without --consent, writing nothing', () => {
    const r = station('enroll', '--name', 'Amy', join(bbt, 'amy', 'amy1.png'), '--json');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/consent/);
    const list = station('people', 'list', '--json');
    expect(list.json).toEqual({ people: [] });
  });

  it('enrols a person with a per-file status for every file', () => {
    const corrupt = join(tmp.dir, 'corrupt.jpg');
    writeFileSync(corrupt, Buffer.from('definitely not a jpeg'));
    const files = [
      join(bbt, 'amy', 'amy1.png'),
      join(bbt, 'amy', 'amy2.png'),
      join(bbt, 'amy', 'amy3.png'),
      join(sharedDataDir(), 'no_face', 'skimage_coffee.png'),
      join(sharedDataDir(), 'multi_face', 'face_recognition_two_people.jpg'),
      corrupt,
      join(tmp.dir, 'missing.jpg'),
    ];
    const r = station('enroll', '--name', 'Amy Farrah Fowler', '--consent', ...files, '--json');
    expect(r.code).toBe(0);
    const out = r.json as EnrollJson;
    expect(out.person?.name).toBe('Amy Farrah Fowler');
    expect(out.files.map((f) => f.status)).toEqual([
      'enrolled',
      'enrolled',
      'enrolled',
      'no_face',
      'multiple_faces',
      'unreadable',
      'unreadable',
    ]);
    expect(out.files.map((f) => f.file)).toEqual(files);
  });

  it('enrols a second person and lists both with template counts', () => {
    const files = [1, 2, 3].map((i) => join(bbt, 'penny', `penny${i}.png`));
    expect(station('enroll', '--name', 'Penny', '--consent', ...files, '--json').code).toBe(0);
    const list = station('people', 'list', '--json').json as {
      people: { name: string; templates: number }[];
    };
    expect(list.people.map((p) => [p.name, p.templates])).toEqual([
      ['Amy Farrah Fowler', 3],
      ['Penny', 3],
    ]);
  });

  it('identifies held-out photos: the enrolled person by name, a stranger as unknown', () => {
    const amy = join(bbt, 'amy', 'amy5.png');
    const raj = join(bbt, 'raj', 'raj1.png');
    const r = station('identify', amy, raj, '--json');
    expect(r.code).toBe(0);
    const [a, b] = (r.json as IdentifyJson).results;
    expect(a?.faces[0]).toMatchObject({
      decision: 'granted',
      person: { name: 'Amy Farrah Fowler' },
    });
    expect(a?.faces[0]?.box).toHaveLength(4);
    expect(b?.faces[0]).toMatchObject({ decision: 'unknown_face', person: null });
    expect(typeof b?.faces[0]?.similarity).toBe('number');
  });

  it('reports every face of a group photo and an error for an unreadable file (exit 1)', () => {
    const group = join(sharedDataDir(), 'multi_face', 'faceapi_bbt1.jpg');
    const r = station('identify', group, join(tmp.dir, 'nope.jpg'), '--json');
    expect(r.code).toBe(1);
    const [g, missing] = (r.json as IdentifyJson).results;
    expect(g?.faces.length).toBeGreaterThanOrEqual(2);
    expect(missing?.error?.code).toBe('UNREADABLE_IMAGE');
  });

  it('verifies 1:1 with the configured threshold', () => {
    const same = station(
      'verify',
      join(bbt, 'sheldon', 'sheldon1.png'),
      join(bbt, 'sheldon', 'sheldon2.png'),
      '--json',
    );
    const diff = station(
      'verify',
      join(bbt, 'sheldon', 'sheldon1.png'),
      join(bbt, 'leonard', 'leonard1.png'),
      '--json',
    );
    const s = same.json as { similarity: number; same: boolean; threshold: number };
    const d = diff.json as { similarity: number; same: boolean; threshold: number };
    expect(s.same).toBe(true);
    expect(d.same).toBe(false);
    expect(s.similarity).toBeGreaterThan(d.similarity);
    expect(s.threshold).toBe(d.threshold);
  });

  it('verify on an image without a face is an error, not "different"', () => {
    const r = station(
      'verify',
      join(bbt, 'amy', 'amy1.png'),
      join(sharedDataDir(), 'no_face', 'skimage_coffee.png'),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/No face found/);
  });

  it('prints human-readable text without --json', () => {
    const r = station('people', 'list');
    expect(r.stdout).toMatch(/Amy Farrah Fowler .*3 templates/);
  });

  it('rejects unknown commands with usage (exit 2)', () => {
    const r = station('frobnicate');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command/);
  });
});
