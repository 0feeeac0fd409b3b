/**
 * Finds the node-gyp that ships inside npm (so the project needs no node-gyp dependency) and
 * the local Node headers (so node-gyp needs no download from nodejs.org).
 */
import { existsSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { StationError } from '../../src/shared/errors';

function npmCliFromPath(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = dir ? join(dir, 'npm') : '';
    if (candidate && existsSync(candidate)) {
      // /usr/bin/npm -> /usr/lib/node_modules/npm/bin/npm-cli.js
      return realpathSync(candidate);
    }
  }
  return undefined;
}

export function findNodeGyp(env: NodeJS.ProcessEnv = process.env): string {
  const candidates: string[] = [];
  // npm exports the path of its bundled node-gyp to lifecycle scripts.
  if (env.npm_config_node_gyp) candidates.push(env.npm_config_node_gyp);
  for (const npmCli of [env.npm_execpath, npmCliFromPath()]) {
    if (!npmCli) continue;
    // <npm>/bin/npm-cli.js -> <npm>/node_modules/node-gyp/bin/node-gyp.js
    candidates.push(
      join(dirname(dirname(npmCli)), 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    );
  }
  const found = candidates.find((c) => c.endsWith('.js') && existsSync(c));
  if (!found) {
    throw new StationError(
      'NATIVE_MISSING',
      `node-gyp not found (looked at: ${candidates.join(', ') || 'no npm on PATH'}). It ships with npm; is npm installed?`,
    );
  }
  return found;
}

/**
 * The Node install prefix when it carries headers (Debian/NodeSource put them in
 * /usr/include/node). An explicit npm `nodedir` setting wins. Undefined means "let node-gyp
 * decide", which downloads headers: fine on a connected machine, impossible on this one.
 */
export function nodeHeadersDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.npm_config_nodedir) return env.npm_config_nodedir;
  const prefix = dirname(dirname(process.execPath));
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : undefined;
}
