import { realpathSync, statSync } from 'node:fs';
import { extname, resolve, sep } from 'node:path';

/** MIME types of what the renderer build contains; anything else is served as opaque bytes. */
const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  // WebAssembly.instantiateStreaming refuses any other type.
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

export function mimeTypeOf(path: string): string {
  return MIME_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

function isInside(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
}

/**
 * Maps a request path to a regular file inside `rootDir`, or null (-> 404). Decoding happens
 * before the containment check, so `%2e%2e%2f` cannot climb out; the real path is checked too,
 * so a symlink inside the build cannot point outside it.
 */
export function resolveStaticFile(rootDir: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const relativePath = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const root = resolve(rootDir);
  const candidate = resolve(root, relativePath);
  if (!isInside(candidate, root) || candidate === root) return null;
  try {
    const real = realpathSync(candidate);
    if (!isInside(real, realpathSync(root))) return null;
    return statSync(real).isFile() ? real : null;
  } catch {
    return null;
  }
}

/**
 * The renderer's CSP, taken from the built index.html's meta tag so the header and the meta can
 * never disagree. `frame-ancestors` only works as a header, so it is added here.
 */
export function cspFromIndexHtml(html: string): string | null {
  const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html);
  const policy = meta?.[1]?.trim();
  if (!policy) return null;
  return `${policy.replace(/;\s*$/, '')}; frame-ancestors 'none'`;
}
