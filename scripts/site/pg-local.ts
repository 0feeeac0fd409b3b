/**
 * `npm run site:pg -- start|stop|status|url|destroy [--dir DIR] [--port N] [--tls] [--database NAME]`
 *
 * A local PostgreSQL for developing and trying a site (see README, "Running a site"): Debian's
 * server binaries, one folder (default .pg/site in the project, git-ignored), 127.0.0.1 only.
 * As root (CI) the server runs as the `postgres` user; scripts/site/pg-cluster.ts says why.
 * `start` prints the superuser URL of the database on stdout, so scripts can capture it:
 *
 *   ADMIN_URL=$(npm run -s site:pg -- start --database site)
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { clusterInfo, destroyCluster, startCluster, stopCluster } from './pg-cluster';

const USAGE = `usage: npm run site:pg -- start|stop|status|url|destroy [--dir DIR] [--port N] [--tls] [--database NAME]
  start     create the cluster if needed, start it, create --database; prints its superuser URL
  stop      stop the server (the folder stays)
  status    print the cluster's settings as JSON
  url       print the superuser URL of --database (default postgres)
  destroy   stop the server and delete the folder`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      dir: { type: 'string', default: join(__dirname, '..', '..', '.pg', 'site') },
      port: { type: 'string' },
      tls: { type: 'boolean' },
      database: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const database = values.database ?? 'postgres';
  switch (command) {
    case 'start': {
      const port = values.port === undefined ? undefined : Number(values.port);
      if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
        log(`--port must be a TCP port: ${values.port}`);
        return 2;
      }
      const c = await startCluster({
        dir: values.dir,
        port,
        tls: values.tls,
        databases: database === 'postgres' ? [] : [database],
        log,
      });
      process.stdout.write(`${c.adminUrl(database)}\n`);
      return 0;
    }
    case 'stop':
      stopCluster(values.dir);
      return 0;
    case 'destroy':
      destroyCluster(values.dir);
      return 0;
    case 'status':
    case 'url': {
      const c = clusterInfo(values.dir);
      if (!c) {
        log(`no cluster in ${values.dir} (run: npm run site:pg -- start)`);
        return 1;
      }
      const out =
        command === 'url'
          ? c.adminUrl(database)
          : JSON.stringify(
              { dir: c.dir, port: c.port, socketDir: c.socketDir, tls: c.tls },
              null,
              2,
            );
      process.stdout.write(`${out}\n`);
      return 0;
    }
    default:
      log(USAGE);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`site:pg: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
