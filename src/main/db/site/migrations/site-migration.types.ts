import type { PoolClient } from 'pg';

/**
 * One step of the site schema (PostgreSQL), numbered like the station's SQLite migrations:
 * applied in order, each in its own transaction (PostgreSQL DDL is transactional, role
 * creation included), recorded in site.migrations. Never edit a released one: add the next.
 */
export interface SiteMigration {
  version: number;
  name: string;
  up(client: PoolClient): Promise<void>;
}
