import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ACCESS_POLICY } from '../access/access-policy.schema';
import { AUDIT_GENESIS_MAC, AuditMac } from '../audit/audit-mac';
import { foldSiteAccess, policyForAudit } from './site-access';
import { verifyChainSegment } from './site-chain-verifier';
import type { CentralAuditRow } from './site-ports';

function chain(mac: AuditMac, n: number): CentralAuditRow[] {
  let prev = AUDIT_GENESIS_MAC;
  return Array.from({ length: n }, (_, i) => {
    const seq = i + 1;
    const r = {
      id: seq,
      at: `2026-12-07T10:00:0${seq}.000Z`,
      kind: 'decision',
      decision: 'granted',
      subject_hmac: 'ab'.repeat(32),
      similarity: 0.61,
      details: '{"door":"d1"}',
      prev_mac: prev,
    };
    const m = mac.row(r);
    const row: CentralAuditRow = {
      stationId: 's1',
      seq,
      at: r.at,
      kind: r.kind,
      decision: r.decision,
      subjectHmac: r.subject_hmac,
      similarity: r.similarity,
      details: r.details,
      prevMac: prev,
      mac: m,
      door: 'd1',
      receivedAt: '',
      stationRevoked: false,
    };
    prev = m;
    return row;
  });
}

describe('verifyChainSegment (a station chain in the site log)', () => {
  const mac = new AuditMac(randomBytes(32));
  const start = { seq: 0, mac: AUDIT_GENESIS_MAC };

  it('accepts an intact chain and ends at its last row', () => {
    const rows = chain(mac, 5);
    const r = verifyChainSegment(mac, 's1', start, rows);
    expect(r.problems).toEqual([]);
    expect(r.last).toEqual({ seq: 5, mac: rows[4]!.mac });
  });

  it('names the station and row of a forged, an unchained and a missing row', () => {
    const rows = chain(mac, 6);
    rows[1] = { ...rows[1]!, decision: 'unknown_face' }; // edited: its MAC no longer fits
    rows.splice(3, 1); // row 4 gone
    const r = verifyChainSegment(mac, 's1', start, rows);
    expect(r.problems.map((p) => [p.stationId, p.seq, p.problem])).toEqual([
      ['s1', 2, 'forged'],
      ['s1', 5, 'gap'],
    ]);
    const relinked = chain(mac, 3);
    relinked[2] = { ...relinked[2]!, prevMac: 'f'.repeat(64) };
    expect(verifyChainSegment(mac, 's1', start, relinked).problems.map((p) => p.problem)).toEqual([
      'chain',
      'forged',
    ]);
    // Another station's key cannot vouch for these rows.
    expect(
      verifyChainSegment(new AuditMac(randomBytes(32)), 's1', start, chain(mac, 2)).problems,
    ).toHaveLength(2);
  });
});

describe('foldSiteAccess (site schedules, groups and door settings into the door policy)', () => {
  const week = [{ days: [1, 2, 3, 4, 5], from: '08:00', to: '18:00' }];
  const ada = randomUUID();
  const bob = randomUUID();

  it('adds schedules, group schedules and memberships; keeps the door fields', () => {
    const r = foldSiteAccess(
      DEFAULT_ACCESS_POLICY,
      [
        { entity: 'schedule', name: 'office', value: week, version: 1 },
        { entity: 'group', name: 'staff', value: { schedule: 'office' }, version: 1 },
      ],
      [],
      'door-1',
      [
        { personId: ada, groups: ['staff'], schedule: null },
        { personId: bob, groups: [], schedule: 'office' },
      ],
    );
    expect(r.problems).toEqual([]);
    expect(r.policy).toMatchObject({
      schedules: { office: week },
      groupSchedules: { staff: 'office' },
      groups: { staff: [ada] },
      personSchedules: { [bob]: 'office' },
      agreeFrames: DEFAULT_ACCESS_POLICY.agreeFrames,
    });
  });

  it('restricts to an unknown schedule as "never", and takes only its own door settings', () => {
    const r = foldSiteAccess(
      DEFAULT_ACCESS_POLICY,
      [
        {
          entity: 'door',
          name: 'door-1',
          value: { policy: { agreeFrames: 5, groups: { x: [] } } },
          version: 2,
        },
        { entity: 'door', name: 'door-9', value: { policy: { agreeFrames: 9 } }, version: 1 },
      ],
      [],
      'door-1',
      [{ personId: ada, groups: [], schedule: 'night' }],
    );
    expect(r.policy?.agreeFrames).toBe(5);
    expect(r.policy?.schedules.night).toEqual([]);
    expect(r.policy?.groups).toEqual({});
  });

  it('refuses invalid door settings with a problem, changing nothing', () => {
    const r = foldSiteAccess(
      DEFAULT_ACCESS_POLICY,
      [{ entity: 'door', name: 'door-1', value: { policy: { agreeFrames: 0 } }, version: 1 }],
      [],
      'door-1',
      null,
    );
    expect(r.policy).toBeNull();
    expect(r.problems[0]).toMatch(/rejected/);
  });
});

describe('policyForAudit', () => {
  it('logs memberships as counts, never person ids', () => {
    const id = randomUUID();
    const logged = JSON.stringify(
      policyForAudit({
        ...DEFAULT_ACCESS_POLICY,
        groups: { staff: [id, randomUUID()] },
        personSchedules: { [id]: 'office' },
        schedules: { office: [] },
      }),
    );
    expect(logged).not.toContain(id);
    expect(JSON.parse(logged)).toMatchObject({ groups: { staff: 2 }, personSchedules: 1 });
  });
});
