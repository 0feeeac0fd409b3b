import { createHmac } from 'node:crypto';

/**
 * Audit rows name people only as HMAC-SHA-256(station pepper, person id): a copied log file
 * reveals no names or ids, yet the station (holding the pepper) can still find "all events of X".
 */
export class IdentityHasher {
  constructor(private readonly pepper: Buffer) {
    if (pepper.length < 32) throw new Error('pepper must be at least 32 bytes');
  }

  subject(personId: string): string {
    return createHmac('sha256', this.pepper).update(`person:${personId}`).digest('hex');
  }
}
