/**
 * A PostgreSQL cluster of the project's own, in one folder: Debian's `postgresql` binaries
 * (initdb, pg_ctl), listening on 127.0.0.1 and a unix socket inside the folder, with a
 * password-protected superuser. Used by `npm run site:pg` (development), the site tests (each
 * file starts a throwaway cluster in a temporary folder) and bench/site-scale.ts.
 *
 * PostgreSQL refuses to run as root, and CI runs as root: then the server runs as the
 * unprivileged `postgres` user the Debian package creates (`runuser -u postgres --`), and the
 * folders it writes are handed to that user. Everything else (the admin password, the
 * cluster.json the callers read) stays with the caller.
 *
 * Layout of DIR: data/ (PGDATA, 0700), run/ (the socket), log/server.log, cluster.json,
 * admin.password (0600), and with TLS root.crt (the self-signed server certificate to trust).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';

export const ADMIN_USER = 'station_site_admin';

export interface ClusterInfo {
  dir: string;
  port: number;
  host: '127.0.0.1';
  socketDir: string;
  tls: boolean;
  /** Superuser URL for the given database (default `postgres`). */
  adminUrl: (database?: string) => string;
  /** The server certificate clients should trust (TLS clusters only). */
  rootCert: string | null;
}

interface ClusterFile {
  port: number;
  tls: boolean;
  version: number;
}

export interface StartOptions {
  dir: string;
  /** Default: the port recorded in DIR, else a free one. */
  port?: number;
  /** Serve TLS with a self-signed certificate for localhost / 127.0.0.1. */
  tls?: boolean;
  /** Databases to create if missing. */
  databases?: string[];
  log?: (line: string) => void;
}

/** Debian installs the server binaries outside PATH: /usr/lib/postgresql/<major>/bin. */
export function postgresBinDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.STATION_PG_BIN) return env.STATION_PG_BIN;
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'initdb')))
        .map(Number)
        .sort((a, b) => b - a)
    : [];
  const major = majors[0];
  if (major === undefined) {
    throw new Error(
      "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin (install Debian's " +
        '`postgresql` package: bash scripts/setup/apt-packages.sh), or set STATION_PG_BIN',
    );
  }
  if (major < 15) throw new Error(`PostgreSQL ${major} found; the site store needs 15 or newer`);
  return join(root, String(major), 'bin');
}

const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

/** The uid/gid the server runs as: `postgres` when we are root, else ourselves. */
function serverUser(): { uid: number; gid: number; name: string } | null {
  if (!isRoot()) return null;
  const out = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (out.status !== 0 || gid.status !== 0) {
    throw new Error(
      "running as root, and PostgreSQL refuses to: the `postgres` user (created by Debian's " +
        'postgresql package) is missing',
    );
  }
  return { uid: Number(out.stdout.trim()), gid: Number(gid.stdout.trim()), name: 'postgres' };
}

/** Runs a server binary as the server user; throws with its output on failure. */
function runAsServer(bin: string, args: string[], quiet = false): string {
  const user = serverUser();
  const file = join(postgresBinDir(), bin);
  const [cmd, argv] = user ? ['runuser', ['-u', user.name, '--', file, ...args]] : [file, args];
  const r = spawnSync(cmd, argv, { encoding: 'utf8', cwd: '/' });
  if (r.status !== 0 && !quiet) {
    throw new Error(`${bin} ${args.join(' ')} failed (exit ${r.status}): ${r.stderr || r.stdout}`);
  }
  return `${r.stdout}${r.stderr}`;
}

/** A folder the server user owns (mode 0700), creating it. */
function serverOwnedDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  const user = serverUser();
  if (user) chownSync(path, user.uid, user.gid);
  chmodSync(path, 0o700);
}

/** The server user must be able to walk down to DIR: say so instead of a cryptic initdb error. */
function checkTraversable(dir: string): void {
  if (!serverUser()) return;
  for (let p = dir; p !== dirname(p); p = dirname(p)) {
    const parent = dirname(p);
    // Folders not made yet are created world-searchable (0755) by initCluster.
    if (!existsSync(parent)) continue;
    if ((statSync(parent).mode & 0o001) === 0) {
      throw new Error(
        `the postgres user cannot enter ${parent} (no search permission for others); ` +
          'choose a cluster folder under /tmp or a world-searchable folder',
      );
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

function paths(dir: string) {
  return {
    data: join(dir, 'data'),
    run: join(dir, 'run'),
    log: join(dir, 'log'),
    logFile: join(dir, 'log', 'server.log'),
    file: join(dir, 'cluster.json'),
    password: join(dir, 'admin.password'),
    rootCert: join(dir, 'root.crt'),
  };
}

function info(dir: string, c: ClusterFile): ClusterInfo {
  const p = paths(dir);
  const password = encodeURIComponent(readFileSync(p.password, 'utf8').trim());
  const ssl = c.tls ? `?sslmode=verify-full&sslrootcert=${encodeURIComponent(p.rootCert)}` : '';
  return {
    dir,
    port: c.port,
    host: '127.0.0.1',
    socketDir: p.run,
    tls: c.tls,
    adminUrl: (db = 'postgres') =>
      `postgres://${ADMIN_USER}:${password}@127.0.0.1:${c.port}/${encodeURIComponent(db)}${ssl}`,
    rootCert: c.tls ? p.rootCert : null,
  };
}

function initCluster(dir: string, log: (l: string) => void): void {
  const p = paths(dir);
  // Every folder made here (the default .pg/site makes two) is 0755 whatever the umask: the
  // server user walks through them to its data directory.
  const first = mkdirSync(dir, { recursive: true });
  if (first) for (let d = dir; d.startsWith(first); d = dirname(d)) chmodSync(d, 0o755);
  // The server user reads the password file once, at initdb; it is ours (0600) afterwards.
  writeFileSync(p.password, `${randomBytes(18).toString('base64url')}\n`, { mode: 0o600 });
  const user = serverUser();
  const pwfile = join(dir, `initdb-${process.pid}.pw`);
  writeFileSync(pwfile, readFileSync(p.password), { mode: 0o600 });
  if (user) chownSync(pwfile, user.uid, user.gid);
  serverOwnedDir(p.data);
  try {
    log(`[pg] initdb ${p.data}`);
    runAsServer('initdb', [
      '-D',
      p.data,
      '-U',
      ADMIN_USER,
      `--pwfile=${pwfile}`,
      '--auth-local=scram-sha-256',
      '--auth-host=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C',
      '--no-instructions',
    ]);
  } finally {
    rmSync(pwfile, { force: true });
  }
}

/** A self-signed certificate for localhost and 127.0.0.1, placed where the server reads it. */
function makeCertificate(dir: string): void {
  const p = paths(dir);
  const key = join(p.data, 'server.key');
  const crt = join(p.data, 'server.crt');
  const ext = join(dir, `san-${process.pid}.cnf`);
  writeFileSync(
    ext,
    '[req]\ndistinguished_name=dn\n[dn]\n[ext]\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n' +
      'basicConstraints=critical,CA:TRUE\n',
  );
  try {
    execFileSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '3650',
      '-subj',
      '/CN=localhost',
      '-extensions',
      'ext',
      '-config',
      ext,
      '-keyout',
      key,
      '-out',
      crt,
    ]);
  } finally {
    rmSync(ext, { force: true });
  }
  chmodSync(key, 0o600);
  const user = serverUser();
  if (user) {
    chownSync(key, user.uid, user.gid);
    chownSync(crt, user.uid, user.gid);
  }
  writeFileSync(p.rootCert, readFileSync(crt));
}

function isRunning(dir: string): boolean {
  const out = runAsServer('pg_ctl', ['status', '-D', paths(dir).data], true);
  return /server is running/.test(out);
}

/** Creates DIR's cluster if needed and starts it (idempotent); returns how to reach it. */
export async function startCluster(opts: StartOptions): Promise<ClusterInfo> {
  const dir = resolve(opts.dir);
  const log = opts.log ?? (() => undefined);
  const p = paths(dir);
  checkTraversable(dir);
  const fresh = !existsSync(join(p.data, 'PG_VERSION'));
  if (fresh) initCluster(dir, log);
  const saved: ClusterFile | null = existsSync(p.file)
    ? (JSON.parse(readFileSync(p.file, 'utf8')) as ClusterFile)
    : null;
  const tls = opts.tls ?? saved?.tls ?? false;
  if (tls && !existsSync(join(p.data, 'server.crt'))) makeCertificate(dir);
  const port = opts.port ?? saved?.port ?? (await freePort());
  const version = Number(readFileSync(join(p.data, 'PG_VERSION'), 'utf8').trim());
  const cluster: ClusterFile = { port, tls, version };
  writeFileSync(p.file, `${JSON.stringify(cluster, null, 2)}\n`);
  serverOwnedDir(p.run);
  serverOwnedDir(p.log);
  if (!isRunning(dir)) {
    log(`[pg] starting on 127.0.0.1:${port} (socket in ${p.run}${tls ? ', TLS' : ''})`);
    const settings = [
      `-c listen_addresses=127.0.0.1`,
      `-c port=${port}`,
      `-c unix_socket_directories=${p.run}`,
      '-c max_connections=200',
      ...(tls ? ['-c ssl=on'] : []),
    ];
    runAsServer('pg_ctl', [
      'start',
      '-w',
      '-t',
      '60',
      '-D',
      p.data,
      '-l',
      p.logFile,
      '-o',
      settings.join(' '),
    ]);
  }
  const cluster2 = info(dir, cluster);
  for (const db of opts.databases ?? []) await createDatabase(cluster2, db);
  return cluster2;
}

/** Stops DIR's server ('fast': open sessions are ended, as at a real outage). */
export function stopCluster(dir: string, mode: 'fast' | 'immediate' = 'fast'): void {
  const data = paths(resolve(dir)).data;
  if (!existsSync(join(data, 'PG_VERSION'))) return;
  if (!isRunning(resolve(dir))) return;
  runAsServer('pg_ctl', ['stop', '-w', '-t', '60', '-m', mode, '-D', data]);
}

/** Stops the server and deletes DIR (throwaway clusters). */
export function destroyCluster(dir: string): void {
  stopCluster(dir, 'immediate');
  rmSync(resolve(dir), { recursive: true, force: true });
}

/** The running cluster in DIR (started earlier), or null. */
export function clusterInfo(dir: string): ClusterInfo | null {
  const p = paths(resolve(dir));
  if (!existsSync(p.file) || !existsSync(p.password)) return null;
  return info(resolve(dir), JSON.parse(readFileSync(p.file, 'utf8')) as ClusterFile);
}

/** Creates the database if it does not exist (through `pg`, as the superuser). */
async function createDatabase(cluster: ClusterInfo, name: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`unsuitable database name: ${name}`);
  const client = new Client({ connectionString: cluster.adminUrl('postgres') });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
}
