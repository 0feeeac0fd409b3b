import { randomBytes } from 'node:crypto';

/** AES-GCM's 96-bit nonce. */
export const GCM_NONCE_BYTES = 12;
/** Nonces drawn from the OS per refill: one call per this many seals, not one per seal. */
const NONCES_PER_REFILL = 4096;

let pool = Buffer.alloc(0);
let used = 0;

/**
 * A fresh random GCM nonce. A site's first sync seals hundreds of thousands of templates, and
 * one randomBytes call per seal cost about as much as the encryption itself; drawing them in
 * blocks keeps every nonce a distinct, never reused slice of the OS generator's output, which
 * is all a random nonce needs (nonces are public: the block holds no secret).
 */
export function freshGcmNonce(): Buffer {
  if (used + GCM_NONCE_BYTES > pool.length) {
    pool = randomBytes(GCM_NONCE_BYTES * NONCES_PER_REFILL);
    used = 0;
  }
  // A view, not a copy: a block is never written again once drawn (the next refill is new).
  const nonce = pool.subarray(used, used + GCM_NONCE_BYTES);
  used += GCM_NONCE_BYTES;
  return nonce;
}
