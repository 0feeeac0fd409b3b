import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { StationError } from '../../../shared/errors';
import { freshGcmNonce, GCM_NONCE_BYTES } from './gcm-nonces';

/** Stored with every sealed row and in template_encryption: what `seal` produces. */
export const TEMPLATE_FORMAT = 'aes-256-gcm/v1';
export const TEMPLATE_KEY_BYTES = 32;
const NONCE_BYTES = GCM_NONCE_BYTES;
const TAG_BYTES = 16;

/** Which row a template ciphertext belongs to: bound as AAD, so blobs cannot be moved. */
export interface TemplateBinding {
  templateId: number;
  personId: string;
  modelId: string;
  dim: number;
}

/**
 * AES-256-GCM for face templates and the gallery index file. Sealed bytes are
 * nonce(12) | ciphertext | tag(16), with a fresh random nonce each time (at most a few
 * million seals per key, far below the 2^32 random-nonce bound).
 *
 * The master key is never used directly: HKDF derives separate keys for templates and for the
 * index file, a public key id and a key check value. The check value is stored in the database
 * so a wrong key is reported as TEMPLATE_KEY_MISMATCH up front, rather than surfacing as a
 * tag failure on the first row (which looks like tampering) or, worse, as garbage.
 */
export class TemplateCipher {
  readonly keyId: string;
  readonly checkValue: string;
  private readonly templateKey: Buffer;
  private readonly indexKey: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== TEMPLATE_KEY_BYTES) {
      throw new StationError(
        'TEMPLATE_KEY_MISMATCH',
        `Template key has ${masterKey.length} bytes, expected ${TEMPLATE_KEY_BYTES}`,
      );
    }
    this.templateKey = derive(masterKey, 'templates', 32);
    this.indexKey = derive(masterKey, 'gallery-index', 32);
    this.keyId = derive(masterKey, 'key-id', 8).toString('hex');
    this.checkValue = derive(masterKey, 'key-check', 32).toString('hex');
  }

  sealTemplate(vector: Float32Array, at: TemplateBinding): Buffer {
    if (vector.length !== at.dim) {
      throw new StationError(
        'INTERNAL',
        `template has ${vector.length} values, expected ${at.dim}`,
      );
    }
    const raw = Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
    return seal(this.templateKey, raw, templateAad(at));
  }

  openTemplate(sealed: Buffer, at: TemplateBinding): Float32Array {
    const raw = open(this.templateKey, sealed, templateAad(at), () => `template ${at.templateId}`);
    if (raw.length !== at.dim * 4) {
      throw new StationError(
        'TEMPLATE_TAMPERED',
        `template ${at.templateId} decrypts to ${raw.length} bytes, expected ${at.dim * 4}`,
      );
    }
    // Copy into an aligned buffer (Float32Array needs 4-byte alignment).
    const out = new Float32Array(at.dim);
    new Uint8Array(out.buffer).set(raw);
    raw.fill(0);
    return out;
  }

  /**
   * Seals a whole file's bytes (given in parts: sealed as their concatenation, never joined
   * first); `context` names what the bytes are (bound as AAD).
   */
  sealFile(bytes: Uint8Array | readonly Uint8Array[], context: string): Buffer {
    return seal(this.indexKey, bytes, Buffer.from(`file:v1\0${context}`));
  }

  /** The same sealing a piece at a time (an index file written while the station serves). */
  sealFileStream(context: string): FileSealStream {
    return sealStream(this.indexKey, Buffer.from(`file:v1\0${context}`));
  }

  openFile(sealed: Buffer, context: string): Buffer {
    return open(this.indexKey, sealed, Buffer.from(`file:v1\0${context}`), () => context);
  }

  /**
   * openFile for a sealed file on disk, read in chunks: null (nothing decrypted) when the file's GCM
   * tag is not `expectedTag`, read first so a stale or replaced file costs one small read. The tag
   * names one sealing (fresh random nonce) and GCM's final check proves every byte belongs to it, so
   * no separate hash pass is needed. Never holds the sealed bytes whole: each fresh buffer of a 100k
   * gallery's size costs ~1 s of page faults at start (docs/BENCHMARKS.md, "Cold start of a 100k
   * gallery").
   */
  openFileAt(path: string, context: string, expectedTag: string): Buffer | null {
    return openSealedFile(this.indexKey, path, Buffer.from(`file:v1\0${context}`), expectedTag);
  }

  sealedTag(sealed: Uint8Array): string {
    return sealedFileTag(sealed);
  }
}

/** The GCM tag of sealed bytes (hex): what `openFileAt` expects to find in the file. */
export function sealedFileTag(sealed: Uint8Array): string {
  if (sealed.length < NONCE_BYTES + TAG_BYTES) {
    throw new StationError('INTERNAL', `sealed bytes are ${sealed.length} long, too short`);
  }
  return Buffer.from(sealed.subarray(sealed.length - TAG_BYTES)).toString('hex');
}

const FILE_CHUNK_BYTES = 4 << 20;

function readAt(fd: number, into: Buffer, length: number, position: number): Buffer {
  let got = 0;
  while (got < length) {
    const n = readSync(fd, into, got, length - got, position + got);
    if (n === 0) throw new StationError('TEMPLATE_TAMPERED', 'sealed file is truncated');
    got += n;
  }
  return into.subarray(0, length);
}

function openSealedFile(
  key: Buffer,
  path: string,
  aad: Buffer,
  expectedTag: string,
): Buffer | null {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size < NONCE_BYTES + TAG_BYTES) {
      throw new StationError('TEMPLATE_TAMPERED', `${path}: ciphertext is truncated`);
    }
    const nonce = Buffer.from(readAt(fd, Buffer.alloc(NONCE_BYTES), NONCE_BYTES, 0));
    const tag = Buffer.from(readAt(fd, Buffer.alloc(TAG_BYTES), TAG_BYTES, size - TAG_BYTES));
    if (tag.toString('hex') !== expectedTag) return null;
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    const bodyEnd = size - TAG_BYTES;
    // Not from Buffer's shared pool: the caller zeroes it, and it must own what it zeroes.
    const plain = Buffer.allocUnsafeSlow(bodyEnd - NONCE_BYTES);
    const chunk = Buffer.allocUnsafeSlow(Math.min(FILE_CHUNK_BYTES, size));
    let written = 0;
    for (let pos = NONCE_BYTES; pos < bodyEnd;) {
      const bytes = readAt(fd, chunk, Math.min(chunk.length, bodyEnd - pos), pos);
      const part = decipher.update(bytes);
      written += part.copy(plain, written);
      part.fill(0);
      pos += bytes.length;
    }
    try {
      // GCM is a stream mode: final() only checks the tag (nothing was buffered).
      if (decipher.final().length !== 0 || written !== plain.length) throw new Error('length');
    } catch (err) {
      plain.fill(0);
      throw new StationError(
        'TEMPLATE_TAMPERED',
        `${path} failed its integrity check (ciphertext modified or moved to another file)`,
        { cause: err },
      );
    }
    return plain;
  } finally {
    closeSync(fd);
  }
}

function derive(master: Buffer, purpose: string, bytes: number): Buffer {
  const salt = Buffer.from('face-access-station template key');
  return Buffer.from(hkdfSync('sha256', master, salt, Buffer.from(purpose), bytes));
}

/** JSON array: unambiguous whatever characters the ids hold. */
function templateAad(at: TemplateBinding): Buffer {
  return Buffer.from(
    JSON.stringify(['template:v1', at.templateId, at.personId, at.modelId, at.dim]),
  );
}

/** Plaintext encrypted per update call: bounds the temporary copies of a large file. */
export const SEAL_CHUNK_BYTES = 8 << 20;

/** Sealed bytes produced piece by piece: `head`, each update's output, then `final().tail`. */
export interface FileSealStream {
  readonly head: Buffer;
  update(plain: Uint8Array): Buffer;
  /** The last bytes of the sealed file (the tag included) and the tag in hex. */
  final(): { tail: Buffer; tag: string };
}

function sealStream(key: Buffer, aad: Buffer): FileSealStream {
  const nonce = freshGcmNonce();
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  return {
    head: Buffer.from(nonce),
    update: (plain) => cipher.update(plain),
    final: () => {
      const rest = cipher.final();
      const tag = cipher.getAuthTag();
      return { tail: Buffer.concat([rest, tag]), tag: tag.toString('hex') };
    },
  };
}

function seal(key: Buffer, plain: Uint8Array | readonly Uint8Array[], aad: Buffer): Buffer {
  const parts = plain instanceof Uint8Array ? [plain] : plain;
  const s = sealStream(key, aad);
  // One output buffer, filled chunk by chunk: a 100k gallery's index file is ~600 MB, and
  // concatenating whole copies of it cost seconds of allocation and page faults.
  const length = parts.reduce((n, p) => n + p.length, 0);
  const out = Buffer.allocUnsafe(NONCE_BYTES + length + TAG_BYTES);
  let at = s.head.copy(out, 0);
  for (const part of parts) {
    for (let i = 0; i < part.length; i += SEAL_CHUNK_BYTES) {
      at += s.update(part.subarray(i, i + SEAL_CHUNK_BYTES)).copy(out, at);
    }
  }
  s.final().tail.copy(out, at);
  return out;
}

function open(key: Buffer, sealed: Buffer, aad: Buffer, what: () => string): Buffer {
  if (sealed.length < NONCE_BYTES + TAG_BYTES) {
    throw new StationError('TEMPLATE_TAMPERED', `${what()}: ciphertext is truncated`);
  }
  const nonce = sealed.subarray(0, NONCE_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  try {
    const body = sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES);
    const plain = decipher.update(body);
    const rest = decipher.final();
    // GCM is a stream mode: final() only checks the tag. Skipping the concat saves a second
    // allocation + copy of a 20 MB index at start-up (fresh pages are slow to fault in).
    return rest.length === 0 ? plain : Buffer.concat([plain, rest]);
  } catch (err) {
    // The key was checked against the stored check value before any row is read, so a tag
    // failure here means the bytes or their row binding changed.
    throw new StationError(
      'TEMPLATE_TAMPERED',
      `${what()} failed its integrity check (ciphertext modified or moved to another row)`,
      { cause: err },
    );
  }
}
