import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StationError } from '../../../shared/errors';
import { makeTempDir } from '../../../../tests/support/temp-dir';
import { TemplateCipher, type TemplateBinding } from './template-cipher';

const at: TemplateBinding = { templateId: 7, personId: 'p-1', modelId: 'm@4', dim: 4 };
const v = Float32Array.from([0.5, -0.25, 0.125, 1]);

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof StationError ? err.code : String(err);
  }
  return undefined;
}

describe('TemplateCipher', () => {
  const key = randomBytes(32);
  const cipher = new TemplateCipher(key);

  it('seals to nonce|ciphertext|tag and opens back bit-exactly', () => {
    const sealed = cipher.sealTemplate(v, at);
    expect(sealed).toHaveLength(12 + 16 + 16);
    expect(sealed.includes(Buffer.from(v.buffer))).toBe(false);
    expect(cipher.openTemplate(sealed, at)).toEqual(v);
    // A fresh nonce each time: the same vector never seals to the same bytes.
    expect(cipher.sealTemplate(v, at).equals(sealed)).toBe(false);
  });

  it('binds the row: another id, person, model or dim fails as TEMPLATE_TAMPERED', () => {
    const sealed = cipher.sealTemplate(v, at);
    for (const other of [
      { ...at, templateId: 8 },
      { ...at, personId: 'p-2' },
      { ...at, modelId: 'm@5' },
    ]) {
      expect(code(() => cipher.openTemplate(sealed, other))).toBe('TEMPLATE_TAMPERED');
    }
    expect(code(() => cipher.openTemplate(sealed.subarray(0, 20), at))).toBe('TEMPLATE_TAMPERED');
  });

  it('derives a stable key id and check value per key, different for another key', () => {
    const same = new TemplateCipher(Buffer.from(key));
    const other = new TemplateCipher(randomBytes(32));
    expect(same.keyId).toBe(cipher.keyId);
    expect(same.checkValue).toBe(cipher.checkValue);
    expect(other.checkValue).not.toBe(cipher.checkValue);
    expect(cipher.keyId).toMatch(/^[0-9a-f]{16}$/);
    // Neither reveals the key itself.
    expect(cipher.checkValue).not.toContain(key.toString('hex').slice(0, 16));
  });

  it('seals files under their own context', () => {
    const sealed = cipher.sealFile(Buffer.from('index bytes'), 'ctx-a');
    expect(cipher.openFile(sealed, 'ctx-a').toString()).toBe('index bytes');
    expect(code(() => cipher.openFile(sealed, 'ctx-b'))).toBe('TEMPLATE_TAMPERED');
  });

  it('seals a file given in parts, or piece by piece, as the one concatenation', () => {
    // Parts longer than one sealing chunk (8 MB), and not multiples of it.
    const parts = [randomBytes(77), randomBytes(9 * 1024 * 1024 + 3), randomBytes(5)];
    const plain = Buffer.concat(parts);
    expect(cipher.openFile(cipher.sealFile(parts, 'ctx-a'), 'ctx-a').equals(plain)).toBe(true);
    const stream = cipher.sealFileStream('ctx-a');
    const pieces = [stream.head, ...parts.map((p) => stream.update(p))];
    const { tail, tag } = stream.final();
    const sealed = Buffer.concat([...pieces, tail]);
    expect(cipher.sealedTag(sealed)).toBe(tag);
    expect(cipher.openFile(sealed, 'ctx-a').equals(plain)).toBe(true);
    expect(code(() => cipher.openFile(sealed, 'ctx-b'))).toBe('TEMPLATE_TAMPERED');
    // Every sealing draws a fresh nonce.
    const nonces = new Set(
      Array.from({ length: 10_000 }, () =>
        cipher.sealTemplate(v, at).subarray(0, 12).toString('hex'),
      ),
    );
    expect(nonces.size).toBe(10_000);
  });

  it('opens a sealed file from disk in chunks, only the sealing its tag names', () => {
    const tmp = makeTempDir('station-cipher-');
    try {
      const file = join(tmp.dir, 'index.bin');
      // Larger than one read chunk (4 MB), and not a multiple of it.
      const plain = randomBytes(9 * 1024 * 1024 + 77);
      const sealed = cipher.sealFile(plain, 'ctx-a');
      writeFileSync(file, sealed);
      const tag = cipher.sealedTag(sealed);
      expect(tag).toMatch(/^[0-9a-f]{32}$/);
      expect(cipher.openFileAt(file, 'ctx-a', tag)?.equals(plain)).toBe(true);
      // Another sealing of the same bytes (a stale or replaced file) is not the one named.
      const again = cipher.sealFile(plain, 'ctx-a');
      expect(cipher.sealedTag(again)).not.toBe(tag);
      writeFileSync(file, again);
      expect(cipher.openFileAt(file, 'ctx-a', tag)).toBeNull();
      writeFileSync(file, sealed);
      expect(code(() => cipher.openFileAt(file, 'ctx-b', tag))).toBe('TEMPLATE_TAMPERED');
      // A modified byte anywhere in the body keeps the tag but fails GCM: never returned.
      for (const at of [12, 5_000_000, sealed.length - 17]) {
        const forged = Buffer.from(sealed);
        forged.writeUInt8(forged.readUInt8(at) ^ 1, at);
        writeFileSync(file, forged);
        expect(code(() => cipher.openFileAt(file, 'ctx-a', tag))).toBe('TEMPLATE_TAMPERED');
      }
      // A modified tag is simply not the sealing named (a rebuild, nothing decrypted).
      const retagged = Buffer.from(sealed);
      retagged.writeUInt8(retagged.readUInt8(sealed.length - 1) ^ 1, sealed.length - 1);
      writeFileSync(file, retagged);
      expect(cipher.openFileAt(file, 'ctx-a', tag)).toBeNull();
      writeFileSync(file, sealed.subarray(0, 20));
      expect(code(() => cipher.openFileAt(file, 'ctx-a', tag))).toBe('TEMPLATE_TAMPERED');
      const empty = cipher.sealFile(Buffer.alloc(0), 'ctx-a');
      writeFileSync(file, empty);
      expect(cipher.openFileAt(file, 'ctx-a', cipher.sealedTag(empty))?.length).toBe(0);
    } finally {
      tmp.cleanup();
    }
  });
});
