import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { StationError } from '../../../shared/errors';
import {
  newPairingCode,
  normalisePairingCode,
  openPairingBundle,
  pairingLookup,
  sealPairingBundle,
  type PairingBundle,
} from './pairing-code';
import { SiteCipher } from './site-cipher';

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    return err instanceof StationError ? err.code : String(err);
  }
  return 'no error';
};

describe('pairing codes', () => {
  it('are 20 Crockford base32 characters in five groups, and normalise as typed', () => {
    const c = newPairingCode();
    expect(c).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/);
    expect(normalisePairingCode(c.toLowerCase().replace(/-/g, ' '))).toBe(c.replace(/-/g, ''));
    expect(normalisePairingCode('oOiIlL00-1111-2222-3333')).toBe('00111100111122223333');
    expect(normalisePairingCode('ABCD-EFGH')).toBeNull();
    expect(normalisePairingCode('UUUU-UUUU-UUUU-UUUU-UUUU')).toBeNull();
  });

  it('seal a bundle only the code opens; the lookup does not reveal the code', () => {
    const c = newPairingCode();
    const bundle: PairingBundle = {
      v: 1,
      siteId: randomUUID(),
      stationId: randomUUID(),
      role: 'site_st_x',
      password: 'pw',
      siteKey: randomBytes(32).toString('base64'),
      label: 'Door',
      doorId: 'door-1',
    };
    const sealed = sealPairingBundle(bundle, c);
    expect(sealed.includes(Buffer.from(bundle.siteKey))).toBe(false);
    expect(openPairingBundle(sealed, c.toLowerCase())).toEqual(bundle);
    expect(code(() => openPairingBundle(sealed, newPairingCode()))).toBe('TEMPLATE_TAMPERED');
    expect(pairingLookup(c)).toMatch(/^[0-9a-f]{64}$/);
    expect(pairingLookup(c)).not.toContain(c.replace(/-/g, '').toLowerCase());
    expect(code(() => pairingLookup('short'))).toBe('SITE_PAIRING_INVALID');
  });
});

describe('SiteCipher', () => {
  const key = randomBytes(32);
  const cipher = new SiteCipher(key);

  it('binds a template to its row: another id, person, model or key cannot open it', () => {
    const v = new Float32Array(512).map(() => Math.random());
    const at = { templateId: randomUUID(), personId: randomUUID(), modelId: 'm', dim: 512 };
    const sealed = cipher.sealTemplate(v, at);
    expect(cipher.openTemplate(sealed, at)).toEqual(v);
    const raw = Buffer.from(v.buffer);
    expect(sealed.includes(raw.subarray(0, 64))).toBe(false);
    for (const other of [
      { ...at, templateId: randomUUID() },
      { ...at, personId: randomUUID() },
      { ...at, modelId: 'other' },
    ]) {
      expect(code(() => cipher.openTemplate(sealed, other))).toBe('TEMPLATE_TAMPERED');
    }
    expect(code(() => new SiteCipher(randomBytes(32)).openTemplate(sealed, at))).toBe(
      'TEMPLATE_TAMPERED',
    );
  });

  it('derives one pepper, key id and check value per site key, none of them the key', () => {
    const again = new SiteCipher(Buffer.from(key));
    expect(again.auditPepper.equals(cipher.auditPepper)).toBe(true);
    expect(again.checkValue).toBe(cipher.checkValue);
    expect(cipher.auditPepper.equals(key)).toBe(false);
    expect(cipher.checkValue).not.toContain(key.toString('hex'));
    expect(new SiteCipher(randomBytes(32)).keyId).not.toBe(cipher.keyId);
  });

  it('wraps link secrets and audit keys for their own person and station only', () => {
    const secret = randomBytes(32);
    const person = randomUUID();
    expect(cipher.openLinkSecret(cipher.sealLinkSecret(secret, person), person)).toEqual(secret);
    expect(
      code(() => cipher.openLinkSecret(cipher.sealLinkSecret(secret, person), randomUUID())),
    ).toBe('TEMPLATE_TAMPERED');
    const station = randomUUID();
    const wrapped = cipher.sealAuditKey(secret, station);
    expect(cipher.openAuditKey(wrapped, station)).toEqual(secret);
    expect(code(() => cipher.openAuditKey(wrapped, randomUUID()))).toBe('TEMPLATE_TAMPERED');
  });
});
