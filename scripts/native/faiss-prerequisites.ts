/**
 * What the faiss-node build needs from the system, checked up front so a missing apt package
 * is named in one clear message instead of surfacing as a compiler or linker error.
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { StationError } from '../../src/shared/errors';

export interface SystemFaiss {
  /** Folder containing `faiss/` headers. */
  includeDir: string;
  /** The static, PIC libfaiss.a the addon links. */
  staticLib: string;
}

const MULTIARCH: Partial<Record<NodeJS.Architecture, string>> = {
  x64: 'x86_64-linux-gnu',
  arm64: 'aarch64-linux-gnu',
};

function libDir(): string {
  const triplet = MULTIARCH[process.arch];
  return triplet ? join('/usr/lib', triplet) : '/usr/lib';
}

/**
 * Debian's libfaiss-dev by default. STATION_FAISS_INCLUDE / STATION_FAISS_LIB point at another
 * build (e.g. an AVX2 static faiss built from Debian's source package; see ENVIRONMENT notes).
 */
export function systemFaiss(env: NodeJS.ProcessEnv = process.env): SystemFaiss {
  return {
    includeDir: env.STATION_FAISS_INCLUDE ?? '/usr/include',
    staticLib: env.STATION_FAISS_LIB ?? join(libDir(), 'libfaiss.a'),
  };
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .some((dir) => dir && existsSync(join(dir, command)));
}

/** @throws StationError NATIVE_MISSING listing every missing piece and its apt package. */
export function checkBuildPrerequisites(env: NodeJS.ProcessEnv = process.env): void {
  if (process.platform !== 'linux') {
    throw new StationError(
      'NATIVE_MISSING',
      `building faiss-node from the system faiss is only scripted for Linux (this is ${process.platform}).`,
    );
  }
  const faiss = systemFaiss(env);
  const checks: Array<{ ok: boolean; what: string; aptPackage: string }> = [
    {
      ok: existsSync(join(faiss.includeDir, 'faiss', 'IndexFlat.h')),
      what: `${faiss.includeDir}/faiss`,
      aptPackage: 'libfaiss-dev',
    },
    { ok: existsSync(faiss.staticLib), what: faiss.staticLib, aptPackage: 'libfaiss-dev' },
    {
      ok: existsSync(join(libDir(), 'libblas.so')),
      what: `${libDir()}/libblas.so`,
      aptPackage: 'libblas-dev',
    },
    {
      ok: existsSync(join(libDir(), 'liblapack.so')),
      what: `${libDir()}/liblapack.so`,
      aptPackage: 'liblapack-dev',
    },
    { ok: onPath('g++') && onPath('make'), what: 'g++ and make', aptPackage: 'build-essential' },
    { ok: onPath('python3'), what: 'python3 (node-gyp)', aptPackage: 'python3' },
  ];
  const missing = checks.filter((c) => !c.ok);
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((c) => c.aptPackage))];
  throw new StationError(
    'NATIVE_MISSING',
    `cannot build the faiss-node addon, missing: ${missing.map((c) => `${c.what} (apt: ${c.aptPackage})`).join('; ')}. ` +
      `Install with: sudo apt-get install ${packages.join(' ')}  (or: sudo bash scripts/setup/apt-packages.sh)`,
  );
}
