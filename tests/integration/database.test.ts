import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StationError } from '../../src/shared/errors';
import { AuditMac } from '../../src/main/core/audit/audit-mac';
import { AuditLogRepository } from '../../src/main/db/audit-log.repository';
import { auditLogOver } from '../../src/main/composition/audit-log';
import { type Db } from '../../src/main/db/connection';
import { PeopleRepository } from '../../src/main/db/people.repository';
import { insertPersonBefore0220 } from '../support/legacy-people';
import { TemplatesRepository } from '../../src/main/db/templates.repository';
import { templateCipherFor } from '../support/template-cipher';
import { makeTempDir } from '../support/temp-dir';
import { openDatabase, LATEST_VERSION, migrate } from '../../src/main/composition/station-database';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir();
});
afterEach(() => tmp.cleanup());

const consent = {
  textVersion: 'v1',
  purpose: 'test',
  grantedAt: '2026-01-01T00:00:00Z',
  recordedBy: 'test',
};

function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof StationError ? err.code : `non-station: ${String(err)}`;
  }
  return undefined;
}

describe('database', () => {
  it('creates a fresh file at the latest schema with WAL and FULL sync', () => {
    const db = openDatabase(join(tmp.dir, 's.sqlite'));
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    db.close();
  });

  it('migration 0010 from an empty database creates the tables and keeps data on reopen', () => {
    const file = join(tmp.dir, 's.sqlite');
    const raw = new Database(file);
    expect(migrate(raw, 10)).toBe(10);
    insertPersonBefore0220(raw, 'p1', 'Ada', '2026-01-01T00:00:00Z', consent);
    raw.close();
    const db = openDatabase(file);
    expect(new PeopleRepository(db).list().map((p) => p.name)).toEqual(['Ada']);
    db.close();
  });

  it('refuses a database written by a newer app', () => {
    const file = join(tmp.dir, 's.sqlite');
    const raw = new Database(file);
    raw.pragma(`user_version = ${LATEST_VERSION + 10}`);
    raw.close();
    expect(errorCode(() => openDatabase(file))).toBe('DB_TOO_NEW');
  });

  it('refuses a corrupt database file with a clear code', () => {
    const file = join(tmp.dir, 's.sqlite');
    writeFileSync(file, Buffer.alloc(8192, 0x5a));
    expect(errorCode(() => openDatabase(file))).toBe('DB_CORRUPT');
  });

  describe('repositories', () => {
    let db: Db;
    beforeEach(() => {
      db = openDatabase(join(tmp.dir, 's.sqlite'));
    });
    afterEach(() => db.close());

    it('stores templates bit-exactly and fingerprints the set per model', () => {
      const people = new PeopleRepository(db);
      const templates = new TemplatesRepository(db, templateCipherFor(db));
      people.create('p1', 'Ada', '2026-01-01T00:00:00Z', consent);
      const v = Float32Array.from({ length: 512 }, (_, i) => Math.sin(i));
      const before = templates.fingerprint('m1');
      templates.add({
        personId: 'p1',
        modelId: 'm1',
        vector: v,
        interEyePx: 50,
        createdAt: 'now',
      });
      const [stored] = templates.allForModel('m1');
      expect(stored?.vector).toEqual(v);
      expect(templates.fingerprint('m1')).not.toBe(before);
      expect(templates.allForModel('other-model')).toEqual([]);
      expect(people.findById('p1')?.templates).toBe(1);
      expect(people.findByName('ADA').map((p) => p.id)).toEqual(['p1']);
    });

    it('audit log appends and reads back newest first; the repository has no update or delete', () => {
      const audit = auditLogOver(db, new AuditMac(randomBytes(32)));
      for (let i = 0; i < 3; i++) {
        audit.append({
          at: `2026-01-0${i + 1}`,
          kind: 'decision',
          decision: 'unknown_face',
          subjectHmac: null,
          similarity: 0.1 * i,
          details: {},
        });
      }
      expect(audit.recent(2).map((e) => e.at)).toEqual(['2026-01-03', '2026-01-02']);
      const methods = Object.getOwnPropertyNames(AuditLogRepository.prototype);
      expect(methods.filter((m) => /update|delete|remove|purge|edit|set|clear/i.test(m))).toEqual(
        [],
      );
      // Even SQL that bypasses the repository cannot rewrite history (migration 0020 triggers).
      expect(() => db.prepare("UPDATE audit_events SET kind = 'door'").run()).toThrow(
        /append-only/,
      );
      expect(() => db.prepare('DELETE FROM audit_events').run()).toThrow(/append-only/);
    });
  });
});
