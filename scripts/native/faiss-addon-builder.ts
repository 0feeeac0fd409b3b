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
import { hasAvx2 } from '../../src/main/adapters/cpu-features';
import { StationError } from '../../src/shared/errors';
import { buildAvx2Faiss, type Avx2Faiss } from './faiss-avx2-library';
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
  /** Its AVX2 variant, when one was built. */
  avx2Output?: string;
}

interface BuildInputs {
  gypDir: string;
  faissNodeDir: string;
  addonApiDir: string;
  faiss: SystemFaiss;
  output: string;
  stationOutput: string;
  stampFile: string;
  /** Set when the AVX2 variant is built too. */
  avx2?: Avx2Faiss;
  avx2Output: string;
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

function resolveInputs(root: string, avx2: Avx2Faiss | undefined): BuildInputs {
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
    avx2,
    avx2Output: join(releaseDir, STATION_AVX2_ADDON_FILE),
  };
}

/** Where src/main/adapters/station-faiss-addon.ts looks for it, beside faiss-node's addon. */
export const STATION_ADDON_FILE = 'station-faiss.node';
export const STATION_AVX2_ADDON_FILE = 'station-faiss-avx2.node';

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
    libfaissAvx2: inputs.avx2 ? hashFile(inputs.avx2.staticLib) : null,
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
  if (!outputsOf(inputs).every((f) => existsSync(f)) || !existsSync(inputs.stampFile)) {
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
  if (inputs.avx2) {
    args.push(
      `-Dfaiss_avx2_lib=${inputs.avx2.staticLib}`,
      `-Dfaiss_avx2_include_dir=${inputs.avx2.includeDir}`,
    );
  }
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
export function smokeTestFaissAddon(root: string, stationFile = STATION_ADDON_FILE): string {
  const script = [
    "const f = require(require.resolve('faiss-node', { paths: [process.cwd()] }));",
    'const i = new f.IndexFlatIP(4);',
    'i.add([1, 0, 0, 0, 0, 1, 0, 0]);',
    'const r = i.search([1, 0, 0, 0], 1);',
    "if (r.labels[0] !== 0 || Math.abs(r.distances[0] - 1) > 1e-6) throw new Error('wrong result ' + JSON.stringify(r));",
    "const dir = require('path').dirname(require.resolve('faiss-node/package.json', { paths: [process.cwd()] }));",
    `const s = require(require('path').join(dir, 'build', 'Release', '${stationFile}'));`,
    "const h = new s.StationIndex(4, 'HNSW8,Flat');",
    'h.add(new Float32Array([1, 0, 0, 0, 0, 1, 0, 0]));',
    'const q = h.search(new Float32Array([0, 1, 0, 0]), 1);',
    "if (q.labels[0] !== 1) throw new Error('station-faiss: wrong result ' + q.labels[0]);",
    "let threw = false; try { h.add(new Float32Array(3)); } catch (e) { threw = e.code === 'INVALID_ARGUMENT'; }",
    "if (!threw) throw new Error('station-faiss: bad input did not throw');",
    // 64 queries at once: faiss takes its BLAS path from 20 queries, so a BLAS symbol the
    // linker left unresolved shows here and not at the first busy moment at the door.
    "const e = new s.StationIndex(64, 'Flat'); const v = new Float32Array(64 * 64).map((_, j) => (j % 65 === 0 ? 1 : 0));",
    'e.add(v); const n = e.search(v, 1);',
    "if (n.labels.some((l, i) => l !== i)) throw new Error('station-faiss: batched exact search wrong');",
    `console.log(JSON.stringify(r) + ' / ${stationFile} ' + s.faissVersion + ' ok');`,
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
  const built = (file: string): string => join(inputs.gypDir, 'build', 'Release', file);
  const pairs: [built: string, installed: string][] = [
    [built('faiss-node.node'), inputs.output],
    [built(STATION_ADDON_FILE), inputs.stationOutput],
  ];
  if (inputs.avx2) pairs.push([built(STATION_AVX2_ADDON_FILE), inputs.avx2Output]);
  // A stale AVX2 file from an earlier build must not be loaded beside a newer generic one.
  else rmSync(inputs.avx2Output, { force: true });
  for (const [built, installed] of pairs) {
    // Copy then rename: a process loading the addon never sees a half-copied file.
    const tmp = `${installed}.${process.pid}.tmp`;
    copyFileSync(built, tmp);
    renameSync(tmp, installed);
  }
  writeFileAtomic(inputs.stampFile, `${stamp}\n`, 0o644);
}

function outputsOf(inputs: BuildInputs): string[] {
  const all = [inputs.output, inputs.stationOutput];
  if (inputs.avx2) all.push(inputs.avx2Output);
  return all;
}

/**
 * The AVX2 variant is built on x64 Linux unless STATION_FAISS_AVX2=0 (it is compiled for any
 * x64 machine a package may go to; it is only loaded where the CPU has the features).
 */
function maybeAvx2(root: string, log: (l: string) => void): Avx2Faiss | undefined {
  if (process.arch !== 'x64' || process.env.STATION_FAISS_AVX2 === '0') {
    log('AVX2 variant: skipped (not x64, or STATION_FAISS_AVX2=0)');
    return undefined;
  }
  return buildAvx2Faiss({ cacheDir: join(root, '.cache', 'faiss-avx2'), log });
}

export function buildFaissAddon(opts: FaissBuildOptions): FaissBuildResult {
  const log = opts.log ?? ((line: string) => console.log(line));
  checkBuildPrerequisites();
  const avx2 = maybeAvx2(opts.root, log);
  const inputs = resolveInputs(opts.root, avx2);
  const stamp = computeStamp(inputs);
  const avx2Output = avx2 ? inputs.avx2Output : undefined;
  if (!opts.force && isUpToDate(inputs, stamp)) {
    log(`up to date: ${outputsOf(inputs).join(', ')}`);
    return {
      status: 'up-to-date',
      output: inputs.output,
      stationOutput: inputs.stationOutput,
      avx2Output,
    };
  }
  rmSync(inputs.stampFile, { force: true });
  log(`building against ${inputs.faiss.staticLib} (${inputs.faiss.includeDir}/faiss)`);
  runNodeGyp(inputs, log);
  install(inputs, stamp);
  try {
    log(`smoke test: search -> ${smokeTestFaissAddon(opts.root)}`);
    if (avx2 && hasAvx2()) {
      log(`smoke test (AVX2): ${smokeTestFaissAddon(opts.root, STATION_AVX2_ADDON_FILE)}`);
    } else if (avx2) {
      log('AVX2 variant built but not smoke-tested: this CPU lacks AVX2/FMA/F16C');
    }
  } catch (err) {
    for (const f of [...outputsOf(inputs), inputs.stampFile]) rmSync(f, { force: true });
    throw err;
  }
  return {
    status: 'built',
    output: inputs.output,
    stationOutput: inputs.stationOutput,
    avx2Output,
  };
}
