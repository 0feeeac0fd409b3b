import { Pool, type PoolClient, type PoolConfig } from 'pg';
import { toSiteError } from './site-errors';

export interface SitePoolOptions {
  /** postgres://user:password@host:port/database[?sslmode=verify-full&sslrootcert=FILE] */
  url: string;
  /** Connections kept by this process (a station needs 2: its sync loop and one review read). */
  max?: number;
  /** Shown in pg_stat_activity: which station or tool a connection belongs to. */
  applicationName?: string;
  /** TLS settings beyond the URL's (e.g. a CA given as bytes); see node-postgres `ssl`. */
  ssl?: PoolConfig['ssl'];
}

/**
 * A pooled connection to the site's PostgreSQL. Timeouts are short on purpose: a station asks
 * the site in the background and decides locally meanwhile, so an unreachable or hung server
 * must fail a sync attempt quickly (SITE_UNAVAILABLE) rather than pile up waiting queries.
 * TLS comes from the URL (`sslmode`, `sslrootcert`) or `ssl`; nothing is sent in clear text
 * when the URL asks for verify-full.
 */
export function createSitePool(opts: SitePoolOptions): Pool {
  const pool = new Pool({
    connectionString: opts.url,
    max: opts.max ?? 2,
    application_name: opts.applicationName ?? 'face-access-station',
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: 60_000,
    query_timeout: 90_000,
    keepAlive: true,
    ...(opts.ssl === undefined ? {} : { ssl: opts.ssl }),
  });
  // An idle connection dropped by the server (restart, failover) is reported here; without a
  // listener node-postgres would crash the process. The next query simply reconnects.
  pool.on('error', () => undefined);
  return pool;
}

/** Runs `fn` in one transaction on one pooled connection; site errors become StationErrors. */
export async function inTransaction<T>(pool: Pool, fn: (c: PoolClient) => Promise<T>): Promise<T> {
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    throw toSiteError(err);
  }
  let broken = false;
  try {
    await client.query('BEGIN');
    const value = await fn(client);
    await client.query('COMMIT');
    return value;
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch {
      broken = true;
    }
    throw toSiteError(err);
  } finally {
    client.release(broken);
  }
}

/** One query on any pooled connection; site errors become StationErrors. */
export async function siteQuery<R extends object>(
  pool: Pool,
  name: string,
  text: string,
  values: unknown[] = [],
): Promise<R[]> {
  try {
    const result = await pool.query<R>({ name, text, values });
    return result.rows;
  } catch (err) {
    throw toSiteError(err);
  }
}
