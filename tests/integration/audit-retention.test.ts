import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StationError } from '../../src/shared/errors';
import { AuditChainVerifier } from '../../src/main/core/audit/audit-chain-verifier';
import { AuditMac } from '../../src/main/core/audit/audit-mac';
import { AuditRecorder } from '../../src/main/core/audit/audit-recorder';
import { AuditRetentionService } from '../../src/main/core/audit/audit-retention.service';
import { IdentityHasher } from '../../src/main/core/audit/identity-hasher';
import { dataPaths } from '../../src/main/core/util/data-dir';
import { loadOrCreateKey } from '../../src/main/core/util/key-file';
import { type NewAuditEvent } from '../../src/main/db/audit-log.repository';
import { auditLogOver } from '../../src/main/composition/audit-log';
import { sqliteUnitOfWork } from '../../src/main/db/unit-of-work';
import { AuditPurgeRepository } from '../../src/main/db/audit-purge.repository';
import { compactDatabase } from '../../src/main/db/storage-maintenance';
import { stationCli } from '../support/station-cli-runner';
import { makeTempDir } from '../support/temp-dir';
import { rawDatabase } from '../support/raw-database';
import { openDatabase, migrate } from '../../src/main/composition/station-database';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir('station-retention-');
});
afterEach(() => tmp.cleanup());

const ROWS = 40;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);

/** Event i is logged i days after 1 January 2026. */
function event(i: number): NewAuditEvent {
  return {
    at: new Date(T0 + i * DAY).toISOString(),
    kind: i % 4 === 0 ? 'enrolment' : 'decision',
    decision: i % 4 === 0 ? null : 'granted',
    subjectHmac: `subject-${i % 3}`,
    similarity: i % 4 === 0 ? null : 0.6,
    details: { seq: i },
  };
}

function keyOf(dir: string): Buffer {
  return loadOrCreateKey(dataPaths(dir).auditMacKey);
}

/** The retention service over a real database file, with a fixed clock. */
function open(dir: string, nowMs: number, batchRows?: number) {
  const db = openDatabase(dataPaths(dir).database);
  const mac = new AuditMac(keyOf(dir));
  const log = auditLogOver(db, mac);
  const verifier = new AuditChainVerifier(log, mac);
  const now = () => new Date(nowMs);
  const audit = new AuditRecorder(log, new IdentityHasher(randomBytes(32), () => undefined), now);
  const retention = new AuditRetentionService({
    unitOfWork: sqliteUnitOfWork(db),
    log,
    purge: new AuditPurgeRepository(db),
    verifier,
    mac,
    audit,
    now,
    compact: () => compactDatabase(db),
    ...(batchRows ? { batchRows } : {}),
  });
  return { db, log, verifier, retention, close: () => db.close() };
}

function writeLog(dir: string, rows = ROWS): void {
  const s = open(dir, T0);
  for (let i = 1; i <= rows; i++) s.log.append(event(i));
  s.close();
}

function verify(dir: string) {
  const s = open(dir, T0);
  try {
    return s.verifier.verify();
  } finally {
    s.close();
  }
}

function ids(dir: string): number[] {
  const db = new Database(dataPaths(dir).database, { readonly: true });
  try {
    return db.prepare('SELECT id FROM audit_events ORDER BY id').pluck().all() as number[];
  } finally {
    db.close();
  }
}

/** Edits the file the way someone with file access would: triggers dropped first. */
function tamper(dir: string, sql: string): void {
  const db = new Database(dataPaths(dir).database);
  const triggers = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    .pluck()
    .all() as string[];
  for (const t of triggers) db.exec(`DROP TRIGGER ${t}`);
  db.exec(sql);
  db.close();
}

/** 30 days before 20 February 2026 is 21 January: events 1-19 are older, 20-40 are kept. */
const NOW = Date.UTC(2026, 1, 20);

function purge(dir: string, days = 30, nowMs = NOW, batchRows?: number) {
  const s = open(dir, nowMs, batchRows);
  try {
    return s.retention.purge(days, 'test');
  } finally {
    s.close();
  }
}

describe('audit retention purge (real SQLite files)', () => {
  it('deletes exactly the events older than the retention, checkpoints the chain, logs itself', () => {
    writeLog(tmp.dir);
    const report = purge(tmp.dir);
    expect(report).toMatchObject({
      olderThanDays: 30,
      cutoff: '2026-01-21T00:00:00.000Z',
      purged: 19,
      checkpoint: { boundaryId: 19, purgedRows: 19 },
      auditEventId: ROWS + 1,
      compacted: true,
    });
    expect(ids(tmp.dir)).toEqual(Array.from({ length: 22 }, (_, i) => 20 + i));
    // 21 kept events plus the purge's own row, each checked from the checkpoint on.
    expect(verify(tmp.dir)).toEqual({ ok: true, rows: 22, firstBrokenRow: null, reason: null });
    const db = new Database(dataPaths(tmp.dir).database, { readonly: true });
    const row = db.prepare('SELECT kind, details FROM audit_events WHERE id = 41').get() as {
      kind: string;
      details: string;
    };
    db.close();
    expect(row.kind).toBe('retention');
    expect(JSON.parse(row.details)).toMatchObject({
      operation: 'purge',
      olderThanDays: 30,
      purgedRows: 19,
      boundaryId: 19,
      requestedBy: 'test',
    });
  });

  it('purges again later, in batches, and the chain keeps verifying', () => {
    writeLog(tmp.dir);
    expect(purge(tmp.dir, 30, NOW, 7).purged).toBe(19);
    // Nothing more is due: the purge still runs and is still logged.
    const none = purge(tmp.dir, 30, NOW, 7);
    expect(none.purged).toBe(0);
    expect(none.checkpoint?.boundaryId).toBe(19);
    expect(verify(tmp.dir).ok).toBe(true);
    // Ten days later, with 15 days' retention: events 20-40 are due; the purge rows of 20
    // February are not.
    const later = purge(tmp.dir, 15, NOW + 10 * DAY, 7);
    expect(later).toMatchObject({ purged: 21, checkpoint: { boundaryId: 40, purgedRows: 40 } });
    expect(ids(tmp.dir)).toEqual([41, 42, 43]);
    expect(verify(tmp.dir)).toEqual({ ok: true, rows: 3, firstBrokenRow: null, reason: null });
    const db = new Database(dataPaths(tmp.dir).database, { readonly: true });
    expect(db.prepare('SELECT count(*) FROM audit_checkpoints').pluck().get()).toBe(6);
    db.close();
  });

  it('purging everything old still leaves a verifiable log, and appends continue it', () => {
    writeLog(tmp.dir);
    expect(purge(tmp.dir, 1, T0 + 400 * DAY).purged).toBe(ROWS);
    expect(ids(tmp.dir)).toEqual([41]);
    const s = open(tmp.dir, T0);
    s.log.append(event(99));
    s.close();
    expect(verify(tmp.dir)).toEqual({ ok: true, rows: 2, firstBrokenRow: null, reason: null });
  });

  describe('tampering after a purge is still detected', () => {
    beforeEach(() => {
      writeLog(tmp.dir);
      purge(tmp.dir);
    });

    it('an edited kept row', () => {
      tamper(tmp.dir, 'UPDATE audit_events SET similarity = 0.99 WHERE id = 25');
      expect(verify(tmp.dir)).toMatchObject({ ok: false, rows: 5, firstBrokenRow: 25 });
    });

    it('the first kept row deleted', () => {
      tamper(tmp.dir, 'DELETE FROM audit_events WHERE id = 20');
      expect(verify(tmp.dir)).toMatchObject({ ok: false, firstBrokenRow: 20 });
      expect(verify(tmp.dir).reason).toMatch(/row 20 is missing/);
    });

    it('the checkpoint deleted (the purge made to look like a deletion)', () => {
      tamper(tmp.dir, 'DELETE FROM audit_checkpoints');
      expect(verify(tmp.dir)).toMatchObject({ ok: false, firstBrokenRow: 1 });
      expect(verify(tmp.dir).reason).toMatch(/rows 1-19 are missing/);
    });

    it('the checkpoint moved forward to hide more deleted rows', () => {
      tamper(
        tmp.dir,
        `DELETE FROM audit_events WHERE id <= 25;
         UPDATE audit_checkpoints SET boundary_id = 25,
           boundary_mac = (SELECT prev_mac FROM audit_events WHERE id = 26), purged_rows = 25`,
      );
      expect(verify(tmp.dir)).toMatchObject({ ok: false, firstBrokenRow: 26 });
      expect(verify(tmp.dir).reason).toMatch(/checkpoint was altered/);
    });

    it('the newest rows deleted', () => {
      tamper(tmp.dir, 'DELETE FROM audit_events WHERE id > 35');
      expect(verify(tmp.dir).reason).toMatch(/newest rows deleted/);
    });
  });

  it('refuses to purge a log that does not verify, and deletes nothing', () => {
    writeLog(tmp.dir);
    tamper(tmp.dir, "UPDATE audit_events SET kind = 'door' WHERE id = 3");
    let error: unknown;
    try {
      purge(tmp.dir);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(StationError);
    expect((error as StationError).code).toBe('DB_CORRUPT');
    expect((error as StationError).message).toMatch(/row 3.*nothing was purged/);
    expect(ids(tmp.dir)).toHaveLength(ROWS);
  });

  it('only the purge can delete rows or write checkpoints (triggers of migration 0060)', () => {
    writeLog(tmp.dir);
    purge(tmp.dir);
    const db = openDatabase(dataPaths(tmp.dir).database);
    expect(() => db.exec('DELETE FROM audit_events WHERE id = 30')).toThrow(/append-only/);
    expect(() =>
      db.exec(
        "INSERT INTO audit_checkpoints (boundary_id, boundary_mac, purged_rows, at, mac) VALUES (30, 'x', 30, 'now', 'x')",
      ),
    ).toThrow(/only by the retention purge/);
    // Even armed, a checkpoint cannot move backwards or past the newest row.
    db.exec('UPDATE audit_purge_guard SET armed = 1');
    for (const boundary of [10, 999]) {
      expect(() =>
        db.exec(
          `INSERT INTO audit_checkpoints (boundary_id, boundary_mac, purged_rows, at, mac) VALUES (${boundary}, 'x', 1, 'now', 'x')`,
        ),
      ).toThrow(/forward only/);
    }
    db.exec('UPDATE audit_purge_guard SET armed = 0');
    expect(() => db.exec('UPDATE audit_checkpoints SET purged_rows = 0')).toThrow(
      /cannot be changed/,
    );
    expect(() => db.exec('DELETE FROM audit_checkpoints')).toThrow(/cannot be deleted/);
    expect(() => db.exec('DELETE FROM audit_purge_guard')).toThrow(/cannot be deleted/);
    db.close();
    expect(verify(tmp.dir).ok).toBe(true);
  });

  it('migrates 0050 -> 0060 on a real file with a chained log; the purge then works', () => {
    const file = dataPaths(tmp.dir).database;
    const raw = rawDatabase(file);
    migrate(raw, 50);
    const log = auditLogOver(raw, new AuditMac(keyOf(tmp.dir)));
    for (let i = 1; i <= ROWS; i++) log.append(event(i));
    // Under 0020's rule alone a stray checkpoint insert opened the log to deletion.
    expect(
      raw
        .prepare("SELECT count(*) FROM sqlite_master WHERE name = 'audit_purge_guard'")
        .pluck()
        .get(),
    ).toBe(0);
    raw.close();
    const db = openDatabase(file); // migrates to the latest version
    expect(db.prepare('SELECT armed FROM audit_purge_guard').pluck().get()).toBe(0);
    expect(() => db.exec('DELETE FROM audit_events WHERE id = 1')).toThrow(/append-only/);
    db.close();
    expect(verify(tmp.dir)).toEqual({ ok: true, rows: ROWS, firstBrokenRow: null, reason: null });
    expect(purge(tmp.dir).purged).toBe(19);
    expect(verify(tmp.dir).ok).toBe(true);
  });

  it('station audit purge --older-than DAYS [--json], then audit verify', () => {
    writeLog(tmp.dir);
    const cli = stationCli(tmp.dir);
    expect(cli('audit', 'purge', '--older-than', 'soon').code).toBe(2);
    expect(cli('audit', 'purge', '--older-than', '0').code).toBe(2);
    // Every event is from early 2026, long before "now" minus 30 days.
    const r = cli('audit', 'purge', '--older-than', '30', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({
      olderThanDays: 30,
      purged: ROWS,
      checkpoint: { boundaryId: ROWS, purgedRows: ROWS },
      auditEventId: ROWS + 1,
    });
    const v = cli('audit', 'verify', '--json');
    expect(v.json).toEqual({ ok: true, rows: 1, firstBrokenRow: null, reason: null });
    const human = cli('audit', 'purge');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/Purged 0 audit event\(s\).*older than 365 days/);
  });
});
