import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dataFolderTemplateKeyStore } from '../../core/crypto/file-template-key-store';
import { dataPaths } from '../../core/util/data-dir';
import { StationError } from '../../../shared/errors';
import { makeTempDir } from '../../../../tests/support/temp-dir';
import { openSafeStorageKeyStore, type SafeStorageLike } from './safe-storage-key-store';

/**
 * Electron's binary is not available here, so safeStorage is stood in for by an object with
 * the same async API that really encrypts (AES-GCM under a per-"user" keychain key): a second
 * instance plays another user account or a reset keyring.
 */
function fakeKeychain(backend = 'gnome_libsecret'): SafeStorageLike {
  const secret = randomBytes(32);
  return {
    isAsyncEncryptionAvailable: () => Promise.resolve(true),
    getSelectedStorageBackend: () => backend,
    encryptStringAsync(text) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', secret, iv);
      const body = Buffer.concat([c.update(text, 'utf8'), c.final()]);
      return Promise.resolve(Buffer.concat([iv, body, c.getAuthTag()]));
    },
    decryptStringAsync(b) {
      const d = createDecipheriv('aes-256-gcm', secret, b.subarray(0, 12));
      d.setAuthTag(b.subarray(b.length - 16));
      const text = Buffer.concat([d.update(b.subarray(12, b.length - 16)), d.final()]);
      return Promise.resolve({ result: text.toString('utf8'), shouldReEncrypt: false });
    },
  };
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return err instanceof StationError ? err.code : String(err);
  }
  return 'no error';
}

let tmp: ReturnType<typeof makeTempDir>;
let paths: ReturnType<typeof dataPaths>;
beforeEach(() => {
  tmp = makeTempDir('station-safe-storage-');
  paths = dataPaths(tmp.dir);
});
afterEach(() => tmp.cleanup());

describe('safeStorage template key store (Electron adapter)', () => {
  it('wraps a new key with the keychain, never writes it in plain, unwraps it next start', async () => {
    const keychain = fakeKeychain();
    const first = await openSafeStorageKeyStore(keychain, paths);
    expect(first.protection).toBe('os-keychain');
    expect(first.store.load()).toBeNull();
    const key = first.store.create();
    expect(existsSync(paths.templateKey)).toBe(false);
    expect(statSync(paths.templateKeyWrapped).mode & 0o777).toBe(0o600);
    expect(readFileSync(paths.templateKeyWrapped).includes(key)).toBe(false);
    const again = await openSafeStorageKeyStore(keychain, paths);
    expect(again.store.load()).toEqual(key);
  });

  it('adopts a plain key file written by the CLI: wraps it, then removes the plain file', async () => {
    const cli = dataFolderTemplateKeyStore(tmp.dir);
    const key = cli.create();
    const keychain = fakeKeychain();
    const opened = await openSafeStorageKeyStore(keychain, paths);
    expect(opened.store.load()).toEqual(key);
    expect(existsSync(paths.templateKey)).toBe(false);
    expect((await openSafeStorageKeyStore(keychain, paths)).store.load()).toEqual(key);
    // The CLI now says clearly that it cannot use this folder's key (no second key created).
    expect(() => cli.load()).toThrow(/wrapped by the desktop app's OS keychain/);
  });

  it('fails with TEMPLATE_KEY_MISSING when another keychain cannot unwrap the key', async () => {
    (await openSafeStorageKeyStore(fakeKeychain(), paths)).store.create();
    expect(await code(openSafeStorageKeyStore(fakeKeychain(), paths))).toBe('TEMPLATE_KEY_MISSING');
  });

  it("falls back to the 0600 key file when Linux has no keyring ('basic_text')", async () => {
    if (process.platform !== 'linux') return;
    const opened = await openSafeStorageKeyStore(fakeKeychain('basic_text'), paths);
    expect(opened.protection).toBe('key-file');
    opened.store.create();
    expect(statSync(paths.templateKey).mode & 0o777).toBe(0o600);
    expect(existsSync(paths.templateKeyWrapped)).toBe(false);
  });

  it('does not adopt a plain key file other users can read', async () => {
    mkdirSync(dirname(paths.templateKey), { recursive: true });
    writeFileSync(paths.templateKey, randomBytes(32));
    chmodSync(paths.templateKey, 0o644);
    expect(await code(openSafeStorageKeyStore(fakeKeychain(), paths))).toBe(
      'TEMPLATE_KEY_INSECURE',
    );
  });
});
