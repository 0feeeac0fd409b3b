/**
 * A real station (openStation: models, SQLite, FAISS) behind the real loopback host, without
 * Chromium: for tests of what the HTTP boundary accepts. The renderer folder is a stub page
 * with a CSP (the host refuses to serve without one); the API is what is under test.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { createStationHandlers } from '../../src/main/core/ipc/station-handlers';
import type { Station } from '../../src/main/core/station.service';
import {
  startLoopbackHost,
  type LoopbackHost,
  type LoopbackHostOptions,
} from '../../src/main/hosts/loopback/loopback-host';
import { openStation } from '../../src/main/station-factory';
import { SESSION_HEADER } from '../../src/shared/operator-roles';
import { SECRET_HEADER } from '../../src/shared/loopback-headers';

export interface HttpStation {
  station: Station;
  host: LoopbackHost;
  close(): Promise<void>;
}

export interface ApiResponse {
  status: number;
  body: { ok: boolean; value?: unknown; error?: { code: string; message: string } };
}

/** Opens the station on `dataDir` and serves it on an ephemeral loopback port. */
export async function startHttpStation(
  dataDir: string,
  hostOptions: Partial<LoopbackHostOptions> = {},
): Promise<HttpStation> {
  const rendererDir = join(dataDir, '..', `renderer-${Date.now()}-${process.pid}`);
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(
    join(rendererDir, 'index.html'),
    `<meta http-equiv="Content-Security-Policy" content="default-src 'self'">`,
  );
  const station = await openStation({ dataDir, mode: 'browser' });
  const host = await startLoopbackHost({
    handlers: createStationHandlers(station),
    rendererDir,
    ...hostOptions,
  });
  return {
    station,
    host,
    close: async () => {
      await host.close();
      station.close();
    },
  };
}

/** POSTs one API call as the page's client does (JSON body, secret header, optional session). */
export function postApi(
  host: LoopbackHost,
  channel: string,
  body: unknown,
  session?: string,
): Promise<ApiResponse> {
  const { port } = new URL(host.origin);
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolvePromise, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: Number(port),
        method: 'POST',
        path: `/api/${channel}`,
        // One connection per call: a kept-alive socket can be closed by the server's idle timer
        // while a test blocks on a CLI child process (spawnSync), then reused: ECONNRESET.
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': String(payload.length),
          [SECRET_HEADER]: host.secret,
          ...(session ? { [SESSION_HEADER]: session } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolvePromise({
            status: res.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as ApiResponse['body'],
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
