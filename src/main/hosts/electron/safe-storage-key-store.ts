import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { StationError } from '../../../shared/errors';
import {
  FileTemplateKeyStore,
  writeKeyFileExclusive,
} from '../../core/crypto/file-template-key-store';
import { TEMPLATE_KEY_BYTES } from '../../core/crypto/template-cipher';
import type { TemplateKeyStore } from '../../core/crypto/template-key-store';
import { writeFileAtomic } from '../../core/util/atomic-file';
import { zeroFileInPlace } from '../../core/util/zero-file';

/** The part of Electron's `safeStorage` used here (the async API; the sync one is deprecated). */
export interface SafeStorageLike {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
  /** Linux only: 'basic_text' means no keyring, i.e. a hard-coded password. */
  getSelectedStorageBackend?(): string;
}

export interface KeyFilePaths {
  /** The same file the CLI and browser mode use (keys/template.key, 0600). */
  templateKey: string;
  /** The key wrapped by the OS keychain (keys/template.key.safe). */
  templateKeyWrapped: string;
}

export type KeyProtection = 'os-keychain' | 'key-file';

/**
 * Template key store wrapped by the OS keychain (Electron safeStorage), so a copied data folder is
 * useless without the user's login. A plain key file is wrapped, verified, then zeroed and deleted.
 * Without a real keyring ('basic_text') the 0600 key file is used instead, since a hard-coded
 * password would only pretend to protect it.
 */
export async function openSafeStorageKeyStore(
  safe: SafeStorageLike,
  paths: KeyFilePaths,
): Promise<{ store: TemplateKeyStore; protection: KeyProtection }> {
  const strong = await keychainIsStrong(safe);
  const plain = new FileTemplateKeyStore(paths.templateKey);
  if (existsSync(paths.templateKeyWrapped)) {
    if (!(await safe.isAsyncEncryptionAvailable())) {
      throw new StationError(
        'TEMPLATE_KEY_MISSING',
        `The template key ${paths.templateKeyWrapped} is wrapped by the OS keychain, which is not available now.`,
      );
    }
    const key = await unwrap(safe, paths.templateKeyWrapped);
    return {
      store: new UnwrappedKeyStore(paths.templateKeyWrapped, key),
      protection: 'os-keychain',
    };
  }
  if (!strong) return { store: plain, protection: 'key-file' };
  const existing = plain.load();
  if (existing !== null) {
    await adoptPlainKey(safe, existing, paths);
    return {
      store: new UnwrappedKeyStore(paths.templateKeyWrapped, existing),
      protection: 'os-keychain',
    };
  }
  const fresh = randomBytes(TEMPLATE_KEY_BYTES);
  const wrapped = await safe.encryptStringAsync(fresh.toString('base64'));
  return {
    store: new UnwrappedKeyStore(paths.templateKeyWrapped, null, { key: fresh, wrapped }),
    protection: 'os-keychain',
  };
}

async function keychainIsStrong(safe: SafeStorageLike): Promise<boolean> {
  if (!(await safe.isAsyncEncryptionAvailable())) return false;
  if (process.platform !== 'linux') return true;
  return safe.getSelectedStorageBackend?.() !== 'basic_text';
}

async function unwrap(safe: SafeStorageLike, file: string): Promise<Buffer> {
  let decrypted: { result: string; shouldReEncrypt: boolean };
  try {
    decrypted = await safe.decryptStringAsync(readFileSync(file));
  } catch (err) {
    throw new StationError(
      'TEMPLATE_KEY_MISSING',
      `The OS keychain cannot unwrap the template key ${file} (another user account, or the ` +
        'keyring was reset). Restore the keyring, or the key from a backup.',
      { cause: err },
    );
  }
  const key = Buffer.from(decrypted.result, 'base64');
  if (key.length !== TEMPLATE_KEY_BYTES) {
    throw new StationError(
      'TEMPLATE_KEY_MISMATCH',
      `The unwrapped template key has ${key.length} bytes, expected ${TEMPLATE_KEY_BYTES}`,
    );
  }
  if (decrypted.shouldReEncrypt) {
    // The keychain rotated its own key: store the key wrapped under the new one.
    writeFileAtomic(file, await safe.encryptStringAsync(key.toString('base64')), 0o600);
  }
  return key;
}

/** Wrap, prove the wrapped copy unwraps to the same key, and only then remove the plain file. */
async function adoptPlainKey(
  safe: SafeStorageLike,
  key: Buffer,
  paths: KeyFilePaths,
): Promise<void> {
  const wrapped = await safe.encryptStringAsync(key.toString('base64'));
  const back = Buffer.from((await safe.decryptStringAsync(wrapped)).result, 'base64');
  if (!back.equals(key)) {
    throw new StationError('INTERNAL', 'safeStorage did not return the key it wrapped');
  }
  writeKeyFileExclusive(paths.templateKeyWrapped, wrapped);
  zeroFileInPlace(paths.templateKey);
  unlinkSync(paths.templateKey);
}

/** A key already unwrapped (or prepared and wrapped) by openSafeStorageKeyStore. */
class UnwrappedKeyStore implements TemplateKeyStore {
  readonly description: string;

  constructor(
    private readonly wrappedFile: string,
    private key: Buffer | null,
    private readonly prepared?: { key: Buffer; wrapped: Buffer },
  ) {
    this.description = `OS-keychain-wrapped key ${wrappedFile}`;
  }

  load(): Buffer | null {
    // A copy: callers zero the buffer they get once the cipher has derived its keys.
    return this.key ? Buffer.from(this.key) : null;
  }

  create(): Buffer {
    if (this.key) return Buffer.from(this.key);
    if (!this.prepared) throw new StationError('INTERNAL', 'no prepared template key');
    if (!writeKeyFileExclusive(this.wrappedFile, this.prepared.wrapped)) {
      // Only another station process could have raced us here (the app holds a
      // single-instance lock); its key cannot be unwrapped synchronously, so stop cleanly.
      throw new StationError(
        'TEMPLATE_KEY_MISSING',
        `Another process created ${this.wrappedFile} at the same time. Restart the station.`,
      );
    }
    this.key = this.prepared.key;
    return Buffer.from(this.key);
  }
}
