/**
 * Tamper-evident audit log on a real SQLite file (temp folder), through the production code:
 * openDatabase (WAL, synchronous=FULL), AuditLogRepository, AuditMac, AuditChainVerifier.
 *
 *   npx tsx bench/audit-log.ts [--rows 1000000] [--appends 3000] [--batch 10000]
 *
 * 1. `--appends` events appended one by one, each its own BEGIN IMMEDIATE transaction (what the
 *    door does per decision: one fsync of the WAL per event).
 * 2. The log is then filled up to `--rows` through the same repo.append (head check + 2 MACs per
 *    row), but `--batch` appends share one outer transaction (they nest as savepoints): one fsync
 *    per batch instead of per row. Only the commit count differs from production.
 * 3. AuditChainVerifier.verify() over all rows, in a child process so its peak RSS is its own.
 * 4. Query latency on the full log: recent(100), bySubject for a subject with ~1,000 events,
 *    range(from, to) over one hour, streamed and counted.
 *
 * Events are SYNTHETIC: one every 2.5 s, 80 % granted (~1,000 events per subject HMAC), 20 %
 * unknown_face with no subject; details like the door's ({ frameId, faces, source }).
 */
import { spawnSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AuditChainVerifier } from '../src/main/core/audit/audit-chain-verifier';
import { AuditMac } from '../src/main/core/audit/audit-mac';
import { type NewAuditEvent } from '../src/main/db/audit-log.repository';
import { auditLogOver } from '../src/main/composition/audit-log';
import type { AuditLog } from '../src/main/core/audit/audit-log';
import { type Db } from '../src/main/db/connection';
import { makeTempDir } from '../tests/support/temp-dir';
import { ms, summarize, timed, type Summary } from './lib/bench-stats';
import { openDatabase } from '../src/main/composition/station-database';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const STEP_MS = 2500;
const EVENTS_PER_SUBJECT = 1000;
const GRANTED_SHARE = 0.8;
const KEY_ENV = 'BENCH_AUDIT_MAC_KEY';
/** The columns recent() and bySubject() select, for their query plans. */
const VIEW_COLUMNS = 'id, at, kind, decision, subject_hmac, similarity';

/** Deterministic event stream: event i is the same on every run and for every --rows. */
class EventSource {
  private readonly subjects: string[];

  constructor(rows: number) {
    const count = Math.max(1, Math.round((rows * GRANTED_SHARE) / EVENTS_PER_SUBJECT));
    this.subjects = Array.from({ length: count }, (_, k) =>
      createHmac('sha256', 'bench-subject').update(String(k)).digest('hex'),
    );
  }

  get subject0(): string {
    return this.subjects[0] ?? '';
  }

  event(i: number): NewAuditEvent {
    // Cheap integer hash of i: spreads subjects and scores without a stateful PRNG.
    const h = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
    const granted = h % 1000 < GRANTED_SHARE * 1000;
    const score = ((h >>> 10) % 3000) / 1e4;
    return {
      at: new Date(T0 + i * STEP_MS).toISOString(),
      kind: 'decision',
      decision: granted ? 'granted' : 'unknown_face',
      subjectHmac: granted ? (this.subjects[(h >>> 12) % this.subjects.length] ?? null) : null,
      similarity: granted ? 0.5 + score : 0.1 + score,
      details: { frameId: `frame-${i}`, faces: 1, source: 'terminal' },
    };
  }
}

function appendEach(repo: AuditLog, src: EventSource, n: number): Summary {
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push(timed(() => repo.append(src.event(i))).ms);
  return summarize(times);
}

function bulkFill(
  db: Db,
  repo: AuditLog,
  src: EventSource,
  from: number,
  to: number,
  batch: number,
): void {
  for (let start = from; start < to; start += batch) {
    const end = Math.min(to, start + batch);
    db.transaction(() => {
      for (let i = start; i < end; i++) repo.append(src.event(i));
    })();
  }
}

function repeat(n: number, fn: () => unknown): Summary {
  fn(); // warm-up: statement and page cache
  const times: number[] = [];
  for (let r = 0; r < n; r++) times.push(timed(fn).ms);
  return summarize(times);
}

function plan(db: Db, sql: string, ...params: unknown[]): string {
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
  return rows.map((r) => r.detail).join('; ');
}

interface VerifyResult {
  openMs: number;
  verifyMs: number;
  ok: boolean;
  rows: number;
  rssAfterOpenMb: number;
  maxRssMb: number;
}

/** Child-process side: open, verify, print one JSON line. */
function verifyChild(file: string): void {
  const key = Buffer.from(process.env[KEY_ENV] ?? '', 'hex');
  const open = timed(() => openDatabase(file));
  const mac = new AuditMac(key);
  const rssAfterOpenMb = process.memoryUsage().rss / 1e6;
  const v = timed(() => new AuditChainVerifier(auditLogOver(open.value, mac), mac).verify());
  open.value.close();
  const result: VerifyResult = {
    openMs: open.ms,
    verifyMs: v.ms,
    ok: v.value.ok,
    rows: v.value.rows,
    rssAfterOpenMb,
    maxRssMb: (process.resourceUsage().maxRSS * 1024) / 1e6,
  };
  console.log(JSON.stringify(result));
}

function runVerifyChild(file: string, key: Buffer): VerifyResult {
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', __filename, '--verify-child', file],
    {
      env: { ...process.env, [KEY_ENV]: key.toString('hex') },
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    },
  );
  if (child.status !== 0) throw new Error(`verify child failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop() ?? '') as VerifyResult;
}

function row(label: string, s: Summary, extra: string): string {
  return `| ${label} | ${s.n} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.mean)} | ${ms(s.max)} | ${extra} |`;
}

function queries(
  db: Db,
  repo: AuditLog,
  src: EventSource,
  rows: number,
  repeats: number,
): string[] {
  const subject = src.subject0;
  const subjectRows = repo.bySubject(subject).length;
  const hourStart = new Date(T0 + Math.floor(rows / 2) * STEP_MS);
  const from = hourStart.toISOString();
  const to = new Date(hourStart.getTime() + 3_600_000).toISOString();
  // Streams the rows (constant memory), as `station audit export` would, counting them.
  const count = (it: Iterator<unknown>): number => {
    let n = 0;
    while (!it.next().done) n++;
    return n;
  };
  const hourRows = count(repo.range(from, to));
  // The repository's range SQL (audit-log.repository.ts), for its query plan.
  const rangeSql = 'SELECT * FROM audit_events WHERE at >= ? AND at < ? ORDER BY id';
  return [
    '| query | repeats | p50 ms | p95 ms | mean ms | max ms | rows returned |',
    '|---|---:|---:|---:|---:|---:|---:|',
    row(
      'recent(100)',
      repeat(repeats, () => repo.recent(100)),
      '100',
    ),
    row(
      'bySubject(hmac)',
      repeat(repeats, () => repo.bySubject(subject)),
      String(subjectRows),
    ),
    row(
      'range(from, to), 1 hour, streamed + counted',
      repeat(Math.min(repeats, 20), () => count(repo.range(from, to))),
      String(hourRows),
    ),
    '',
    'Query plans (EXPLAIN QUERY PLAN):',
    '',
    `- recent: ${plan(db, `SELECT ${VIEW_COLUMNS} FROM audit_events ORDER BY id DESC LIMIT 100`)}`,
    `- bySubject: ${plan(db, `SELECT ${VIEW_COLUMNS} FROM audit_events WHERE subject_hmac = ? ORDER BY at, id`, subject)}`,
    `- range: ${plan(db, rangeSql, from, to)}`,
  ];
}

function fileMb(path: string): string {
  try {
    return (statSync(path).size / 1e6).toFixed(1);
  } catch {
    return '0.0';
  }
}

interface RunResult {
  rows: number;
  appends: number;
  batch: number;
  each: Summary;
  eachSeconds: number;
  fillMs: number;
  sizes: { db: string; wal: string };
  verify: VerifyResult;
}

function printReport(r: RunResult, where: string, loadAvg: string, q: string[]): void {
  console.log(
    `### Audit log (${r.rows} rows, SQLite WAL + synchronous=FULL, real file in ${where})\n`,
  );
  console.log(`1-min load average at start: ${loadAvg}\n`);
  console.log('| step | result |');
  console.log('|---|---:|');
  console.log(
    `| append, own transaction each (${r.appends} events on an empty log) | ${(r.appends / r.eachSeconds).toFixed(0)} events/s; p50 ${ms(r.each.p50)} / p95 ${ms(r.each.p95)} / p99 ${ms(r.each.p99)} / max ${ms(r.each.max)} ms |`,
  );
  console.log(
    `| bulk fill ${r.appends} -> ${r.rows} rows (repo.append, ${r.batch} per outer transaction) | ${(r.fillMs / 1000).toFixed(1)} s, ${((r.rows - r.appends) / (r.fillMs / 1000)).toFixed(0)} events/s |`,
  );
  console.log(
    `| openDatabase in a fresh process (quick_check + migrations) | ${ms(r.verify.openMs)} ms |`,
  );
  console.log(
    `| AuditChainVerifier.verify(), ${r.verify.rows} rows, ok=${r.verify.ok} | ${(r.verify.verifyMs / 1000).toFixed(2)} s (${((r.verify.verifyMs * 1000) / r.verify.rows).toFixed(2)} µs/row) |`,
  );
  console.log(
    `| verify process RSS after open / peak | ${r.verify.rssAfterOpenMb.toFixed(0)} MB / ${r.verify.maxRssMb.toFixed(0)} MB |`,
  );
  console.log(
    `| database file after checkpoint (WAL) | ${r.sizes.db} MB (${r.sizes.wal} MB), ${((Number(r.sizes.db) * 1e6) / r.rows).toFixed(0)} B/row |`,
  );
  console.log(`\nQueries on ${r.rows} rows (warm page cache, after 1 warm-up call):\n`);
  console.log(q.join('\n'));
}

function main(): void {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' },
      appends: { type: 'string', default: '3000' },
      batch: { type: 'string', default: '10000' },
      repeats: { type: 'string', default: '100' },
      'verify-child': { type: 'string' },
    },
  });
  if (values['verify-child'] !== undefined) return verifyChild(values['verify-child']);
  const rows = Number(values.rows);
  const appends = Math.min(rows, Number(values.appends));
  const batch = Number(values.batch);
  const loadAvg = readFileSync('/proc/loadavg', 'utf8').split(' ')[0] ?? '?';
  const tmp = makeTempDir('station-bench-audit-');
  try {
    const file = join(tmp.dir, 'station.sqlite');
    const key = randomBytes(32);
    const mac = new AuditMac(key);
    const db = openDatabase(file);
    const repo = auditLogOver(db, mac);
    const src = new EventSource(rows);

    const t0 = performance.now();
    const each = appendEach(repo, src, appends);
    const eachSeconds = (performance.now() - t0) / 1000;
    const fill = timed(() => bulkFill(db, repo, src, appends, rows, batch));
    db.pragma('wal_checkpoint(TRUNCATE)');
    const sizes = { db: fileMb(file), wal: fileMb(`${file}-wal`) };
    const verify = runVerifyChild(file, key);
    if (!verify.ok || verify.rows !== rows) throw new Error(`verify: ${JSON.stringify(verify)}`);
    const q = queries(db, repo, src, rows, Number(values.repeats));
    db.close();

    const r: RunResult = {
      rows,
      appends,
      batch,
      each,
      eachSeconds,
      fillMs: fill.ms,
      sizes,
      verify,
    };
    printReport(r, tmp.dir.split('/').slice(0, -1).join('/'), loadAvg, q);
  } finally {
    tmp.cleanup();
  }
}

main();
