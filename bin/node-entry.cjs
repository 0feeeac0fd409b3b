'use strict';
// Loads one of the station's plain-Node entry points (the `station` CLI, browser mode) either
// from its bundle in out/node (built by `npm run build:node`, which the npm postinstall runs) or
// from the TypeScript source through tsx. The bundle starts 0.3-0.6 s faster because nothing is
// transpiled at start (docs/BENCHMARKS.md, "Bundled CLI boot").
//
// The bundle is used only while it is newer than every source file it could have been built
// from: a developer editing src/ must never run a stale bundle, and must not have to remember
// to rebuild. The check is a walk of a few hundred stat() calls (a few ms), stopped at the first
// newer file. STATION_NODE_BUNDLE=1 uses the bundle regardless (fails if it is missing),
// STATION_NODE_BUNDLE=0 always runs the source through tsx.
const fs = require('node:fs');
const path = require('node:path');

/** Everything the bundles are built from (vite.node.config.ts inputs and their imports). */
const SOURCE_DIRS = [path.join('src', 'main'), path.join('src', 'shared')];

/**
 * A file that vanished between readdir and stat, or a dangling link (an editor's lock file),
 * means src/ is being edited right now: count it as newer, never as a reason to crash.
 */
function modifiedMs(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return Infinity;
  }
}

/**
 * True when some file under `dir` (tests excepted: never bundled) was modified after `sinceMs`,
 * or a folder was: a folder's mtime moves when a file in it is added, removed or renamed,
 * which catches a file moved in with an old mtime (cp -p, tar) or deleted.
 */
function hasNewerFile(dir, sinceMs) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    if (err.code === 'ENOENT') return false;
    throw err;
  }
  if (modifiedMs(dir) > sinceMs) return true;
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (hasNewerFile(full, sinceMs)) return true;
    } else if (!entry.name.endsWith('.test.ts') && modifiedMs(full) > sinceMs) {
      return true;
    }
  }
  return false;
}

/**
 * 'bundle' or 'source' for out/node/NAME.cjs under `root`, following STATION_NODE_BUNDLE and,
 * by default, the bundle's freshness against SOURCE_DIRS.
 */
function pickBuild(root, name, env = process.env) {
  const bundle = path.join(root, 'out', 'node', `${name}.cjs`);
  const wanted = env.STATION_NODE_BUNDLE ?? 'auto';
  if (wanted === '0') return { kind: 'source' };
  if (wanted === '1') return { kind: 'bundle', file: bundle };
  if (wanted !== 'auto') {
    throw new Error(`STATION_NODE_BUNDLE must be 0, 1 or auto (got ${JSON.stringify(wanted)})`);
  }
  let bundleMs;
  try {
    bundleMs = fs.statSync(bundle).mtimeMs;
  } catch {
    return { kind: 'source' };
  }
  const stale = SOURCE_DIRS.some((dir) => hasNewerFile(path.join(root, dir), bundleMs));
  return stale ? { kind: 'source' } : { kind: 'bundle', file: bundle };
}

/** The module exports of entry `name` (bundle) or `sourceFile` (relative to `root`, via tsx). */
function loadNodeEntry(root, name, sourceFile) {
  const build = pickBuild(root, name);
  if (build.kind === 'bundle') return require(build.file);
  require('tsx/cjs/api').register();
  return require(path.join(root, sourceFile));
}

module.exports = { loadNodeEntry, pickBuild, SOURCE_DIRS };
