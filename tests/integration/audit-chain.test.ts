import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StationError } from '../../src/shared/errors';
import { AuditChainVerifier } from '../../src/main/core/audit/audit-chain-verifier';
import { AUDIT_GENESIS_MAC, AuditMac } from '../../src/main/core/audit/audit-mac';
import { dataPaths } from '../../src/main/core/util/data-dir';
import { loadOrCreateKey } from '../../src/main/core/util/key-file';
import { type NewAuditEvent } from '../../src/main/db/audit-log.repository';
import { auditLogOver } from '../../src/main/composition/audit-log';
import { makeTempDir } from '../support/temp-dir';
import { openDatabase, LATEST_VERSION, migrate } from '../../src/main/composition/station-database';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir('station-audit-');
});
afterEach(() => tmp.cleanup());

const ROWS = 20;

function event(i: number): NewAuditEvent {
  return {
    at: new Date(Date.UTC(2026, 0, 1, 8, 0, i)).toISOString(),
    kind: i % 5 === 0 ? 'enrolment' : 'decision',
    decision: i % 5 === 0 ? null : i % 2 ? 'granted' : 'unknown_face',
    subjectHmac: i % 2 ? `subject-${i % 3}` : null,
    similarity: i % 5 === 0 ? null : Math.round(Math.sin(i) * 1e4) / 1e4,
    details: { seq: i, note: 'a "quoted", text' },
  };
}

function keyOf(dataDir: string): Buffer {
  return loadOrCreateKey(dataPaths(dataDir).auditMacKey);
}

/** Writes ROWS chained events into a real database file in a data folder. */
function writeLog(dataDir: string, rows = ROWS): void {
  const db = openDatabase(dataPaths(dataDir).database);
  const repo = auditLogOver(db, new AuditMac(keyOf(dataDir)));
  for (let i = 1; i <= rows; i++) expect(repo.append(event(i))).toBe(i);
  db.close();
}

/** Opens the file as the station would and verifies, optionally with another key. */
function verify(dataDir: string, key = keyOf(dataDir)) {
  const db = openDatabase(dataPaths(dataDir).database);
  try {
    const mac = new AuditMac(key);
    return new AuditChainVerifier(auditLogOver(db, mac), mac).verify();
  } finally {
    db.close();
  }
}

/** Edits the file the way someone with file access would: the triggers are no obstacle. */
function tamper(dataDir: string, sql: string): void {
  const db = new Database(dataPaths(dataDir).database);
  db.exec(`DROP TRIGGER IF EXISTS audit_events_no_update;
    DROP TRIGGER IF EXISTS audit_events_no_delete;
    DROP TRIGGER IF EXISTS audit_head_no_delete;
    ${sql}`);
  db.close();
}

describe('audit chain: tampering is detected at the right row (real SQLite files)', () => {
  it('an untouched log verifies, and the first row chains to the genesis value', () => {
    writeLog(tmp.dir);
    expect(verify(tmp.dir)).toEqual({ ok: true, rows: ROWS, firstBrokenRow: null, reason: null });
    const db = new Database(dataPaths(tmp.dir).database, { readonly: true });
    expect(db.prepare('SELECT prev_mac FROM audit_events WHERE id = 1').pluck().get()).toBe(
      AUDIT_GENESIS_MAC,
    );
    db.close();
  });

  it('an edited row', () => {
    writeLog(tmp.dir);
    tamper(tmp.dir, 'UPDATE audit_events SET similarity = 0.99 WHERE id = 7');
    expect(verify(tmp.dir)).toMatchObject({ ok: false, rows: 6, firstBrokenRow: 7 });
    expect(verify(tmp.dir).reason).toMatch(/row 7 was altered/);
  });

  it('an edited details text or subject', () => {
    writeLog(tmp.dir);
    tamper(tmp.dir, `UPDATE audit_events SET subject_hmac = 'someone-else' WHERE id = 13`);
    expect(verify(tmp.dir)).toMatchObject({ ok: false, firstBrokenRow: 13 });
  });

  it('a deleted middle row', () => {
    writeLog(tmp.dir);
    tamper(tmp.dir, 'DELETE FROM audit_events WHERE id = 10');
    const r = verify(tmp.dir);
    expect(r).toMatchObject({ ok: false, rows: 9, firstBrokenRow: 10 });
    expect(r.reason).toMatch(/row 10 is missing/);
  });

  it('two rows swapped (contents exchanged, ids kept)', () => {
    writeLog(tmp.dir);
    const cols = 'at, kind, decision, subject_hmac, similarity, details, prev_mac, mac';
    const assign = cols
      .split(', ')
      .map((c) => `${c} = (SELECT ${c} FROM snap WHERE snap.id = 16 - audit_events.id)`)
      .join(', ');
    // 16 - 4 = 12 and 16 - 12 = 4: each row takes the other's contents.
    tamper(
      tmp.dir,
      `CREATE TEMP TABLE snap AS SELECT id, ${cols} FROM audit_events WHERE id IN (4, 12);
       UPDATE audit_events SET ${assign} WHERE id IN (4, 12);`,
    );
    const db = new Database(dataPaths(tmp.dir).database, { readonly: true });
    expect(
      db
        .prepare("SELECT json_extract(details, '$.seq') FROM audit_events WHERE id = 4")
        .pluck()
        .get(),
    ).toBe(12);
    db.close();
    expect(verify(tmp.dir)).toMatchObject({ ok: false, rows: 3, firstBrokenRow: 4 });
  });

  it('a truncated tail (newest rows deleted)', () => {
    writeLog(tmp.dir);
    tamper(tmp.dir, 'DELETE FROM audit_events WHERE id > 17');
    const r = verify(tmp.dir);
    expect(r).toMatchObject({ ok: false, rows: 17, firstBrokenRow: 18 });
    expect(r.reason).toMatch(/newest rows deleted/);
  });

  it('a truncated tail hidden by rewriting the head', () => {
    writeLog(tmp.dir);
    tamper(
      tmp.dir,
      `DELETE FROM audit_events WHERE id > 17;
       UPDATE audit_head SET last_id = 17, rows = 17,
         last_mac = (SELECT mac FROM audit_events WHERE id = 17)`,
    );
    const r = verify(tmp.dir);
    expect(r).toMatchObject({ ok: false, rows: 17, firstBrokenRow: 18 });
    expect(r.reason).toMatch(/head record was altered/);
  });

  it('a deleted head', () => {
    writeLog(tmp.dir);
    tamper(tmp.dir, 'DELETE FROM audit_head');
    expect(verify(tmp.dir)).toMatchObject({ ok: false, rows: ROWS, firstBrokenRow: ROWS + 1 });
  });

  it('a wrong key is reported as such at the first row', () => {
    writeLog(tmp.dir);
    const r = verify(tmp.dir, randomBytes(32));
    expect(r).toMatchObject({ ok: false, rows: 0, firstBrokenRow: 1 });
    expect(r.reason).toMatch(/key/);
  });

  it('refuses to append onto a forged head, so a truncation cannot be re-sealed', () => {
    writeLog(tmp.dir);
    tamper(tmp.dir, 'DELETE FROM audit_events WHERE id > 17; UPDATE audit_head SET rows = 17');
    const db = openDatabase(dataPaths(tmp.dir).database);
    const repo = auditLogOver(db, new AuditMac(keyOf(tmp.dir)));
    expect(() => repo.append(event(99))).toThrow(StationError);
    db.close();
  });

  it('the repository refuses updates and deletes through SQL (triggers)', () => {
    writeLog(tmp.dir);
    const db = openDatabase(dataPaths(tmp.dir).database);
    expect(() => db.exec('UPDATE audit_events SET kind = 1')).toThrow(/append-only/);
    expect(() => db.exec('DELETE FROM audit_events WHERE id = 20')).toThrow(/append-only/);
    expect(() => db.exec('DELETE FROM audit_head')).toThrow(/cannot be deleted/);
    db.close();
  });
});

describe('migration 0020 chains the rows of a 0010 database', () => {
  it('migrates a real 0010 file with rows; the chain verifies and appends continue it', () => {
    const file = dataPaths(tmp.dir).database;
    const raw = new Database(file);
    migrate(raw, 10);
    const insert = raw.prepare(
      `INSERT INTO audit_events (at, kind, decision, subject_hmac, similarity, details)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    raw.transaction(() => {
      for (let i = 1; i <= 2500; i++) {
        const e = event(i);
        insert.run(
          e.at,
          e.kind,
          e.decision,
          e.subjectHmac,
          e.similarity,
          JSON.stringify(e.details),
        );
      }
    })();
    raw.close();
    expect(verify(tmp.dir)).toEqual({ ok: true, rows: 2500, firstBrokenRow: null, reason: null });
    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    const repo = auditLogOver(db, new AuditMac(keyOf(tmp.dir)));
    expect(repo.append(event(2501))).toBe(2501);
    db.close();
    expect(verify(tmp.dir)).toMatchObject({ ok: true, rows: 2501 });
    tamper(tmp.dir, "UPDATE audit_events SET kind = 'door' WHERE id = 1234");
    expect(verify(tmp.dir)).toMatchObject({ ok: false, firstBrokenRow: 1234 });
  });
});

const CHILD = resolve(__dirname, '../support/audit-append-child.ts');

interface ChildRun {
  ids: number[];
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Runs the appending child; kills it with SIGKILL `killAfterMs` after its first committed
 * event (or lets it finish when null). Ids are only printed after their commit returned.
 */
function runChild(dataDir: string, args: string[], killAfterMs: number | null): Promise<ChildRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (killAfterMs !== null && !timer)
        timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('error', fail);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (killAfterMs === null && code !== 0) fail(new Error(`child failed: ${err}`));
      // A line cut by the kill is not a report of a commit.
      const lines = out.split('\n').slice(0, -1);
      done({ ids: lines.map(Number), code, signal });
    });
  });
}

describe('audit appends survive kill -9 and concurrent writers', () => {
  it('kill -9 at a random moment loses no committed event and leaves a verifiable chain (5x)', async () => {
    const dataDir = join(tmp.dir, 'kill');
    let expected = 0;
    for (let round = 0; round < 5; round++) {
      const run = await runChild(dataDir, [], 150 + Math.floor(Math.random() * 600));
      expect(run.signal).toBe('SIGKILL');
      expect(run.ids.length).toBeGreaterThan(0);
      // Ids printed are consecutive and continue the previous round's chain.
      expect(run.ids).toEqual(run.ids.map((_, i) => expected + 1 + i));
      const report = verify(dataDir);
      expect(report).toMatchObject({ ok: true, firstBrokenRow: null });
      // The kill may land after a commit and before its id was printed: at most one more row.
      expect(report.rows - (expected + run.ids.length)).toBeGreaterThanOrEqual(0);
      expect(report.rows - (expected + run.ids.length)).toBeLessThanOrEqual(1);
      expected = report.rows;
    }
  }, 30_000);

  it('two processes appending at once interleave into one unbroken chain', async () => {
    const dataDir = join(tmp.dir, 'two');
    writeLog(dataDir, 1); // create schema + key before both start
    const [a, b] = await Promise.all([
      runChild(dataDir, ['150', '0'], null),
      runChild(dataDir, ['150', '0'], null),
    ]);
    expect(a?.ids).toHaveLength(150);
    const all = [...(a?.ids ?? []), ...(b?.ids ?? [])].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 300 }, (_, i) => i + 2));
    expect(verify(dataDir)).toEqual({ ok: true, rows: 301, firstBrokenRow: null, reason: null });
  }, 30_000);
});
