/**
 * Builds faiss-node's native addon against the system faiss with node-gyp (faiss-node's own
 * installer needs GitHub), and puts it where faiss-node's `require('bindings')('faiss-node')`
 * looks: node_modules/faiss-node/build/Release/faiss-node.node. The same node-gyp run builds
 * our own addon (native/faiss/station_index.cc), installed beside it as station-faiss.node so
 * one folder (already unpacked from the asar by electron-builder.yml) holds both. N-API, so
 * the same files load in Node and in Electron. Skips the build when a stamp says the inputs
 * have not changed.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { writeFileAtomic } from '../../src/main/core/util/atomic-file';
import { StationError } from '../../src/shared/errors';
import { findNodeGyp, nodeHeadersDir } from './node-gyp-locator';
import { checkBuildPrerequisites, systemFaiss, type SystemFaiss } from './faiss-prerequisites';

export interface FaissBuildOptions {
  root: string;
  /** Rebuild even when the stamp matches. */
  force?: boolean;
  log?: (line: string) => void;
}

export interface FaissBuildResult {
  status: 'up-to-date' | 'built';
  output: string;
  /** Our own addon (station_index.cc). */
  stationOutput: string;
}

interface BuildInputs {
  gypDir: string;
  faissNodeDir: string;
  addonApiDir: string;
  faiss: SystemFaiss;
  output: string;
  stationOutput: string;
  stampFile: string;
}

function packageDir(request: string, from: string): string {
  const req = createRequire(join(from, 'package.json'));
  try {
    return dirname(req.resolve(`${request}/package.json`));
  } catch {
    throw new StationError(
      'NATIVE_MISSING',
      `${request} is not installed under ${from}; run \`npm ci\` first.`,
    );
  }
}

function resolveInputs(root: string): BuildInputs {
  const faissNodeDir = packageDir('faiss-node', root);
  const releaseDir = join(faissNodeDir, 'build', 'Release');
  return {
    gypDir: join(root, 'native', 'faiss'),
    faissNodeDir,
    // faiss-node declares node-addon-api as its own dependency; resolve it the way it would.
    addonApiDir: packageDir('node-addon-api', faissNodeDir),
    faiss: systemFaiss(),
    output: join(releaseDir, 'faiss-node.node'),
    stationOutput: join(releaseDir, STATION_ADDON_FILE),
    stampFile: join(releaseDir, 'faiss-node.stamp'),
  };
}

/** Where src/main/adapters/station-faiss-addon.ts looks for it, beside faiss-node's addon. */
export const STATION_ADDON_FILE = 'station-faiss.node';

const hashFile = (path: string): string =>
  createHash('sha256').update(readFileSync(path)).digest('hex');

/** Everything that changes the binary: sources, build file, faiss itself, and the Node ABI. */
function computeStamp(inputs: BuildInputs): string {
  const parts = {
    faissCc: hashFile(join(inputs.faissNodeDir, 'src', 'faiss.cc')),
    gyp: hashFile(join(inputs.gypDir, 'binding.gyp')),
    compat: hashFile(join(inputs.gypDir, 'faiss-idx-compat.h')),
    stationCc: hashFile(join(inputs.gypDir, 'station_index.cc')),
    libfaiss: hashFile(inputs.faiss.staticLib),
    addonApi: (
      JSON.parse(readFileSync(join(inputs.addonApiDir, 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version,
    node: process.version,
    abi: process.versions.modules,
    arch: process.arch,
  };
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

function isUpToDate(inputs: BuildInputs, stamp: string): boolean {
  if (![inputs.output, inputs.stationOutput, inputs.stampFile].every((f) => existsSync(f))) {
    return false;
  }
  return readFileSync(inputs.stampFile, 'utf8').trim() === stamp;
}

function runNodeGyp(inputs: BuildInputs, log: (l: string) => void): void {
  const nodeGyp = findNodeGyp();
  const headers = nodeHeadersDir();
  const args = [nodeGyp, 'rebuild', '--release', '--jobs=max', '--loglevel=warn'];
  if (headers) args.push(`--nodedir=${headers}`);
  args.push(
    '--',
    `-Dfaiss_node_dir=${relative(inputs.gypDir, inputs.faissNodeDir)}`,
    `-Dnode_addon_api_dir=${inputs.addonApiDir}`,
    `-Dfaiss_include_dir=${inputs.faiss.includeDir}`,
    `-Dfaiss_static_lib=${inputs.faiss.staticLib}`,
  );
  log(
    `node-gyp: ${nodeGyp}${headers ? ` (node headers from ${headers})` : ' (node headers: node-gyp default)'}`,
  );
  const result = spawnSync(process.execPath, args, {
    cwd: inputs.gypDir,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.error || result.status !== 0) {
    const why = result.error ? result.error.message : `exit code ${String(result.status)}`;
    throw new StationError(
      'NATIVE_MISSING',
      `node-gyp failed to build the faiss addons (${why}); see the compiler output above. ` +
        'Check that build-essential, python3, libfaiss-dev, libblas-dev and liblapack-dev are installed ' +
        '(bash scripts/setup/apt-packages.sh).',
    );
  }
}

/** Loads the new addons in a child process (a bad binary must not take this process down). */
export function smokeTestFaissAddon(root: string): string {
  const script = [
    "const f = require(require.resolve('faiss-node', { paths: [process.cwd()] }));",
    'const i = new f.IndexFlatIP(4);',
    'i.add([1, 0, 0, 0, 0, 1, 0, 0]);',
    'const r = i.search([1, 0, 0, 0], 1);',
    "if (r.labels[0] !== 0 || Math.abs(r.distances[0] - 1) > 1e-6) throw new Error('wrong result ' + JSON.stringify(r));",
    "const dir = require('path').dirname(require.resolve('faiss-node/package.json', { paths: [process.cwd()] }));",
    `const s = require(require('path').join(dir, 'build', 'Release', '${STATION_ADDON_FILE}'));`,
    "const h = new s.StationIndex(4, 'HNSW8,Flat');",
    'h.add(new Float32Array([1, 0, 0, 0, 0, 1, 0, 0]));',
    'const q = h.search(new Float32Array([0, 1, 0, 0]), 1);',
    "if (q.labels[0] !== 1) throw new Error('station-faiss: wrong result ' + q.labels[0]);",
    "let threw = false; try { h.add(new Float32Array(3)); } catch (e) { threw = e.code === 'INVALID_ARGUMENT'; }",
    "if (!threw) throw new Error('station-faiss: bad input did not throw');",
    "console.log(JSON.stringify(r) + ' / station-faiss ' + s.faissVersion + ' ok');",
  ].join('\n');
  const result = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new StationError(
      'NATIVE_MISSING',
      `the built faiss-node addon does not work: ${(result.stderr || result.stdout).trim()}`,
    );
  }
  return result.stdout.trim();
}

function install(inputs: BuildInputs, stamp: string): void {
  mkdirSync(dirname(inputs.output), { recursive: true });
  const pairs: [built: string, installed: string][] = [
    [join(inputs.gypDir, 'build', 'Release', 'faiss-node.node'), inputs.output],
    [join(inputs.gypDir, 'build', 'Release', STATION_ADDON_FILE), inputs.stationOutput],
  ];
  for (const [built, installed] of pairs) {
    // Copy then rename: a process loading the addon never sees a half-copied file.
    const tmp = `${installed}.${process.pid}.tmp`;
    copyFileSync(built, tmp);
    renameSync(tmp, installed);
  }
  writeFileAtomic(inputs.stampFile, `${stamp}\n`, 0o644);
}

export function buildFaissAddon(opts: FaissBuildOptions): FaissBuildResult {
  const log = opts.log ?? ((line: string) => console.log(line));
  checkBuildPrerequisites();
  const inputs = resolveInputs(opts.root);
  const stamp = computeStamp(inputs);
  if (!opts.force && isUpToDate(inputs, stamp)) {
    log(`up to date: ${inputs.output}, ${inputs.stationOutput}`);
    return { status: 'up-to-date', output: inputs.output, stationOutput: inputs.stationOutput };
  }
  rmSync(inputs.stampFile, { force: true });
  log(`building against ${inputs.faiss.staticLib} (${inputs.faiss.includeDir}/faiss)`);
  runNodeGyp(inputs, log);
  install(inputs, stamp);
  try {
    log(`smoke test: search -> ${smokeTestFaissAddon(opts.root)}`);
  } catch (err) {
    for (const f of [inputs.output, inputs.stationOutput, inputs.stampFile])
      rmSync(f, { force: true });
    throw err;
  }
  return { status: 'built', output: inputs.output, stationOutput: inputs.stationOutput };
}
