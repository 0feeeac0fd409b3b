import { defineConfig } from 'vite';
import { webRendererViteConfig } from './scripts/vite/renderer-config';

// `npm run build:web`: the renderer alone, for browser mode (served by the loopback host).
export default defineConfig(webRendererViteConfig(import.meta.dirname));
