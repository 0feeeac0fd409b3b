import { statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Builds out/node (vite.node.config.ts: the CLI and browser mode as CommonJS bundles), as
 * `npm run build:node` does. Run by the postinstall so a fresh `npm ci` (and CI) runs the CLI
 * from the bundle; bin/node-entry.cjs falls back to tsx whenever src/ is newer.
 * Returns a one-line summary; throws when Vite reports an error.
 */
export async function buildNodeBundles(root: string): Promise<string> {
  // Vite 8 warns that a future config loader will not read ESM-syntax .ts configs; the build is
  // unaffected (`npm run build:node` still shows it), and an install log should hold only news.
  process.env.VITE_CONFIG_NATIVE_IGNORE_WARNING ??= 'true';
  // Loaded only here: the postinstall's other steps must not pay for Vite.
  const { build } = await import('vite');
  await build({ root, configFile: join(root, 'vite.node.config.ts'), logLevel: 'warn' });
  const cli = join(root, 'out', 'node', 'station-cli.cjs');
  // A build that "succeeds" without writing the CLI bundle would silently leave tsx in use.
  const bytes = statSync(cli).size;
  return `out/node/station-cli.cjs (${Math.round(bytes / 1024)} kB) and browser-mode.cjs written`;
}
