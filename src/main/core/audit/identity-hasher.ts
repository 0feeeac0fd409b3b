import { createHmac } from 'node:crypto';
import type { PersonLink } from '../ports/people-store';

/**
 * Audit rows name people only as HMAC-SHA-256(station pepper, person id + the person's link
 * secret): a copied log file reveals no names or ids, the station (holding both) can still find
 * "all events of X", and once erasure destroys the link secret no one can (migration 0030).
 */
export class IdentityHasher {
  constructor(
    private readonly pepper: Buffer,
    private readonly linkOf: (personId: string) => PersonLink | undefined,
  ) {
    if (pepper.length < 32) throw new Error('pepper must be at least 32 bytes');
  }

  /** The subject new rows are logged under; null when the person has no link (erased). */
  subject(personId: string): string | null {
    const link = this.linkOf(personId);
    if (!link) return null;
    return createHmac('sha256', this.pepper)
      .update(`person-v2:${personId}:`)
      .update(link.secret)
      .digest('hex');
  }

  /** Every subject the person's rows may carry: the current one, then the pre-0030 one. */
  subjectsOf(personId: string): string[] {
    const current = this.subject(personId);
    if (current === null) return [];
    const link = this.linkOf(personId);
    return link?.legacy ? [current, legacySubject(this.pepper, personId)] : [current];
  }
}

/** The pre-0030 derivation; only ever searched for, never written any more. */
export function legacySubject(pepper: Buffer, personId: string): string {
  return createHmac('sha256', pepper).update(`person:${personId}`).digest('hex');
}
