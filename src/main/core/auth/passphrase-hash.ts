import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/** What the settings table keeps per role: never the passphrase, only salt + scrypt output. */
export interface PassphraseHash {
  algo: 'scrypt';
  /** Cost parameters stored with the hash so they can be raised later without a lock-out. */
  N: number;
  r: number;
  p: number;
  saltHex: string;
  hashHex: string;
}

// N = 2^15 costs ~32 MiB and tens of ms: cheap for one login, expensive for an offline guesser.
const DEFAULT_COST = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;

function derive(passphrase: string, salt: Buffer, cost: { N: number; r: number; p: number }) {
  return scryptSync(passphrase.normalize('NFC'), salt, KEY_BYTES, {
    ...cost,
    maxmem: 256 * cost.N * cost.r,
  });
}

export function hashPassphrase(passphrase: string): PassphraseHash {
  const salt = randomBytes(SALT_BYTES);
  const hash = derive(passphrase, salt, DEFAULT_COST);
  return {
    algo: 'scrypt',
    ...DEFAULT_COST,
    saltHex: salt.toString('hex'),
    hashHex: hash.toString('hex'),
  };
}

/** Constant-time compare of the derived key; a malformed record never verifies. */
export function verifyPassphrase(passphrase: string, stored: PassphraseHash): boolean {
  const expected = Buffer.from(stored.hashHex, 'hex');
  if (expected.length !== KEY_BYTES) return false;
  const actual = derive(passphrase, Buffer.from(stored.saltHex, 'hex'), stored);
  return timingSafeEqual(actual, expected);
}

export function isPassphraseHash(value: unknown): value is PassphraseHash {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v['algo'] === 'scrypt' &&
    typeof v['N'] === 'number' &&
    v['N'] >= 2 ** 14 &&
    typeof v['r'] === 'number' &&
    typeof v['p'] === 'number' &&
    typeof v['saltHex'] === 'string' &&
    typeof v['hashHex'] === 'string'
  );
}
