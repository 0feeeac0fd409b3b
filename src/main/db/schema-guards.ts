import Database from 'better-sqlite3';
import { electronSqliteBinding } from '../adapters/native-paths';
import type { TriggerFindings, TriggerGuard } from '../core/ports/storage';
import type { Db } from './sqlite';

import { LATEST_VERSION, migrate } from './migrations';

export type { TriggerFindings };

let canonical: Map<string, string> | null = null;

/**
 * The triggers a database migrated by this app has (name -> CREATE statement), taken from the
 * migrations themselves run on an in-memory database once per process: whatever a migration
 * adds is expected without a second list to keep in step.
 */
export function expectedTriggers(): Map<string, string> {
  if (canonical) return canonical;
  const nativeBinding = electronSqliteBinding();
  const mem = new Database(':memory:', nativeBinding ? { nativeBinding } : {});
  try {
    migrate(mem, LATEST_VERSION, {
      // An empty schema needs no keys (0020 and 0040 only use them for existing rows).
      auditMac: () => {
        throw new Error('an empty schema has no audit rows to chain');
      },
      templateSealer: () => {
        throw new Error('an empty schema has no templates to seal');
      },
      auditAnchor: () => null,
    });
    canonical = triggersOf(mem);
  } finally {
    mem.close();
  }
  return canonical;
}

function triggersOf(db: Db): Map<string, string> {
  const rows = db
    .prepare<[], { name: string; sql: string }>(
      "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name",
    )
    .all();
  return new Map(rows.map((r) => [r.name, r.sql]));
}

/**
 * Compares the database's triggers with the canonical ones. They keep our own code from
 * rewriting the audit log (append-only) and its guards; someone with file access can drop
 * them (and the MAC chain still catches what they then change), but a station that keeps
 * running without them has lost a guard, and dropping them is worth knowing about.
 */
export function checkTriggers(db: Db): TriggerFindings {
  const want = expectedTriggers();
  const have = triggersOf(db);
  return {
    missing: [...want.keys()].filter((n) => !have.has(n)),
    altered: [...want.keys()].filter((n) => have.has(n) && have.get(n) !== want.get(n)),
    unexpected: [...have.keys()].filter((n) => !want.has(n)),
  };
}

/** Puts the canonical triggers back (and drops unknown ones), in one transaction. */
export function restoreTriggers(db: Db, f: TriggerFindings): void {
  const want = expectedTriggers();
  db.transaction(() => {
    for (const name of [...f.altered, ...f.unexpected])
      db.exec(`DROP TRIGGER "${name.replace(/"/g, '""')}"`);
    for (const name of [...f.missing, ...f.altered]) db.exec(want.get(name)!);
  })();
}

export function hasFindings(f: TriggerFindings): boolean {
  return f.missing.length + f.altered.length + f.unexpected.length > 0;
}

/** Core's view of this database's guard triggers (checked and restored at every start). */
export function sqliteTriggerGuard(db: Db): TriggerGuard {
  return { check: () => checkTriggers(db), restore: (f) => restoreTriggers(db, f) };
}
