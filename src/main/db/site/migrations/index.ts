import type { Pool } from 'pg';
import { StationError } from '../../../../shared/errors';
import { inTransaction } from '../site-pool';
import { siteMigration0010 } from './0010-site-directory';
import { siteMigration0020 } from './0020-site-audit';
import { siteMigration0030 } from './0030-site-station-api';
import { siteMigration0040 } from './0040-site-audit-api';
import { siteMigration0050 } from './0050-site-person-profile';
import { siteMigration0060 } from './0060-site-template-inline';
import type { SiteMigration } from './site-migration.types';

/** Ordered registry of the site schema: append only, never edit a released migration. */
export const SITE_MIGRATIONS: readonly SiteMigration[] = [
  siteMigration0010,
  siteMigration0020,
  siteMigration0030,
  siteMigration0040,
  siteMigration0050,
  siteMigration0060,
];

export const SITE_LATEST_VERSION = SITE_MIGRATIONS[SITE_MIGRATIONS.length - 1]?.version ?? 0;

/** Any number: every migrating process takes the same advisory lock, so two never interleave. */
const MIGRATION_LOCK = 0x5173_7465;

/**
 * Brings the site schema up to `target` (default: the newest), each migration in its own
 * transaction under an advisory lock; refuses a schema newer than this app (DB_TOO_NEW).
 * Runs as the site's owner (`station site init`), never as a station.
 */
export async function migrateSite(pool: Pool, target = SITE_LATEST_VERSION): Promise<number> {
  await inTransaction(pool, async (c) => {
    await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await c.query(`
      CREATE SCHEMA IF NOT EXISTS site;
      CREATE TABLE IF NOT EXISTS site.migrations (
        version     integer PRIMARY KEY,
        name        text NOT NULL,
        applied_at  timestamptz NOT NULL DEFAULT now()
      );`);
  });
  const current = await siteSchemaVersion(pool);
  if (current > SITE_LATEST_VERSION) {
    throw new StationError(
      'DB_TOO_NEW',
      `The site schema is at version ${current}, newer than this app supports (${SITE_LATEST_VERSION}). Update the app.`,
    );
  }
  for (const m of SITE_MIGRATIONS) {
    if (m.version > target) break;
    await inTransaction(pool, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const done = await c.query('SELECT 1 FROM site.migrations WHERE version = $1', [m.version]);
      if (done.rowCount !== 0) return;
      await m.up(c);
      await c.query('INSERT INTO site.migrations (version, name) VALUES ($1, $2)', [
        m.version,
        m.name,
      ]);
    });
  }
  return siteSchemaVersion(pool);
}

/** The newest applied site migration (0 = none). */
export async function siteSchemaVersion(pool: Pool): Promise<number> {
  const r = await pool.query<{ v: number | null }>(
    `SELECT CASE WHEN to_regclass('site.migrations') IS NULL THEN 0
       ELSE (SELECT coalesce(max(version), 0) FROM site.migrations) END AS v`,
  );
  return r.rows[0]?.v ?? 0;
}
