import { StationError } from '../../../shared/errors';
import { hkdf, openGcm, sealGcm } from './aes-gcm';

export const SITE_KEY_BYTES = 32;
const SALT = 'face-access-station site key';

/** Which directory row a template ciphertext belongs to (bound as AAD: blobs cannot move). */
export interface SiteTemplateBinding {
  templateId: string;
  personId: string;
  modelId: string;
  dim: number;
}

/**
 * Everything the site database holds that must stay unreadable to it is sealed here, under
 * keys derived (HKDF) from the site key, which only stations hold (delivered at pairing, kept
 * like the template key: 0600 file or the OS keychain). The database sees ciphertext, a key id
 * and a one-way check value; never a vector, a link secret, a station's audit key or the key.
 *
 * The audit pepper is derived too: every station of a site names a person by the same HMAC,
 * so the site's review can find one person's events at every door with the same rules as a
 * single station (erasing the person's link secret still makes them unlinkable everywhere).
 */
export class SiteCipher {
  readonly keyId: string;
  readonly checkValue: string;
  readonly auditPepper: Buffer;
  private readonly templateKey: Buffer;
  private readonly linkKey: Buffer;
  private readonly auditKeyWrap: Buffer;

  constructor(siteKey: Buffer) {
    if (siteKey.length !== SITE_KEY_BYTES) {
      throw new StationError(
        'TEMPLATE_KEY_MISMATCH',
        `Site key has ${siteKey.length} bytes, expected ${SITE_KEY_BYTES}`,
      );
    }
    this.templateKey = hkdf(siteKey, SALT, 'templates');
    this.linkKey = hkdf(siteKey, SALT, 'person-links');
    this.auditKeyWrap = hkdf(siteKey, SALT, 'station-audit-keys');
    this.auditPepper = hkdf(siteKey, SALT, 'audit-pepper');
    this.keyId = hkdf(siteKey, SALT, 'key-id', 8).toString('hex');
    this.checkValue = hkdf(siteKey, SALT, 'key-check').toString('hex');
  }

  sealTemplate(vector: Float32Array, at: SiteTemplateBinding): Buffer {
    if (vector.length !== at.dim) {
      throw new StationError(
        'INTERNAL',
        `template has ${vector.length} values, ${at.dim} expected`,
      );
    }
    const raw = Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
    return sealGcm(this.templateKey, raw, templateAad(at));
  }

  openTemplate(sealed: Buffer, at: SiteTemplateBinding): Float32Array {
    const raw = openGcm(
      this.templateKey,
      sealed,
      templateAad(at),
      `site template ${at.templateId}`,
    );
    if (raw.length !== at.dim * 4) {
      raw.fill(0);
      throw new StationError(
        'TEMPLATE_TAMPERED',
        `site template ${at.templateId} decrypts to ${raw.length} bytes, expected ${at.dim * 4}`,
      );
    }
    const out = new Float32Array(at.dim);
    new Uint8Array(out.buffer).set(raw);
    raw.fill(0);
    return out;
  }

  sealLinkSecret(secret: Buffer, personId: string): Buffer {
    return sealGcm(this.linkKey, secret, Buffer.from(JSON.stringify(['site-link:v1', personId])));
  }

  openLinkSecret(sealed: Buffer, personId: string): Buffer {
    const aad = Buffer.from(JSON.stringify(['site-link:v1', personId]));
    return openGcm(this.linkKey, sealed, aad, `link secret of person ${personId}`);
  }

  /** A station's audit MAC key, for the site's verifiers (bound to the station id). */
  sealAuditKey(key: Buffer, stationId: string): Buffer {
    return sealGcm(
      this.auditKeyWrap,
      key,
      Buffer.from(JSON.stringify(['audit-key:v1', stationId])),
    );
  }

  openAuditKey(sealed: Buffer, stationId: string): Buffer {
    const aad = Buffer.from(JSON.stringify(['audit-key:v1', stationId]));
    return openGcm(this.auditKeyWrap, sealed, aad, `audit key of station ${stationId}`);
  }
}

function templateAad(at: SiteTemplateBinding): Buffer {
  return Buffer.from(
    JSON.stringify(['site-template:v1', at.templateId, at.personId, at.modelId, at.dim]),
  );
}
