import type Database from 'better-sqlite3';
import type { Migration } from './migration.types';

/**
 * A person's employee id (unique ignoring case, so a bulk import can resume), groups and personal
 * schedule, stored with the person so erasure removes them. Policy entries keyed by person id are
 * moved here so the admin edits one place; a policy that is not the expected object is left alone.
 */
export const migration0220: Migration = {
  version: 220,
  name: 'people-profile',
  up(db) {
    db.exec(`
      ALTER TABLE people ADD COLUMN employee_id TEXT;
      ALTER TABLE people ADD COLUMN schedule TEXT;
      CREATE UNIQUE INDEX people_employee_id ON people(employee_id COLLATE NOCASE)
        WHERE employee_id IS NOT NULL;
      CREATE TABLE person_groups (
        person_id   TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        group_name  TEXT NOT NULL,
        PRIMARY KEY (person_id, group_name)
      ) WITHOUT ROWID;
      CREATE INDEX person_groups_group ON person_groups(group_name);
    `);
    movePolicyMemberships(db);
  },
};

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function movePolicyMemberships(db: Database.Database): void {
  const row = db
    .prepare<[], { value: string }>("SELECT value FROM settings WHERE key = 'access_policy'")
    .get();
  if (!row) return;
  let policy: unknown;
  try {
    policy = JSON.parse(row.value);
  } catch {
    return;
  }
  if (!isObject(policy) || !isObject(policy.groups) || !isObject(policy.personSchedules)) return;
  const exists = db.prepare<[string], { id: string }>('SELECT id FROM people WHERE id = ?');
  const addGroup = db.prepare(
    'INSERT OR IGNORE INTO person_groups (person_id, group_name) VALUES (?, ?)',
  );
  for (const [group, members] of Object.entries(policy.groups)) {
    if (!Array.isArray(members)) continue;
    for (const id of members) if (typeof id === 'string' && exists.get(id)) addGroup.run(id, group);
  }
  const setSchedule = db.prepare('UPDATE people SET schedule = ? WHERE id = ?');
  for (const [id, schedule] of Object.entries(policy.personSchedules))
    if (typeof schedule === 'string') setSchedule.run(schedule, id);
  const moved = { ...policy, groups: {}, personSchedules: {} };
  db.prepare("UPDATE settings SET value = ? WHERE key = 'access_policy'").run(
    JSON.stringify(moved),
  );
}
