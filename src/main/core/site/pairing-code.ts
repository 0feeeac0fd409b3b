import { randomBytes } from 'node:crypto';
import { StationError } from '../../../shared/errors';
import { hkdf, openGcm, sealGcm } from './aes-gcm';

/** Crockford's base32: no I, L, O, U, so a code read aloud or retyped survives. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_CHARS = 20; // 100 bits: far beyond guessing, and each code works once, briefly
const SALT = 'face-access-station pairing code';

/** What a station receives over the pairing channel; the site database only sees it sealed. */
export interface PairingBundle {
  v: 1;
  siteId: string;
  stationId: string;
  /** The station's own database login and its password. */
  role: string;
  password: string;
  /** The site key (base64), sealed under the code: the database never sees it. */
  siteKey: string;
  label: string;
  doorId: string;
}

/** A fresh one-time code, shown to the admin as XXXX-XXXX-XXXX-XXXX-XXXX. */
export function newPairingCode(): string {
  const bytes = randomBytes(CODE_CHARS);
  const chars = Array.from(bytes, (b) => ALPHABET[b & 31]).join('');
  return chars.match(/.{4}/g)!.join('-');
}

/** The code as typed, normalised (case, dashes, spaces, O/I/L look-alikes); null if invalid. */
export function normalisePairingCode(input: string): string | null {
  const s = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (s.length !== CODE_CHARS) return null;
  return [...s].every((c) => ALPHABET.includes(c)) ? s : null;
}

function canonical(code: string): string {
  const c = normalisePairingCode(code);
  if (c === null) {
    throw new StationError(
      'SITE_PAIRING_INVALID',
      `A pairing code is ${CODE_CHARS} characters (letters and digits, dashes optional).`,
    );
  }
  return c;
}

/** The database's handle on a code: derived one-way, so the stored row does not reveal it. */
export function pairingLookup(code: string): string {
  return hkdf(Buffer.from(canonical(code)), SALT, 'lookup').toString('hex');
}

export function sealPairingBundle(bundle: PairingBundle, code: string): Buffer {
  const key = hkdf(Buffer.from(canonical(code)), SALT, 'bundle');
  return sealGcm(key, Buffer.from(JSON.stringify(bundle)), Buffer.from('pairing-bundle:v1'));
}

export function openPairingBundle(sealed: Buffer, code: string): PairingBundle {
  const key = hkdf(Buffer.from(canonical(code)), SALT, 'bundle');
  const plain = openGcm(key, sealed, Buffer.from('pairing-bundle:v1'), 'pairing bundle');
  const bundle = JSON.parse(plain.toString('utf8')) as PairingBundle;
  plain.fill(0);
  if (bundle.v !== 1 || typeof bundle.siteKey !== 'string') {
    throw new StationError('SITE_PAIRING_INVALID', 'the pairing bundle has an unknown format');
  }
  return bundle;
}
