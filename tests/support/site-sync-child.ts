/**
 * A station process that only syncs with its site (no models): `node --import tsx
 * tests/support/site-sync-child.ts DATA_DIR PAGE_SIZE`. The kill -9 test starts it and kills
 * it while it is applying pages.
 */
import { openSyncStation } from './site-stations';

async function main(): Promise<void> {
  const [dataDir, pageSize] = process.argv.slice(2);
  if (!dataDir) throw new Error('usage: site-sync-child DATA_DIR PAGE_SIZE');
  const station = await openSyncStation(dataDir, { pageSize: Number(pageSize ?? 100) });
  process.stdout.write('syncing\n');
  const r = await station.site!.sync.syncNow();
  process.stdout.write(`done ${r.pull.changes}\n`);
  await station.site!.close();
  station.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
