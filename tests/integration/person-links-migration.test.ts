import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditMac } from '../../src/main/core/audit/audit-mac';
import { legacySubject } from '../../src/main/core/audit/identity-hasher';
import { dataPaths } from '../../src/main/core/util/data-dir';
import { loadOrCreateKey } from '../../src/main/core/util/key-file';
import { auditLogOver } from '../../src/main/composition/audit-log';
import { insertPersonBefore0220 } from '../support/legacy-people';
import { openStation } from '../../src/main/station-factory';
import { makeTempDir } from '../support/temp-dir';
import { rawDatabase } from '../support/raw-database';
import { LATEST_VERSION, migrate } from '../../src/main/composition/station-database';

const consent = {
  textVersion: 'v1',
  purpose: 'door access',
  grantedAt: '2026-01-01T00:00:00Z',
  recordedBy: 'test',
};

describe('migration 0020 -> 0030 (person link secrets) on a real file', () => {
  const tmp = makeTempDir('station-0030-');
  afterAll(() => tmp.cleanup());

  it('gives every existing person a legacy link, keeps old rows findable and the chain valid', async () => {
    const paths = dataPaths(tmp.dir);
    const raw = rawDatabase(paths.database);
    expect(migrate(raw, 20)).toBe(20);
    insertPersonBefore0220(raw, 'p-ada', 'Ada', '2026-01-01T00:00:00Z', consent);
    insertPersonBefore0220(raw, 'p-bob', 'Bob', '2026-01-02T00:00:00Z', consent);
    const pepper = loadOrCreateKey(paths.pepperKey);
    const audit = auditLogOver(raw, new AuditMac(loadOrCreateKey(paths.auditMacKey)));
    for (const [i, id] of ['p-ada', 'p-bob', 'p-ada'].entries()) {
      audit.append({
        at: `2026-01-0${i + 3}T08:00:00.000Z`,
        kind: 'decision',
        decision: 'granted',
        subjectHmac: legacySubject(pepper, id),
        similarity: 0.7,
        details: {},
      });
    }
    raw.close();

    const station = await openStation({ dataDir: tmp.dir, mode: 'cli' });
    try {
      const check = new Database(paths.database, { readonly: true });
      expect(check.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
      const links = check
        .prepare('SELECT person_id, length(secret) AS bytes, legacy FROM person_links ORDER BY 1')
        .all();
      check.close();
      expect(links).toEqual([
        { person_id: 'p-ada', bytes: 32, legacy: 1 },
        { person_id: 'p-bob', bytes: 32, legacy: 1 },
      ]);
      expect(station.auditAdmin.verifyChain()).toMatchObject({ ok: true, rows: 3 });
      // Pre-0030 rows are found through the legacy subject; new rows use the linked one.
      expect(station.auditAdmin.eventsOf('p-ada').map((e) => e.id)).toEqual([1, 3]);
      expect(station.auditAdmin.subjectOf('p-ada')).not.toBe(legacySubject(pepper, 'p-ada'));
      expect(station.auditAdmin.eventsOf('p-bob').map((e) => e.id)).toEqual([2]);

      const report = station.eraser.erasePerson('p-ada');
      expect(report).toMatchObject({ templates: 0, verified: true });
      expect(station.auditAdmin.eventsOf('p-ada')).toEqual([]);
      expect(station.auditAdmin.verifyChain()).toMatchObject({ ok: true, rows: 4 });
    } finally {
      station.close();
    }
  });
});
