/**
 * Builds a static AVX2 faiss (libfaiss_avx2.a) from Debian's own source package of the faiss
 * that libfaiss-dev installed, so the station's addon can have an AVX2 variant. Debian ships
 * only a generic build (no SIMD in the distance kernels): exact search over 100k templates took
 * ~30 ms per query with it and ~7 ms with this build (../shared/ENVIRONMENT.md). Only apt is
 * reachable here, so the source comes from apt, never from GitHub.
 *
 * No root needed and the system is left alone: apt runs with a private sources file and
 * private list/cache folders under the cache directory. The result is cached by source
 * version; a rebuild happens only when libfaiss-dev's version changes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StationError } from '../../src/shared/errors';

export interface Avx2Faiss {
  /** Source tree root: holds the `faiss/` headers matching the library. */
  includeDir: string;
  staticLib: string;
  /** Debian source version it was built from, e.g. 1.7.3-2. */
  version: string;
}

export interface Avx2BuildOptions {
  cacheDir: string;
  log: (line: string) => void;
}

/** Debian's archive; the suite is read from /etc/os-release (bookworm here). */
const DEBIAN_MIRROR = 'http://deb.debian.org/debian';

function run(command: string, args: string[], cwd: string, what: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (result.error || result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-15);
    const why = result.error ? result.error.message : `exit code ${String(result.status)}`;
    throw new StationError(
      'NATIVE_MISSING',
      `${what} failed (${command} ${args.slice(0, 3).join(' ')} ...: ${why}):\n${output.join('\n')}`,
    );
  }
  return result.stdout;
}

function installedFaissVersion(): string {
  const out = spawnSync('dpkg-query', ['-W', '-f=${source:Version}', 'libfaiss-dev'], {
    encoding: 'utf8',
  });
  const version = out.status === 0 ? out.stdout.trim() : '';
  if (!version) {
    throw new StationError(
      'NATIVE_MISSING',
      'libfaiss-dev is not installed (dpkg-query); run `bash scripts/setup/apt-packages.sh`.',
    );
  }
  return version;
}

function debianSuite(): string {
  const release = readFileSync('/etc/os-release', 'utf8');
  const codename = /^VERSION_CODENAME=(\w+)/m.exec(release)?.[1];
  if (!codename) throw new StationError('NATIVE_MISSING', 'no VERSION_CODENAME in /etc/os-release');
  return codename;
}

/** apt options that keep every file apt writes inside `aptDir` (no root, system untouched). */
function privateApt(aptDir: string): string[] {
  const sources = join(aptDir, 'sources.list');
  writeFileSync(sources, `deb-src ${DEBIAN_MIRROR} ${debianSuite()} main\n`);
  for (const d of ['lists/partial', 'cache/archives/partial']) {
    mkdirSync(join(aptDir, d), { recursive: true });
  }
  return [
    '-q',
    '-o',
    `Dir::Etc::SourceList=${sources}`,
    '-o',
    'Dir::Etc::SourceParts=-',
    '-o',
    `Dir::State::Lists=${join(aptDir, 'lists')}`,
    '-o',
    `Dir::Cache=${join(aptDir, 'cache')}`,
    '-o',
    'APT::Sandbox::User=root',
    '-o',
    'Debug::NoLocking=1',
  ];
}

/** Downloads and unpacks (with Debian's patches applied) faiss's source package. */
export function fetchSource(cacheDir: string, version: string, log: (l: string) => void): string {
  const aptDir = join(cacheDir, 'apt');
  const dlDir = join(cacheDir, 'download');
  const srcDir = join(cacheDir, `faiss-${version}`);
  if (existsSync(join(srcDir, 'CMakeLists.txt'))) return srcDir;
  rmSync(dlDir, { recursive: true, force: true });
  mkdirSync(dlDir, { recursive: true });
  mkdirSync(aptDir, { recursive: true });
  const apt = privateApt(aptDir);
  log(`apt-get source faiss=${version} (Debian's source package, private apt lists)`);
  run('apt-get', [...apt, 'update'], dlDir, 'apt-get update (deb-src)');
  run(
    'apt-get',
    [...apt, 'source', '--download-only', `faiss=${version}`],
    dlDir,
    'apt-get source',
  );
  const dsc = readdirSync(dlDir).find((f) => f.endsWith('.dsc'));
  if (!dsc) throw new StationError('NATIVE_MISSING', `apt-get source left no .dsc in ${dlDir}`);
  rmSync(srcDir, { recursive: true, force: true });
  run('dpkg-source', ['-x', dsc, srcDir], dlDir, 'dpkg-source -x');
  rmSync(dlDir, { recursive: true, force: true });
  // dpkg-source leaves a copy of the upstream tarball beside the unpacked tree.
  for (const f of readdirSync(cacheDir)) {
    if (/\.orig\.tar\./.test(f)) rmSync(join(cacheDir, f), { force: true });
  }
  return srcDir;
}

/**
 * @throws StationError NATIVE_MISSING naming the step that failed (apt, cmake, compiler).
 */
export function buildAvx2Faiss(opts: Avx2BuildOptions): Avx2Faiss {
  const version = installedFaissVersion();
  const srcDir = fetchSource(opts.cacheDir, version, opts.log);
  const buildDir = join(srcDir, 'build-avx2');
  const staticLib = join(buildDir, 'faiss', 'libfaiss_avx2.a');
  const stamp = join(buildDir, 'station-built.stamp');
  if (existsSync(staticLib) && existsSync(stamp)) {
    opts.log(`AVX2 faiss ${version} already built: ${staticLib}`);
    return { includeDir: srcDir, staticLib, version };
  }
  opts.log(`building AVX2 faiss ${version} (cmake, target faiss_avx2; a few minutes on 2 cores)`);
  run(
    'cmake',
    [
      '-S',
      srcDir,
      '-B',
      buildDir,
      '-DCMAKE_BUILD_TYPE=Release',
      '-DFAISS_OPT_LEVEL=avx2',
      '-DBUILD_SHARED_LIBS=OFF',
      // Linked into a shared .node file.
      '-DCMAKE_POSITION_INDEPENDENT_CODE=ON',
      '-DFAISS_ENABLE_GPU=OFF',
      '-DFAISS_ENABLE_PYTHON=OFF',
      '-DBUILD_TESTING=OFF',
    ],
    srcDir,
    'cmake configure of faiss',
  );
  run(
    'cmake',
    ['--build', buildDir, '--target', 'faiss_avx2', '--parallel', '2'],
    srcDir,
    'cmake build of faiss_avx2',
  );
  if (!existsSync(staticLib)) {
    throw new StationError('NATIVE_MISSING', `the faiss build did not produce ${staticLib}`);
  }
  writeFileSync(stamp, `${version}\n`);
  return { includeDir: srcDir, staticLib, version };
}
