import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Plugin } from 'vite';

/** Folder (relative to the renderer's base) the tasks-vision runtime is served from. */
export const MEDIAPIPE_ASSET_DIR = 'mediapipe';

/**
 * The classic-script runtimes FilesetResolver.forVisionTasks picks between (SIMD or not).
 * The `_module_` variant is never requested because we do not pass `useModule`.
 */
const RUNTIME_FILES = [
  'vision_wasm_internal.js',
  'vision_wasm_internal.wasm',
  'vision_wasm_nosimd_internal.js',
  'vision_wasm_nosimd_internal.wasm',
] as const;

const MIME: Record<string, string> = { js: 'text/javascript', wasm: 'application/wasm' };

function resolveRuntimeFile(projectRoot: string, name: string): string {
  // The package's exports map names each runtime file, so resolution survives a layout change.
  // Resolved from the project root: this module runs under several loaders (Vite, tsx, vitest).
  return createRequire(join(projectRoot, 'package.json')).resolve(
    `@mediapipe/tasks-vision/${name}`,
  );
}

/**
 * Ships MediaPipe's wasm runtime inside the renderer build (and serves it in dev), so the
 * door terminal never fetches code from a CDN: with `connect-src 'self'` it could not anyway.
 */
export function mediapipeAssetsPlugin(projectRoot: string): Plugin {
  return {
    name: 'station:mediapipe-assets',
    configureServer(server) {
      const prefix = `/${MEDIAPIPE_ASSET_DIR}/`;
      server.middlewares.use((req, res, next) => {
        const path = req.url?.split('?')[0] ?? '';
        const name = path.startsWith(prefix) ? path.slice(prefix.length) : '';
        if (!(RUNTIME_FILES as readonly string[]).includes(name)) return next();
        res.setHeader(
          'Content-Type',
          MIME[name.split('.').pop() ?? ''] ?? 'application/octet-stream',
        );
        res.end(readFileSync(resolveRuntimeFile(projectRoot, name)));
      });
    },
    generateBundle() {
      for (const name of RUNTIME_FILES) {
        this.emitFile({
          type: 'asset',
          fileName: `${MEDIAPIPE_ASSET_DIR}/${name}`,
          source: readFileSync(resolveRuntimeFile(projectRoot, name)),
        });
      }
    },
  };
}
