import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import { StationError } from '../../../shared/errors';
import { freshGcmNonce, GCM_NONCE_BYTES } from '../crypto/gcm-nonces';

const NONCE_BYTES = GCM_NONCE_BYTES;
const TAG_BYTES = 16;

/** nonce(12) | ciphertext | tag(16), a fresh random nonce per seal (as TemplateCipher does). */
export function sealGcm(key: Buffer, plain: Uint8Array, aad: Buffer): Buffer {
  const nonce = freshGcmNonce();
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

/** Opens what sealGcm sealed with the same key and AAD; TEMPLATE_TAMPERED otherwise. */
export function openGcm(key: Buffer, sealed: Buffer, aad: Buffer, what: string): Buffer {
  if (sealed.length < NONCE_BYTES + TAG_BYTES) {
    throw new StationError('TEMPLATE_TAMPERED', `${what}: ciphertext is truncated`);
  }
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, NONCE_BYTES), {
    authTagLength: TAG_BYTES,
  });
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    const plain = decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES));
    decipher.final();
    return plain;
  } catch (err) {
    throw new StationError(
      'TEMPLATE_TAMPERED',
      `${what} failed its integrity check (modified, moved, or sealed with another site key)`,
      { cause: err },
    );
  }
}

/** HKDF-SHA-256 with a fixed salt per use: one master key, unrelated keys per purpose. */
export function hkdf(master: Uint8Array, salt: string, purpose: string, bytes = 32): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.from(salt), Buffer.from(purpose), bytes));
}
