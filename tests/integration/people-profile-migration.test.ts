import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { withinSchedule } from '../../src/main/core/access/access-schedule';
import {
  DEFAULT_ACCESS_POLICY,
  accessPolicySchema,
} from '../../src/main/core/access/access-policy.schema';
import { dataPaths } from '../../src/main/core/util/data-dir';
import { PeopleRepository } from '../../src/main/db/people.repository';
import { makeTempDir } from '../support/temp-dir';
import { migrate } from '../../src/main/composition/station-database';

/**
 * Migration 0160 -> 0220 on a real file: group memberships and personal schedules that were
 * written into the access policy (keyed by person id) move to the people table for people that
 * exist, the stored policy keeps its schedules but no longer its id lists, the door's schedule
 * check gives the same answer before and after, employee ids are unique without regard to case,
 * and erasure removes the person's groups.
 */
const POLICY = {
  ...DEFAULT_ACCESS_POLICY,
  timeZone: 'Europe/Berlin',
  schedules: {
    office: [{ days: [1, 2, 3, 4, 5], from: '08:00', to: '18:00' }],
    night: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '20:00', to: '23:00' }],
  },
  groups: { staff: ['p-ada', 'p-gone'], cleaners: ['p-bob'] },
  groupSchedules: { staff: 'office', cleaners: 'night' },
  personSchedules: { 'p-cy': 'night', 'p-gone': 'office' },
};

describe('migration 0220 (people profile: employee id, groups, personal schedule)', () => {
  const tmp = makeTempDir('station-0220-');
  afterAll(() => tmp.cleanup());

  it('moves policy memberships of existing people into the people table, decisions unchanged', () => {
    const db = new Database(dataPaths(tmp.dir).database);
    try {
      migrate(db, 160);
      const addPerson = db.prepare('INSERT INTO people (id, name, created_at) VALUES (?, ?, ?)');
      for (const [id, name] of [
        ['p-ada', 'Ada'],
        ['p-bob', 'Bob'],
        ['p-cy', 'Cy'],
      ] as const)
        addPerson.run(id, name, '2026-11-01T00:00:00.000Z');
      db.prepare("INSERT INTO settings (key, value) VALUES ('access_policy', ?)").run(
        JSON.stringify(POLICY),
      );
      const before = accessPolicySchema.parse(POLICY);
      // Monday 2026-12-07 at 09:00 and 21:00 in Berlin.
      const times = [new Date('2026-12-07T08:00:00Z'), new Date('2026-12-07T20:00:00Z')];
      const answer = (id: string, f: (id: string, at: Date) => boolean) =>
        times.map((t) => f(id, t));
      const oldAnswers = ['p-ada', 'p-bob', 'p-cy'].map((id) =>
        answer(id, (p, at) => withinSchedule(before, p, at)),
      );

      migrate(db, 220);
      expect(db.pragma('user_version', { simple: true })).toBe(220);
      const people = new PeopleRepository(db);
      expect(people.accessProfile('p-ada')).toEqual({ schedule: null, groups: ['staff'] });
      expect(people.accessProfile('p-bob')).toEqual({ schedule: null, groups: ['cleaners'] });
      expect(people.accessProfile('p-cy')).toEqual({ schedule: 'night', groups: [] });
      // The erased person's entries named nobody and are gone.
      expect(
        db.prepare("SELECT count(*) FROM person_groups WHERE person_id = 'p-gone'").pluck().get(),
      ).toBe(0);
      const stored = JSON.parse(
        db
          .prepare("SELECT value FROM settings WHERE key = 'access_policy'")
          .pluck()
          .get() as string,
      ) as typeof POLICY;
      expect(stored.groups).toEqual({});
      expect(stored.personSchedules).toEqual({});
      expect(stored.schedules).toEqual(POLICY.schedules);
      expect(stored.groupSchedules).toEqual(POLICY.groupSchedules);

      const after = accessPolicySchema.parse(stored);
      const newAnswers = ['p-ada', 'p-bob', 'p-cy'].map((id) =>
        answer(id, (p, at) => withinSchedule(after, p, at, people.accessProfile(p))),
      );
      expect(newAnswers).toEqual(oldAnswers);
      expect(oldAnswers).toEqual([
        [true, false],
        [false, true],
        [false, true],
      ]);
    } finally {
      db.close();
    }
  });

  it('keeps employee ids unique without regard to case and erases groups with the person', () => {
    const other = makeTempDir('station-0220b-');
    const db = new Database(dataPaths(other.dir).database);
    try {
      migrate(db, 220);
      const people = new PeopleRepository(db);
      const consent = { textVersion: 'v1', purpose: 't', grantedAt: 't', recordedBy: 't' };
      people.create('p1', 'Ada', 't', consent, { employeeId: 'E0042', groups: ['lab', 'staff'] });
      expect(() => people.create('p2', 'Bob', 't', consent, { employeeId: 'e0042' })).toThrow(
        /UNIQUE/,
      );
      expect(people.findByEmployeeId('e0042')?.id).toBe('p1');
      expect(people.findById('p1')).toMatchObject({
        employeeId: 'E0042',
        groups: ['lab', 'staff'],
      });
      people.delete('p1');
      expect(db.prepare('SELECT count(*) FROM person_groups').pluck().get()).toBe(0);
    } finally {
      db.close();
      other.cleanup();
    }
  });
});
