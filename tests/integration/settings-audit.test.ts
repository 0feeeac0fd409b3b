import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStation } from '../../src/main/station-factory';
import { rawDatabase } from '../support/raw-database';
import { makeTempDir } from '../support/temp-dir';

interface SettingsRow {
  kind: string;
  decision: string | null;
  subject_hmac: string | null;
  similarity: number | null;
  details: string;
}

/**
 * Every settings change is one audit row of one shape (AuditRecorder.recordSettings): no
 * person, no decision, the setting's name, the door for door settings, who changed it. An
 * access policy names its group members only by count: a raw person id in the log would
 * outlive the person's erasure.
 */
describe('settings changes in the audit log', () => {
  const tmp = makeTempDir('station-settings-audit-');
  afterAll(() => tmp.cleanup());

  it('records each change with the same shape; the policy keeps member counts, not ids', async () => {
    const dataDir = join(tmp.dir, 'data');
    const station = await openStation({ dataDir, mode: 'cli' });
    try {
      const policy = station.access.policy();
      station.doorSettings.setAccessPolicy(
        { ...policy, groups: { staff: ['person-one', 'person-two'] } },
        'ops',
      );
      station.doorSettings.setChallenge({ ...station.access.challenge(), mode: 'off' }, 'ops');
    } finally {
      station.close();
    }
    const db = rawDatabase(join(dataDir, 'station.sqlite'));
    try {
      const rows = db
        .prepare<[], SettingsRow>(
          "SELECT kind, decision, subject_hmac, similarity, details FROM audit_events WHERE kind = 'settings' ORDER BY id",
        )
        .all();
      const details = rows.map((r) => JSON.parse(r.details) as Record<string, unknown>);
      expect(rows.map((r) => [r.decision, r.subject_hmac, r.similarity])).toEqual(
        rows.map(() => [null, null, null]),
      );
      const [policyRow, challengeRow] = details.slice(-2);
      expect(policyRow).toMatchObject({ setting: 'access_policy', changedBy: 'ops' });
      expect(policyRow?.door).toEqual(expect.any(String));
      expect((policyRow?.value as { groups: unknown }).groups).toEqual({ staff: 2 });
      expect(JSON.stringify(policyRow)).not.toContain('person-one');
      expect(challengeRow).toMatchObject({
        setting: 'liveness_challenge',
        changedBy: 'ops',
        door: policyRow?.door,
        value: { mode: 'off' },
      });
    } finally {
      db.close();
    }
  });
});
