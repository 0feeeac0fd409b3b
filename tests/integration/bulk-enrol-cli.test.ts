import Database from 'better-sqlite3';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dataPaths } from '../../src/main/core/util/data-dir';
import { sharedDataPath } from '../support/shared-data';
import { stationCli } from '../support/station-cli-runner';
import { makeTempDir } from '../support/temp-dir';

interface RowResult {
  line: number;
  employeeId: string | null;
  name: string;
  status: string;
  message: string | null;
  files: { file: string; status: string }[];
}
interface BulkOut {
  rows: RowResult[];
  counts: Record<string, number>;
}

const BBT = ['amy', 'bernadette', 'howard', 'leonard', 'penny', 'raj', 'sheldon', 'stuart'];
const knn = (...p: string[]) =>
  sharedDataPath('small_identity_sets', 'face_recognition_knn', 'train', ...p);

/**
 * `station enroll --csv FILE` through the real bin on real photos: a list of good rows and bad
 * rows (a missing file, a photo with no face, a group photo, a row without a name) gives each
 * row its own result and loses nothing; a run cut short and re-run with the whole list resumes
 * (rows enrolled before are skipped, by employee id or, without one, by name and face) and
 * never enrols anyone twice.
 */
describe('station enroll --csv (bulk enrolment, resumable)', () => {
  const tmp = makeTempDir('station-bulk-');
  const dataDir = join(tmp.dir, 'data');
  const listDir = join(tmp.dir, 'lists');
  const cli = stationCli(dataDir);
  afterAll(() => tmp.cleanup());

  // Paths relative to the CSV's folder, as an HR export next to its photos would have them.
  const rel = (abs: string) => relative(listDir, abs);
  const bbt = (who: string, i: number) =>
    rel(sharedDataPath('small_identity_sets', 'faceapi_bbt', who, `${who}${i}.png`));
  const lines = [
    'employee_id,name,photo paths,groups',
    ...BBT.map(
      (who, i) =>
        `E10${i},${who},${bbt(who, 1)};${bbt(who, 2)};${bbt(who, 3)},${i % 2 ? 'staff' : 'staff;lab'}`,
    ),
    `,obama,${rel(knn('obama', 'obama.jpg'))};${rel(knn('obama', 'obama2.jpg'))},`,
    `E200,Biden,${rel(knn('biden', 'biden.jpg'))};missing/biden3.jpg,staff`,
    'E201,Ghost,missing/ghost.jpg,',
    `E202,Horse,${rel(sharedDataPath('no_face', 'faceapi_white.png'))},`,
    `E203,Group,${rel(sharedDataPath('multi_face', 'human_group-1.jpg'))},`,
    `E204,,${bbt('amy', 4)},`,
  ];
  const writeList = (name: string, rows: string[]) => {
    const file = join(listDir, name);
    writeFileSync(file, `${rows.join('\r\n')}\r\n`);
    return file;
  };
  const enrolmentRows = () => {
    const db = new Database(dataPaths(dataDir).database, { readonly: true });
    try {
      return {
        people: db.prepare('SELECT count(*) FROM people').pluck().get(),
        enrolments: db
          .prepare("SELECT count(*) FROM audit_events WHERE kind = 'enrolment'")
          .pluck()
          .get(),
        groups: db
          .prepare("SELECT count(*) FROM person_groups WHERE group_name = 'lab'")
          .pluck()
          .get(),
      };
    } finally {
      db.close();
    }
  };

  it('a run cut short, then the whole list: each row its own result, nothing twice', () => {
    mkdirSync(listDir, { recursive: true });
    const partial = cli(
      'enroll',
      '--csv',
      '--consent',
      '--json',
      writeList('first.csv', lines.slice(0, 4)),
    );
    expect(partial.code).toBe(0);
    const first = partial.json as BulkOut;
    expect(first.rows.map((r) => [r.name, r.status])).toEqual([
      ['amy', 'enrolled'],
      ['bernadette', 'enrolled'],
      ['howard', 'enrolled'],
    ]);
    expect(enrolmentRows()).toMatchObject({ people: 3, enrolments: 3 });

    const full = cli('enroll', '--csv', '--consent', '--json', writeList('all.csv', lines));
    // Some rows cannot be enrolled: the run says so by its exit code, after doing all others.
    expect(full.code).toBe(1);
    const out = full.json as BulkOut;
    const byName = new Map(out.rows.map((r) => [r.name, r]));
    for (const who of BBT.slice(0, 3)) expect(byName.get(who)?.status).toBe('already_enrolled');
    for (const who of [...BBT.slice(3), 'obama']) expect(byName.get(who)?.status).toBe('enrolled');
    // One photo missing: enrolled from the other, and the missing one is reported by name.
    expect(byName.get('Biden')).toMatchObject({
      status: 'enrolled',
      files: [{ status: 'enrolled' }, { file: 'missing/biden3.jpg', status: 'unreadable' }],
    });
    expect(byName.get('Ghost')).toMatchObject({
      status: 'failed',
      message: 'No listed photo could be read.',
      files: [{ file: 'missing/ghost.jpg', status: 'unreadable' }],
    });
    expect(byName.get('Horse')).toMatchObject({ status: 'failed', files: [{ status: 'no_face' }] });
    expect(byName.get('Group')).toMatchObject({
      status: 'failed',
      files: [{ status: 'multiple_faces' }],
    });
    expect(out.rows.find((r) => r.employeeId === 'E204')).toMatchObject({
      line: 15,
      status: 'invalid',
      message: 'The name is empty.',
    });
    expect(out.counts).toEqual({ enrolled: 7, already_enrolled: 3, failed: 3, invalid: 1 });
    expect(enrolmentRows()).toEqual({ people: 10, enrolments: 10, groups: 4 });
  });

  it('the same list again enrols nobody: by employee id, or by name and face without one', () => {
    const again = cli('enroll', '--csv', '--consent', '--json', join(listDir, 'all.csv'));
    const out = again.json as BulkOut;
    expect(out.counts).toEqual({ enrolled: 0, already_enrolled: 10, failed: 3, invalid: 1 });
    expect(out.rows.find((r) => r.name === 'obama')).toMatchObject({
      status: 'already_enrolled',
      message: 'obama is already enrolled with this face.',
    });
    expect(enrolmentRows()).toEqual({ people: 10, enrolments: 10, groups: 4 });
  });

  it('shows progress as files finish, and refuses a list without consent', () => {
    const human = cli('enroll', '--csv', '--consent', join(listDir, 'first.csv'));
    expect(human.stderr).toMatch(/\[3\/9 files, 1\/3 people\] line 2 amy: already_enrolled/);
    expect(human.stdout).toMatch(/0 enrolled, 3 already enrolled, 0 failed, 0 invalid rows/);
    const noConsent = cli('enroll', '--csv', join(listDir, 'first.csv'));
    expect(noConsent.code).toBe(2);
    expect(noConsent.stderr).toMatch(/--consent/);
  });
});
