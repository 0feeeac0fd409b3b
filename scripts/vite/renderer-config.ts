import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import type { UserConfig } from 'vite';
import { mediapipeAssetsPlugin } from './mediapipe-assets.plugin';

/** Where the built renderer lands; the loopback host serves this folder in browser mode. */
export function rendererOutDir(projectRoot: string): string {
  return resolve(projectRoot, 'out', 'renderer');
}

/**
 * The renderer's Vite settings, shared by electron-vite (Electron build) and the plain Vite
 * build used by browser mode, so both hosts run byte-for-byte the same renderer.
 */
export function rendererViteConfig(projectRoot: string): UserConfig {
  return {
    root: resolve(projectRoot, 'src', 'renderer'),
    // Relative asset URLs: the same build loads from the Electron app protocol and from loopback.
    base: './',
    plugins: [svelte(), mediapipeAssetsPlugin(projectRoot)],
    build: {
      // Keep the wasm runtime and model out of data: URLs (the CSP does not allow them for scripts).
      assetsInlineLimit: 0,
    },
  };
}

/** Stand-alone build for browser mode (no Electron): same config plus an explicit target. */
export function webRendererViteConfig(projectRoot: string): UserConfig {
  const base = rendererViteConfig(projectRoot);
  return {
    ...base,
    build: {
      ...base.build,
      outDir: rendererOutDir(projectRoot),
      emptyOutDir: true,
      // Debian's Chromium and Electron 45's Chromium are both far newer than this floor.
      target: 'chrome120',
      reportCompressedSize: false,
    },
  };
}
