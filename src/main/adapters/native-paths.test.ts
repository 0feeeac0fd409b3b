import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../tests/support/temp-dir';
import {
  defaultSearchRoots,
  ELECTRON_SQLITE_RELATIVE,
  electronSqliteBinding,
  unpackedFromAsar,
  workerRequirePath,
} from './native-paths';

const electronVersions = {
  ...process.versions,
  electron: '45.5.0',
  modules: '150',
} as NodeJS.ProcessVersions;

describe('electronSqliteBinding', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let addon: string;
  beforeEach(() => {
    tmp = makeTempDir();
    addon = join(tmp.dir, ELECTRON_SQLITE_RELATIVE);
  });
  afterEach(() => tmp.cleanup());

  function writeAddon(stamp?: object): void {
    mkdirSync(join(tmp.dir, 'native', 'electron'), { recursive: true });
    writeFileSync(addon, 'not really an addon');
    if (stamp) writeFileSync(addon.replace(/\.node$/, '.json'), JSON.stringify(stamp));
  }

  it('is undefined in plain Node: tests and the CLI keep node_modules’ build', () => {
    writeAddon();
    expect(electronSqliteBinding(process.versions, [tmp.dir])).toBeUndefined();
  });

  it('points Electron at native/electron/better_sqlite3.node in the first root that has it', () => {
    writeAddon({ electron: '45.5.0', modules: '150', betterSqlite3: '12.11.1' });
    expect(electronSqliteBinding(electronVersions, ['/nonexistent', tmp.dir])).toBe(addon);
  });

  it('skips a build made for another Electron ABI', () => {
    writeAddon({ electron: '44.0.0', modules: '145', betterSqlite3: '12.11.1' });
    expect(electronSqliteBinding(electronVersions, [tmp.dir])).toBeUndefined();
  });

  it('is undefined when no Electron build exists', () => {
    expect(electronSqliteBinding(electronVersions, [tmp.dir])).toBeUndefined();
  });

  it('searches from this file up to the project root', () => {
    expect(defaultSearchRoots()).toContain(process.cwd());
  });
});

describe('workerRequirePath', () => {
  it("resolves a package's entry to an absolute path a worker thread can require", () => {
    const entry = workerRequirePath('better-sqlite3');
    expect(entry).toMatch(/node_modules[/\\]better-sqlite3[/\\]/);
  });

  it('prefers the unpacked copy of a packaged app, where a worker thread cannot read the asar', () => {
    const inAsar = join('/opt/app/resources', 'app.asar', 'node_modules', 'ort', 'index.js');
    const unpacked = join(
      '/opt/app/resources',
      'app.asar.unpacked',
      'node_modules',
      'ort',
      'index.js',
    );
    expect(unpackedFromAsar(inAsar, (p) => p === unpacked)).toBe(unpacked);
    expect(unpackedFromAsar(inAsar, () => false)).toBe(inAsar);
    expect(unpackedFromAsar('/work/node_modules/ort/index.js', () => true)).toBe(
      '/work/node_modules/ort/index.js',
    );
  });
});
