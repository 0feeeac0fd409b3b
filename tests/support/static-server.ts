/**
 * A tiny static HTTP server on 127.0.0.1 for browser tests: maps URL prefixes to folders
 * (e.g. "/tasks-vision/" -> node_modules/@mediapipe/tasks-vision/) and serves in-memory
 * files (test pages, patched models). Loopback only, GET/HEAD only, no directory listing,
 * and paths cannot escape their folder.
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';

export interface InMemoryFile {
  body: string | Uint8Array;
  /** Defaults to the type implied by the URL's extension. */
  contentType?: string;
}

export interface StaticServerOptions {
  /** URL prefix (starting and ending with "/") -> folder on disk. */
  mounts?: Record<string, string>;
  /** Exact URL path -> content. Checked before mounts. */
  files?: Record<string, InMemoryFile>;
  /**
   * Extra headers on every response. For SharedArrayBuffer (threaded WASM) pass
   * CROSS_ORIGIN_ISOLATION_HEADERS.
   */
  headers?: Record<string, string>;
}

export interface StaticServer {
  /** e.g. "http://127.0.0.1:41234" */
  readonly origin: string;
  /** Absolute URL for a path on this server. */
  url(path: string): string;
  /** Adds or replaces an in-memory file while the server runs. */
  setFile(path: string, file: InMemoryFile): void;
  /** Every request path served so far, in order, with its status code. */
  readonly log: ReadonlyArray<{ path: string; status: number }>;
  close(): Promise<void>;
}

export const CROSS_ORIGIN_ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.y4m': 'video/x-raw-yuv',
};

export function contentTypeFor(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** Resolves `rest` inside `root`, or undefined when it would escape it. */
function safeJoin(root: string, rest: string): string | undefined {
  const base = resolve(root);
  const full = resolve(base, `.${sep}${rest}`);
  return full === base || full.startsWith(base + sep) ? full : undefined;
}

function findOnDisk(mounts: Record<string, string>, path: string): string | undefined {
  for (const [prefix, dir] of Object.entries(mounts)) {
    if (!path.startsWith(prefix)) continue;
    const file = safeJoin(dir, path.slice(prefix.length));
    if (file && statSync(file, { throwIfNoEntry: false })?.isFile()) return file;
  }
  return undefined;
}

export async function startStaticServer(options: StaticServerOptions = {}): Promise<StaticServer> {
  const mounts = options.mounts ?? {};
  const files = new Map(Object.entries(options.files ?? {}));
  const extraHeaders = options.headers ?? {};
  const log: { path: string; status: number }[] = [];

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    } catch {
      path = '';
    }
    const send = (status: number, type: string, body?: string | Uint8Array): void => {
      log.push({ path, status });
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...extraHeaders });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(405, 'text/plain', 'method not allowed');
    const memory = files.get(path);
    if (memory) return send(200, memory.contentType ?? contentTypeFor(path), memory.body);
    const file = findOnDisk(mounts, path);
    if (!file) return send(404, 'text/plain', 'not found');
    log.push({ path, status: 200 });
    res.writeHead(200, {
      'Content-Type': contentTypeFor(file),
      'Cache-Control': 'no-store',
      ...extraHeaders,
    });
    if (req.method === 'HEAD') return void res.end();
    // A file that vanishes or cannot be read mid-response: drop the connection, never hang.
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  };

  const server = createServer(handle);
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    url: (path) => new URL(path, origin).href,
    setFile: (path, file) => void files.set(path, file),
    log,
    close: () =>
      new Promise<void>((ok, fail) => {
        server.closeAllConnections();
        server.close((err) => (err ? fail(err) : ok()));
      }),
  };
}
