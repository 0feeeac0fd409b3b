/**
 * Child process for the kill -9 test: appends audit events to a real database at ~100/s and
 * prints each id on its own line only after its transaction committed. Runs until killed,
 * or until it has appended argv[3] events when given (used for the concurrent-writers test).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { AuditMac } from '../../src/main/core/audit/audit-mac';
import { dataPaths } from '../../src/main/core/util/data-dir';
import { loadOrCreateKey } from '../../src/main/core/util/key-file';
import { auditLogOver } from '../../src/main/composition/audit-log';
import { openDatabase } from '../../src/main/composition/station-database';

async function run(dataDir: string, limit: number, intervalMs: number): Promise<void> {
  const paths = dataPaths(dataDir);
  const db = openDatabase(paths.database);
  const repo = auditLogOver(db, new AuditMac(loadOrCreateKey(paths.auditMacKey)));
  for (let i = 0; i < limit; i++) {
    const id = repo.append({
      at: new Date().toISOString(),
      kind: 'decision',
      decision: i % 3 === 0 ? 'granted' : 'unknown_face',
      subjectHmac: null,
      similarity: Math.round(Math.random() * 1e4) / 1e4,
      details: { pid: process.pid, seq: i, note: 'kill-9 "test", with quotes' },
    });
    process.stdout.write(`${id}\n`);
    if (intervalMs > 0) await sleep(intervalMs);
  }
  db.close();
}

const [dataDir, limit, interval] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: audit-append-child DATA_DIR [COUNT] [INTERVAL_MS]');
void run(dataDir, limit ? Number(limit) : Infinity, interval ? Number(interval) : 10);
