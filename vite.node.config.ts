import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/**
 * `npm run build:node`: the station's plain-Node entry points as CommonJS bundles in out/node,
 * so the CLI and browser mode start without transpiling the TypeScript with tsx at every run
 * (0.3-0.6 s of each start, docs/BENCHMARKS.md "Bundled CLI boot"). bin/station.cjs uses the
 * bundle only while it is newer than every source file, else it falls back to tsx.
 *
 * Bundles stay in out/node, two levels under the project root like out/main, because code that
 * finds files walks up from its own __dirname to the project root (projectRoot(),
 * defaultSearchRoots()) or resolves packages from node_modules (the faiss addon loader).
 */
const projectRoot = import.meta.dirname;

/** One line per entry; the name becomes out/node/NAME.cjs. */
const NODE_ENTRIES: Record<string, string> = {
  'station-cli': 'src/main/hosts/cli/station-cli.ts',
  'browser-mode': 'src/main/hosts/loopback/start-browser-mode.ts',
};

/**
 * Kept out of the bundle and loaded from node_modules at run time: the native addons (as in
 * electron.vite.config.ts: a .node file cannot be bundled, and they find their binaries beside
 * their own package), and Vite, which browser mode imports only when it must build the renderer
 * (bundled, it would add megabytes to every start). zod and all of our own code are bundled.
 */
const EXTERNAL_PACKAGES = ['better-sqlite3', 'faiss-node', 'onnxruntime-node', 'sharp', 'vite'];

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function isExternal(id: string): boolean {
  if (NODE_BUILTINS.has(id)) return true;
  return EXTERNAL_PACKAGES.some((pkg) => id === pkg || id.startsWith(`${pkg}/`));
}

export default defineConfig({
  // No .env files or public dir belong to a Node bundle.
  envDir: false,
  publicDir: false,
  build: {
    outDir: resolve(projectRoot, 'out', 'node'),
    emptyOutDir: true,
    // An SSR build targets Node: node resolve conditions, no browser polyfills or preload helpers.
    ssr: true,
    target: 'node20',
    minify: false,
    sourcemap: true,
    reportCompressedSize: false,
    copyPublicDir: false,
    rolldownOptions: {
      input: Object.fromEntries(
        Object.entries(NODE_ENTRIES).map(([name, file]) => [name, resolve(projectRoot, file)]),
      ),
      external: isExternal,
      output: {
        format: 'cjs',
        entryFileNames: '[name].cjs',
        chunkFileNames: '[name]-[hash].cjs',
      },
    },
  },
  // SSR builds externalise every dependency by default; bundle them (zod) except the list above.
  ssr: { noExternal: true },
});
