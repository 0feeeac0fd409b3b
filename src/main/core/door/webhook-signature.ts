import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header names of a signed door webhook. */
export const SIGNATURE_HEADER = 'x-station-signature';
export const TIMESTAMP_HEADER = 'x-station-timestamp';

/**
 * `sha256=<hex>` of HMAC-SHA-256(secret, "<unix-ms>.<body>"). The timestamp is inside the MAC so
 * a captured request cannot be replayed later with a fresh header (receivers check the age).
 */
export function signWebhook(secret: Buffer, timestampMs: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestampMs}.${body}`).digest('hex');
  return `sha256=${mac}`;
}

/** What a door-side receiver does; exported for integrators and for our tests. */
export function verifyWebhook(opts: {
  secret: Buffer;
  body: string;
  signature: string | undefined;
  timestamp: string | undefined;
  nowMs: number;
  maxAgeMs: number;
}): boolean {
  const ts = Number(opts.timestamp);
  if (!opts.signature || !Number.isSafeInteger(ts)) return false;
  if (Math.abs(opts.nowMs - ts) > opts.maxAgeMs) return false;
  const expected = Buffer.from(signWebhook(opts.secret, ts, opts.body));
  const given = Buffer.from(opts.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
