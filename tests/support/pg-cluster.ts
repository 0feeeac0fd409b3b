import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  destroyCluster,
  startCluster,
  stopCluster,
  type ClusterInfo,
} from '../../scripts/site/pg-cluster';

export interface TestCluster {
  info: ClusterInfo;
  /** Superuser URL of a database created for the caller. */
  adminUrl: (database?: string) => string;
  /** A fresh database (CREATE DATABASE) for one test's site. */
  createDatabase: (name: string) => Promise<string>;
  stop: (mode?: 'fast' | 'immediate') => void;
  start: () => Promise<void>;
  destroy: () => void;
}

/**
 * A throwaway PostgreSQL for one test file, started by the project's own script
 * (scripts/site/pg-cluster.ts: Debian's binaries, as the postgres user when we are root) in a
 * temporary folder on a free loopback port. Real PostgreSQL, no mocks.
 */
export async function startTestCluster(opts: { tls?: boolean } = {}): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'station-pg-'));
  // The server user walks into the folder to reach its data directory.
  chmodSync(dir, 0o755);
  const info = await startCluster({ dir: join(dir, 'cluster'), tls: opts.tls ?? false });
  return {
    info,
    adminUrl: (db = 'postgres') => info.adminUrl(db),
    async createDatabase(name) {
      await startCluster({ dir: info.dir, databases: [name] });
      return info.adminUrl(name);
    },
    stop: (mode = 'fast') => stopCluster(info.dir, mode),
    start: async () => {
      await startCluster({ dir: info.dir });
    },
    destroy: () => {
      destroyCluster(info.dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
