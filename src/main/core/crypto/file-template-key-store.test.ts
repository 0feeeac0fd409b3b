import { chmodSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StationError } from '../../../shared/errors';
import { makeTempDir } from '../../../../tests/support/temp-dir';
import { dataPaths } from '../util/data-dir';
import { dataFolderTemplateKeyStore } from './file-template-key-store';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof StationError ? err.code : String(err);
  }
  return undefined;
}

let tmp: ReturnType<typeof makeTempDir>;
let paths: ReturnType<typeof dataPaths>;
beforeEach(() => {
  tmp = makeTempDir('station-keyfile-');
  paths = dataPaths(tmp.dir);
});
afterEach(() => tmp.cleanup());

describe('FileTemplateKeyStore (CLI and browser mode)', () => {
  it('has no key at first, creates 32 bytes with mode 0600 and no temp file left', () => {
    const store = dataFolderTemplateKeyStore(tmp.dir);
    expect(store.load()).toBeNull();
    const key = store.create();
    expect(key).toHaveLength(32);
    expect(statSync(paths.templateKey).mode & 0o777).toBe(0o600);
    expect(readdirSync(dirname(paths.templateKey))).toEqual(['template.key']);
    expect(store.load()).toEqual(key);
  });

  it('never replaces an existing key: a second first start adopts the key already there', () => {
    const first = dataFolderTemplateKeyStore(tmp.dir).create();
    const second = dataFolderTemplateKeyStore(tmp.dir).create();
    expect(second).toEqual(first);
  });

  it('refuses (does not silently tighten) a key file others can read', () => {
    const store = dataFolderTemplateKeyStore(tmp.dir);
    store.create();
    chmodSync(paths.templateKey, 0o640);
    expect(code(() => store.load())).toBe('TEMPLATE_KEY_INSECURE');
    expect(statSync(paths.templateKey).mode & 0o777).toBe(0o640);
  });

  it('refuses a key of the wrong length', () => {
    dataFolderTemplateKeyStore(tmp.dir).create();
    writeFileSync(paths.templateKey, Buffer.alloc(16), { mode: 0o600 });
    expect(code(() => dataFolderTemplateKeyStore(tmp.dir).load())).toBe('TEMPLATE_KEY_MISMATCH');
  });
});
