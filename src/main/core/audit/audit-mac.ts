import { createHmac, timingSafeEqual } from 'node:crypto';

export { AUDIT_GENESIS_MAC } from '../../../shared/audit-constants';

/** The columns of one audit row that its MAC covers (as stored, details as its JSON text). */
export interface AuditChainFields {
  id: number;
  at: string;
  kind: string;
  decision: string | null;
  subject_hmac: string | null;
  similarity: number | null;
  details: string;
  prev_mac: string;
}

/** The newest row's MAC and the count of rows ever appended, kept so tail deletion shows. */
export interface AuditHeadFields {
  last_id: number;
  last_mac: string;
  rows: number;
}

/** Where a retention purge cut the log: the next kept row chains to boundary_mac. */
export interface AuditCheckpointFields {
  boundary_id: number;
  boundary_mac: string;
  purged_rows: number;
  at: string;
}

/**
 * The log's identity, recorded once in the database (audit_anchor) when anchoring started:
 * the anchor file outside the database names the same genesis, so a replaced database shows.
 */
export interface AuditGenesisFields {
  genesis: string;
  created_at: string;
}

/**
 * What the anchor file outside the database (keys/audit-anchor.json) vouches for: the log of
 * `genesis` was written at least up to row `last_id` (MAC `last_mac`), `rows` rows in all.
 */
export interface AuditAnchorFields {
  genesis: string;
  rows: number;
  last_id: number;
  last_mac: string;
}

/**
 * HMAC-SHA-256 over a canonical encoding of each audit record. The encoding is a JSON array
 * with a version tag first: JSON arrays of strings, numbers and nulls are unambiguous (no field
 * boundary can be shifted), and numbers read back from SQLite REAL serialise identically.
 * Never change an encoding in place: add a new tag, since migration 0020 and old logs use v1.
 */
export class AuditMac {
  constructor(private readonly key: Buffer) {
    if (key.length < 32) throw new Error('audit MAC key must be at least 32 bytes');
  }

  row(r: AuditChainFields): string {
    return this.mac([
      'audit-row-v1',
      r.id,
      r.at,
      r.kind,
      r.decision,
      r.subject_hmac,
      r.similarity,
      r.details,
      r.prev_mac,
    ]);
  }

  head(h: AuditHeadFields): string {
    return this.mac(['audit-head-v1', h.last_id, h.last_mac, h.rows]);
  }

  checkpoint(c: AuditCheckpointFields): string {
    return this.mac(['audit-checkpoint-v1', c.boundary_id, c.boundary_mac, c.purged_rows, c.at]);
  }

  genesis(g: AuditGenesisFields): string {
    return this.mac(['audit-genesis-v1', g.genesis, g.created_at]);
  }

  anchor(a: AuditAnchorFields): string {
    return this.mac(['audit-anchor-v1', a.genesis, a.rows, a.last_id, a.last_mac]);
  }

  private mac(parts: unknown[]): string {
    return createHmac('sha256', this.key).update(JSON.stringify(parts)).digest('hex');
  }
}

/** Constant-time comparison of two hex MACs (a stored value may be anything, even null). */
export function macEquals(a: string | null | undefined, b: string): boolean {
  if (typeof a !== 'string' || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
