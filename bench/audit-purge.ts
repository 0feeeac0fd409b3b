/**
 * Retention purge on a large audit log: fills N rows (one per second of simulated time),
 * purges the older half, and reports the purge time, the longest write lock a batch held
 * (what a door decision logged meanwhile could wait for), and the verify time afterwards.
 *
 *   npx tsx bench/audit-purge.ts [--rows 200000]
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { AuditChainVerifier } from '../src/main/core/audit/audit-chain-verifier';
import { AuditMac } from '../src/main/core/audit/audit-mac';
import { AuditRecorder } from '../src/main/core/audit/audit-recorder';
import { AuditRetentionService } from '../src/main/core/audit/audit-retention.service';
import { IdentityHasher } from '../src/main/core/audit/identity-hasher';
import { dataPaths } from '../src/main/core/util/data-dir';
import { loadOrCreateKey } from '../src/main/core/util/key-file';
import { auditLogOver } from '../src/main/composition/audit-log';
import { sqliteUnitOfWork } from '../src/main/db/unit-of-work';
import { AuditPurgeRepository } from '../src/main/db/audit-purge.repository';
import { compactDatabase } from '../src/main/db/storage-maintenance';
import { makeTempDir } from '../tests/support/temp-dir';
import { openDatabase } from '../src/main/composition/station-database';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '200000' } } });
const rows = Number(values.rows);
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);
const tmp = makeTempDir('station-bench-purge-');

try {
  const db = openDatabase(dataPaths(tmp.dir).database);
  const mac = new AuditMac(loadOrCreateKey(dataPaths(tmp.dir).auditMacKey));
  const log = auditLogOver(db, mac);
  const fill = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      log.append({
        at: new Date(T0 + i * 1000).toISOString(),
        kind: 'decision',
        decision: i % 7 ? 'granted' : 'unknown_face',
        subjectHmac: randomBytes(32).toString('hex'),
        similarity: 0.61,
        details: { frameId: i },
      });
    }
  });
  let t = performance.now();
  for (let i = 0; i < rows; i += 10_000) fill(i, Math.min(rows, i + 10_000));
  console.log(`fill ${rows} rows: ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const lastAt = T0 + rows * 1000;
  // "Now" is 30 days after the middle row: the older half is due.
  const now = () => new Date(T0 + (rows / 2) * 1000 + 30 * DAY);
  let longestBatch = 0;
  const verifier = new AuditChainVerifier(log, mac);
  // Measure each batch's transaction: wrap db.transaction's immediate variant via timing the
  // purge repository call, which runs inside it.
  const purgeRepo = new AuditPurgeRepository(db);
  const timed = Object.create(purgeRepo) as AuditPurgeRepository;
  timed.purgeThrough = (cp, m) => {
    const s = performance.now();
    const n = purgeRepo.purgeThrough(cp, m);
    longestBatch = Math.max(longestBatch, performance.now() - s);
    return n;
  };
  const retention = new AuditRetentionService({
    unitOfWork: sqliteUnitOfWork(db),
    log,
    purge: timed,
    verifier,
    mac,
    audit: new AuditRecorder(log, new IdentityHasher(randomBytes(32), () => undefined), now),
    now,
    compact: () => compactDatabase(db),
  });
  t = performance.now();
  const report = retention.purge(30, 'bench');
  const total = performance.now() - t;
  console.log(
    `purge (verify first, batches of 10000, VACUUM after): ${report.purged} rows in ${(total / 1000).toFixed(1)} s; longest batch delete ${longestBatch.toFixed(0)} ms`,
  );
  t = performance.now();
  const v = verifier.verify();
  console.log(
    `verify after purge: ok=${v.ok}, ${v.rows} rows in ${((performance.now() - t) / 1000).toFixed(2)} s (last event ${new Date(lastAt).toISOString()})`,
  );
  db.close();
} finally {
  tmp.cleanup();
}
