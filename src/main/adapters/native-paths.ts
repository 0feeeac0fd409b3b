import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';

/**
 * Where the Electron build of better-sqlite3 lives. Node (tests, CLI, browser mode) and Electron
 * need different builds of better_sqlite3.node (different ABIs); node_modules keeps Node's, and
 * `npm run native:electron` writes Electron's here, so both coexist. See docs/ELECTRON.md.
 */
export const ELECTRON_SQLITE_RELATIVE = join('native', 'electron', 'better_sqlite3.node');

/** Written next to the addon by scripts/native/build-electron-sqlite.ts. */
export interface ElectronSqliteStamp {
  electron: string;
  /** process.versions.modules of that Electron (its ABI). */
  modules: string;
  betterSqlite3: string;
}

/**
 * The `nativeBinding` path for better-sqlite3 when running inside Electron; undefined in plain
 * Node (use the package's own build) or when no Electron build is present (then better-sqlite3
 * falls back to its default addon and a wrong ABI surfaces as NATIVE_MISSING at start-up).
 */
export function electronSqliteBinding(
  versions: NodeJS.ProcessVersions = process.versions,
  searchRoots: readonly string[] = defaultSearchRoots(),
): string | undefined {
  const electron = (versions as NodeJS.ProcessVersions & { electron?: string }).electron;
  if (!electron) return undefined;
  for (const root of searchRoots) {
    const file = join(root, ELECTRON_SQLITE_RELATIVE);
    if (existsSync(file) && stampMatches(file, versions.modules)) return file;
  }
  return undefined;
}

/**
 * Packaged: electron-builder copies native/electron to resources/ (outside the asar, because a
 * .node file must be a real file to be dlopen'ed). Development: the project root, found by
 * walking up from this file (src/main/adapters in tsx, out/main once bundled).
 */
export function defaultSearchRoots(): string[] {
  const roots: string[] = [];
  const resourcesPath = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath;
  if (resourcesPath) roots.push(resourcesPath);
  let dir = typeof __dirname === 'string' ? __dirname : process.cwd();
  for (let i = 0; i < 6; i++) {
    roots.push(dir);
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return roots;
}

/** A stale build (made for another Electron) is skipped rather than crashing the load. */
function stampMatches(addon: string, modules: string): boolean {
  const stampFile = addon.replace(/\.node$/, '.json');
  if (!existsSync(stampFile)) return true;
  try {
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8')) as Partial<ElectronSqliteStamp>;
    return stamp.modules === undefined || stamp.modules === modules;
  } catch {
    return true;
  }
}

/**
 * A package's entry as an absolute path, for a worker thread's `require` (an eval'd worker has
 * no module of its own to resolve from). In a packaged app the native packages are unpacked
 * next to the asar (electron-builder.yml asarUnpack) and a worker thread may not read the asar,
 * so the unpacked copy is used when there is one.
 */
export function workerRequirePath(pkg: string): string {
  return unpackedFromAsar(createRequire(__filename).resolve(pkg));
}

/** `entry`'s copy outside the asar when the package was unpacked, else `entry` itself. */
export function unpackedFromAsar(
  entry: string,
  exists: (path: string) => boolean = existsSync,
): string {
  const unpacked = entry.replace(`app.asar${sep}`, `app.asar.unpacked${sep}`);
  return unpacked !== entry && exists(unpacked) ? unpacked : entry;
}
