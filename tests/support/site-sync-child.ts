/**
 * A station process that only syncs with its site (no models):
 *   node --import tsx tests/support/site-sync-child.ts DATA_DIR PAGE_SIZE [--loop [INDEX_SAVE_MS]]
 * One sync and exit (the kill -9 test kills it while it applies pages), or with --loop the
 * background sync of a running station until SIGTERM (the scale bench's real station, kept out
 * of the process that simulates the other stations).
 */
import { openSyncStation } from './site-stations';

async function main(): Promise<void> {
  const [dataDir, pageSize, mode, indexSaveMs] = process.argv.slice(2);
  if (!dataDir) throw new Error('usage: site-sync-child DATA_DIR PAGE_SIZE [--loop]');
  const station = await openSyncStation(dataDir, {
    pageSize: Number(pageSize ?? 100),
    intervalMs: 1000,
    ...(indexSaveMs === undefined ? {} : { indexSaveEveryMs: Number(indexSaveMs) }),
  });
  const site = station.site!;
  if (mode === '--loop') {
    site.start();
    process.stdout.write('syncing\n');
    await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  } else {
    process.stdout.write('syncing\n');
    const r = await site.sync.syncNow();
    process.stdout.write(`done ${r.pull.changes}\n`);
  }
  await site.close();
  station.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
