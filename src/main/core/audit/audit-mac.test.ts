import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AUDIT_GENESIS_MAC, AuditMac, macEquals, type AuditChainFields } from './audit-mac';

const row: AuditChainFields = {
  id: 7,
  at: '2026-01-01T00:00:00.000Z',
  kind: 'decision',
  decision: 'granted',
  subject_hmac: 'ab'.repeat(32),
  similarity: 0.4321,
  details: '{"frameId":"f1"}',
  prev_mac: AUDIT_GENESIS_MAC,
};

describe('AuditMac', () => {
  const mac = new AuditMac(randomBytes(32));

  it('is deterministic and covers every field, including the previous MAC', () => {
    const base = mac.row(row);
    expect(mac.row({ ...row })).toBe(base);
    const variants: Partial<AuditChainFields>[] = [
      { id: 8 },
      { at: '2026-01-01T00:00:00.001Z' },
      { kind: 'door' },
      { decision: null },
      { subject_hmac: null },
      { similarity: 0.4322 },
      { similarity: null },
      { details: '{}' },
      { prev_mac: 'f'.repeat(64) },
    ];
    for (const v of variants) expect(mac.row({ ...row, ...v })).not.toBe(base);
  });

  it('cannot be fooled by moving text across a field boundary', () => {
    const a = mac.row({ ...row, kind: 'decision', at: 'x,y' });
    const b = mac.row({ ...row, kind: 'y,decision', at: 'x' });
    expect(a).not.toBe(b);
  });

  it('depends on the key, and head/checkpoint MACs are domain-separated from rows', () => {
    expect(new AuditMac(randomBytes(32)).row(row)).not.toBe(mac.row(row));
    const head = mac.head({ last_id: 7, last_mac: AUDIT_GENESIS_MAC, rows: 7 });
    expect(head).not.toBe(
      mac.checkpoint({ boundary_id: 7, boundary_mac: AUDIT_GENESIS_MAC, purged_rows: 7, at: '' }),
    );
    expect(() => new AuditMac(Buffer.alloc(16))).toThrow();
  });

  it('compares MACs safely, whatever is stored', () => {
    const m = mac.row(row);
    expect(macEquals(m, m)).toBe(true);
    expect(macEquals(null, m)).toBe(false);
    expect(macEquals(m.slice(1), m)).toBe(false);
  });
});
