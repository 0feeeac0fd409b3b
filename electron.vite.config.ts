import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { rendererViteConfig } from './scripts/vite/renderer-config';

/**
 * Native addons stay external in main: they are loaded from node_modules at run time (and
 * rebuilt for Electron's ABI), never bundled. Everything else main needs (zod) is bundled.
 */
const NATIVE_DEPS = ['better-sqlite3', 'faiss-node', 'onnxruntime-node', 'sharp'];

const projectRoot = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      externalizeDeps: { include: NATIVE_DEPS, exclude: ['zod'] },
      rolldownOptions: { input: { index: resolve(projectRoot, 'src/main/index.ts') } },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can require only 'electron' and a few builtins, so bundle
      // everything (zod, the contract) and emit CommonJS: Electron cannot load an .mjs preload
      // with sandbox: true.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(projectRoot, 'src/preload/index.ts') },
        output: { format: 'cjs' },
      },
    },
  },
  renderer: rendererViteConfig(projectRoot),
});
