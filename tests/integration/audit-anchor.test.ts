import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditMac } from '../../src/main/core/audit/audit-mac';
import { dataPaths } from '../../src/main/core/util/data-dir';
import { loadOrCreateKey } from '../../src/main/core/util/key-file';
import { auditLogOver } from '../../src/main/composition/audit-log';
import { rawDatabase } from '../support/raw-database';
import { sharedDataPath } from '../support/shared-data';
import { stationCli } from '../support/station-cli-runner';
import { makeTempDir } from '../support/temp-dir';
import { migrate } from '../../src/main/composition/station-database';

/**
 * Item 3 of issue 13: deleting every audit row and the head passed `audit verify` ("0 rows
 * verified", exit 0) with people enrolled, and a head rolled back to an older (genuine) value
 * after the newest rows were deleted verified too. The chain is now anchored outside the
 * database (keys/, MAC'd), and the station notices at start that its append-only triggers
 * were dropped. Everything here runs the real CLI on a real data folder, tampering with the
 * file as someone with file access would (dropping the triggers first).
 */
const tmp = makeTempDir('station-audit-anchor-');
afterAll(() => tmp.cleanup());

const photos = (who: string) =>
  [1, 2].map((i) => sharedDataPath('small_identity_sets', 'faceapi_bbt', who, `${who}${i}.png`));

const DROP_GUARDS = `DROP TRIGGER IF EXISTS audit_events_no_update;
  DROP TRIGGER IF EXISTS audit_events_no_delete;
  DROP TRIGGER IF EXISTS audit_head_no_delete;`;

function sql(dataDir: string, text: string): void {
  const db = new Database(dataPaths(dataDir).database);
  db.exec(text);
  db.close();
}

function enrolled(name: string, who: string) {
  const dataDir = join(tmp.dir, name);
  const cli = stationCli(dataDir);
  expect(cli('enroll', '--name', who, '--consent', ...photos(who)).code).toBe(0);
  return { dataDir, cli };
}

type Report = { ok: boolean; rows: number; reason: string | null };

describe('audit chain anchored outside the database', () => {
  it('a fresh station verifies with no rows', () => {
    const cli = stationCli(join(tmp.dir, 'fresh'));
    expect(cli('audit', 'verify', '--json').json).toMatchObject({ ok: true, rows: 0 });
  });

  it('every row and the head deleted: verify fails although the file looks empty and sound', () => {
    const { dataDir, cli } = enrolled('zero', 'amy');
    expect(cli('audit', 'verify', '--json').json).toMatchObject({ ok: true, rows: 1 });
    sql(dataDir, `${DROP_GUARDS} DELETE FROM audit_events; DELETE FROM audit_head;`);
    const r = cli('audit', 'verify', '--json');
    expect(r.code).toBe(1);
    const report = r.json as Report;
    expect(report.ok).toBe(false);
    expect(report.reason).toMatch(/deleted/);
  });

  it('newest rows deleted and the head rolled back to an older genuine one: verify fails', () => {
    const { dataDir, cli } = enrolled('rollback', 'amy');
    const db = new Database(dataPaths(dataDir).database);
    const older = db.prepare('SELECT last_id, last_mac, rows, mac FROM audit_head').get() as {
      last_id: number;
      last_mac: string;
      rows: number;
      mac: string;
    };
    db.close();
    expect(cli('enroll', '--name', 'penny', '--consent', ...photos('penny')).code).toBe(0);
    sql(
      dataDir,
      `${DROP_GUARDS} DELETE FROM audit_events WHERE id > ${older.last_id};
       UPDATE audit_head SET last_id = ${older.last_id}, last_mac = '${older.last_mac}',
         rows = ${older.rows}, mac = '${older.mac}';`,
    );
    const r = cli('audit', 'verify', '--json');
    expect(r.code).toBe(1);
    // The start that verifies logs the restored triggers first, so the gap is refilled by a
    // row the anchor does not know: either way the deletion is named.
    expect((r.json as Report).reason).toMatch(/deleted/);
  });

  it('the anchor removed from keys/: verify says truncation cannot be ruled out', () => {
    const { dataDir, cli } = enrolled('no-anchor', 'amy');
    rmSync(dataPaths(dataDir).auditAnchor);
    const r = cli('audit', 'verify', '--json');
    expect(r.code).toBe(1);
    expect((r.json as Report).reason).toMatch(/anchor .*missing/);
  });

  it('an anchor put back from before any enrolment: an empty log beside enrolled people fails', () => {
    const dataDir = join(tmp.dir, 'old-anchor');
    const cli = stationCli(dataDir);
    expect(cli('people', 'list').code).toBe(0);
    const anchorFile = dataPaths(dataDir).auditAnchor;
    const fresh = readFileSync(anchorFile);
    expect(cli('enroll', '--name', 'amy', '--consent', ...photos('amy')).code).toBe(0);
    sql(dataDir, `${DROP_GUARDS} DELETE FROM audit_events; DELETE FROM audit_head;`);
    writeFileSync(anchorFile, fresh);
    // The verifying start logs the restored triggers first: the log is no longer empty,
    // yet it holds no enrolment for the person enrolled.
    const r = cli('audit', 'verify', '--json');
    expect(r.code).toBe(1);
    expect((r.json as Report).reason).toMatch(/deleted/);
  });

  it('migration 0170 -> 0180 on a real file anchors the log as it is, which then verifies', () => {
    const dataDir = join(tmp.dir, 'migration');
    mkdirSync(dataDir, { recursive: true });
    const paths = dataPaths(dataDir);
    const raw = rawDatabase(paths.database);
    migrate(raw, 170);
    const mac = new AuditMac(loadOrCreateKey(paths.auditMacKey));
    const log = auditLogOver(raw, mac);
    for (let i = 0; i < 30; i++)
      log.append({
        at: new Date(Date.UTC(2026, 0, 1, 8, i)).toISOString(),
        kind: 'decision',
        decision: 'unknown_face',
        subjectHmac: null,
        similarity: 0.1,
        details: { i },
      });
    expect(existsSync(paths.auditAnchor)).toBe(false);
    migrate(raw);
    const anchor = JSON.parse(readFileSync(paths.auditAnchor, 'utf8')) as { rows: number };
    expect(anchor.rows).toBe(30);
    const genesis = raw.prepare('SELECT genesis FROM audit_anchor').get() as { genesis: string };
    expect(genesis.genesis).toMatch(/^[0-9a-f]{32}$/);
    expect(() => raw.exec('DELETE FROM audit_anchor')).toThrow(/cannot be deleted/);
    raw.close();
    const cli = stationCli(dataDir);
    expect(cli('audit', 'verify', '--json').json).toMatchObject({ ok: true, rows: 30 });
    sql(
      dataDir,
      `${DROP_GUARDS} DELETE FROM audit_events WHERE id > 20;
      UPDATE audit_head SET rows = 20, last_id = 20,
        last_mac = (SELECT mac FROM audit_events WHERE id = 20);`,
    );
    expect(cli('audit', 'verify', '--json').code).toBe(1);
  });

  it('append-only triggers dropped: the next start notices, says so, restores and audits it', () => {
    const { dataDir, cli } = enrolled('triggers', 'amy');
    sql(dataDir, DROP_GUARDS);
    const r = cli('people', 'list');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/audit_events_no_delete/);
    expect(r.stderr).toMatch(/restored/);
    const db = new Database(dataPaths(dataDir).database);
    try {
      expect(() => db.exec('DELETE FROM audit_events')).toThrow(/append-only/);
      const kinds = db.prepare('SELECT kind, details FROM audit_events ORDER BY id').all() as {
        kind: string;
        details: string;
      }[];
      const integrity = kinds.filter((k) => k.kind === 'integrity');
      expect(integrity).toHaveLength(1);
      expect(integrity[0]?.details).toContain('audit_events_no_delete');
    } finally {
      db.close();
    }
    expect(cli('audit', 'verify', '--json').json).toMatchObject({ ok: true });
  });
});
