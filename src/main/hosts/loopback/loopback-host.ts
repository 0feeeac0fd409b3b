import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { DoorScreenState } from '../../../shared/door-contract';
import type { ErrorPayload, Result } from '../../../shared/errors';
import { StationError } from '../../../shared/errors';
import { LIMITS } from '../../../shared/limits';
import { SECRET_HEADER } from '../../../shared/loopback-headers';
import { SESSION_HEADER } from '../../../shared/operator-roles';
import { sessionFrom } from '../../../shared/session-token';
import { dispatch, type Handlers } from '../../core/ipc/dispatch';
import { InFlightBudget } from './in-flight-budget';
import { BUSY_MESSAGE, readRequestBody } from './request-body';
import { cspFromIndexHtml, mimeTypeOf, resolveStaticFile } from './static-files';

/**
 * Largest request body: a full enrolment (10 images at the contract's base64 cap) plus JSON
 * framing, so any payload the contract accepts also fits through the host.
 */
export const DEFAULT_MAX_BODY_BYTES = LIMITS.maxEnrollFiles * LIMITS.maxImageBase64 + 1024 * 1024;
/**
 * Request bytes the host holds at once: one full-size enrolment plus room for terminal frames.
 * Decoding costs several times a body's size, so past this budget a request gets 503 before its
 * body is read.
 */
export const DEFAULT_MAX_IN_FLIGHT_BYTES = DEFAULT_MAX_BODY_BYTES + 64 * 1024 * 1024;
const LOOPBACK_ADDRESS = '127.0.0.1';
const API_PREFIX = '/api/';
/** Server-Sent Events: the terminal's screen state, pushed on every change (GET, same auth). */
export const DOOR_EVENTS_PATH = '/api/events/door';
/** A comment line this often keeps idle proxies and the page's reader from timing out. */
const EVENTS_HEARTBEAT_MS = 15_000;

/** Subscribes to the door screen; returns the unsubscribe (see Station.terminalAdmin). */
export type DoorEventSource = (listener: (state: DoorScreenState) => void) => () => void;

export interface LoopbackHostOptions {
  handlers: Handlers;
  /** The built renderer (out/renderer), containing index.html with the CSP meta tag. */
  rendererDir: string;
  /** 0 or absent: an ephemeral port. */
  port?: number;
  /** Per-run secret; generated when absent (tests may pin one). */
  secret?: string;
  maxBodyBytes?: number;
  /** The door screen to stream at DOOR_EVENTS_PATH; absent = that path answers 404. */
  doorEvents?: DoorEventSource;
  /** Request bytes held at once over all requests (DEFAULT_MAX_IN_FLIGHT_BYTES). */
  maxInFlightBytes?: number;
}

export interface LoopbackHost {
  /** Page address including `#secret=`: the fragment never reaches the server or logs. */
  url: string;
  origin: string;
  secret: string;
  close(): Promise<void>;
}

interface HostContext {
  handlers: Handlers;
  doorEvents: DoorEventSource | undefined;
  rendererDir: string;
  secretDigest: Buffer;
  maxBodyBytes: number;
  inFlight: InFlightBudget;
  securityHeaders: Record<string, string>;
  allowedHosts: Set<string>;
  allowedOrigins: Set<string>;
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Serves the renderer and the station API to a plain Chromium on 127.0.0.1 only. Three locks on
 * the API: the per-run secret header (constant-time compare), a loopback Host header (defeats
 * DNS rebinding: a page on evil.example resolved to 127.0.0.1 still sends its own Host), and a
 * same-origin check on Origin. The contract's zod schemas then validate every payload.
 */
export async function startLoopbackHost(opts: LoopbackHostOptions): Promise<LoopbackHost> {
  const secret = opts.secret ?? randomBytes(32).toString('base64url');
  if (secret.length < 16)
    throw new StationError(
      'BAD_REQUEST',
      'The loopback host secret must be at least 16 characters.',
    );
  const csp = loadCsp(opts.rendererDir);
  const ctx: HostContext = {
    handlers: opts.handlers,
    doorEvents: opts.doorEvents,
    rendererDir: opts.rendererDir,
    secretDigest: digest(secret),
    maxBodyBytes: opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    inFlight: new InFlightBudget(opts.maxInFlightBytes ?? DEFAULT_MAX_IN_FLIGHT_BYTES),
    securityHeaders: securityHeaders(csp),
    allowedHosts: new Set(),
    allowedOrigins: new Set(),
  };
  const server = createServer((req, res) => {
    handle(ctx, req, res).catch((err: unknown) => {
      console.error('[loopback-host]', err);
      if (!res.headersSent) sendJson(ctx, res, 500, envelope('INTERNAL', 'Internal error'));
      else res.destroy();
    });
  });
  const port = await listen(server, opts.port ?? 0);
  for (const host of [`${LOOPBACK_ADDRESS}:${port}`, `localhost:${port}`]) {
    ctx.allowedHosts.add(host);
    ctx.allowedOrigins.add(`http://${host}`);
  }
  const origin = `http://${LOOPBACK_ADDRESS}:${port}`;
  return {
    url: `${origin}/#secret=${encodeURIComponent(secret)}`,
    origin,
    secret,
    close: () => closeServer(server),
  };
}

function loadCsp(rendererDir: string): string {
  let html: string;
  try {
    html = readFileSync(join(rendererDir, 'index.html'), 'utf8');
  } catch (err) {
    throw new StationError(
      'INTERNAL',
      `No built renderer at ${rendererDir} (run the build first).`,
      { cause: err },
    );
  }
  const csp = cspFromIndexHtml(html);
  // Fail closed: serving the terminal without its CSP would let it talk to any host.
  if (!csp)
    throw new StationError(
      'INTERNAL',
      `${rendererDir}/index.html has no Content-Security-Policy meta tag.`,
    );
  return csp;
}

function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(self), microphone=(), geolocation=(), usb=(), serial=()',
    'Cache-Control': 'no-store',
  };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, LOOPBACK_ADDRESS, () => {
      server.off('error', reject);
      resolvePromise((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolvePromise) => {
    server.close(() => resolvePromise());
    server.closeAllConnections();
  });
}

async function handle(ctx: HostContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // DNS rebinding: the browser sends the attacker's host name here, never ours.
  if (!ctx.allowedHosts.has((req.headers.host ?? '').toLowerCase())) {
    sendText(ctx, res, 421, 'Misdirected request');
    return;
  }
  const pathname = (req.url ?? '/').split('?')[0] ?? '/';
  if (pathname === DOOR_EVENTS_PATH) {
    streamDoorEvents(ctx, req, res);
    return;
  }
  if (pathname.startsWith(API_PREFIX)) {
    await handleApi(ctx, req, res, pathname.slice(API_PREFIX.length));
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    sendText(ctx, res, 405, 'Method not allowed');
    return;
  }
  serveStatic(ctx, req, res, pathname);
}

async function handleApi(
  ctx: HostContext,
  req: IncomingMessage,
  res: ServerResponse,
  channel: string,
): Promise<void> {
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    sendJson(ctx, res, 405, envelope('BAD_REQUEST', 'Use POST'));
    return;
  }
  if (!authorised(ctx, req, res)) return;
  // Held until the answer is sent: the handler works on the decoded body until then.
  const held = ctx.inFlight.hold(res);
  if (!held.reserve(declaredLength(req))) {
    refuseBusy(ctx, res);
    return;
  }
  const body = await readRequestBody(req, ctx.maxBodyBytes, held.reserve);
  if (!body.ok) {
    // After a refused body the rest of the upload is unread: do not reuse this connection.
    res.setHeader('Connection', 'close');
    if (body.status === 503) refuseBusy(ctx, res);
    else sendJson(ctx, res, body.status, envelope('BAD_REQUEST', body.message));
    return;
  }
  // The operator session (after auth:login) rides in its own header; dispatch checks roles.
  const result = await dispatch(ctx.handlers, decodeChannel(channel), body.value, {
    session: sessionFrom(req.headers[SESSION_HEADER]),
  });
  sendJson(ctx, res, statusOf(result), result);
}

/** Same origin and the per-run secret; answers the refusal itself and returns false. */
function authorised(ctx: HostContext, req: IncomingMessage, res: ServerResponse): boolean {
  const origin = req.headers.origin;
  if (
    (origin !== undefined && !ctx.allowedOrigins.has(origin)) ||
    req.headers['sec-fetch-site'] === 'cross-site'
  ) {
    sendJson(ctx, res, 403, envelope('UNAUTHORIZED', 'Cross-origin request refused'));
    return false;
  }
  if (!secretMatches(ctx, req.headers[SECRET_HEADER])) {
    sendJson(ctx, res, 401, envelope('UNAUTHORIZED', 'Missing or wrong station secret'));
    return false;
  }
  return true;
}

/**
 * The terminal's screen as Server-Sent Events: the current state at once, then every change,
 * until the page goes away. The page reads it with fetch (EventSource cannot send the secret
 * header), so the same three locks as the API apply.
 */
function streamDoorEvents(ctx: HostContext, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET') {
    res.setHeader('Allow', 'GET');
    sendJson(ctx, res, 405, envelope('BAD_REQUEST', 'Use GET'));
    return;
  }
  if (!authorised(ctx, req, res)) return;
  if (!ctx.doorEvents) {
    sendText(ctx, res, 404, 'Not found');
    return;
  }
  res.writeHead(200, {
    ...ctx.securityHeaders,
    'Content-Type': 'text/event-stream; charset=utf-8',
    Connection: 'keep-alive',
  });
  res.flushHeaders();
  const unsubscribe = ctx.doorEvents((state) => {
    res.write(`id: ${state.seq}\nevent: door\ndata: ${JSON.stringify(state)}\n\n`);
  });
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), EVENTS_HEARTBEAT_MS);
  heartbeat.unref();
  const end = (): void => {
    clearInterval(heartbeat);
    unsubscribe();
  };
  req.on('close', end);
  res.on('error', end);
}

/** The body size the request declares (0 when it declares none: counted as it arrives). */
function declaredLength(req: IncomingMessage): number {
  const n = Number(req.headers['content-length'] ?? NaN);
  return Number.isFinite(n) && n > 0 ? n : 0;
}

function refuseBusy(ctx: HostContext, res: ServerResponse): void {
  res.setHeader('Connection', 'close');
  res.setHeader('Retry-After', '2');
  sendJson(ctx, res, 503, envelope('BUSY', BUSY_MESSAGE));
}

function decodeChannel(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function secretMatches(ctx: HostContext, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string' || header.length === 0) return false;
  // Comparing fixed-length digests keeps the comparison constant-time whatever the input length.
  return timingSafeEqual(digest(header), ctx.secretDigest);
}

/** The envelope is the answer; the status only tells proxies and logs what kind of failure. */
function statusOf(result: Result<unknown>): number {
  if (result.ok) return 200;
  if (result.error.code === 'BAD_REQUEST') return 400;
  if (result.error.code === 'INTERNAL') return 500;
  return 200;
}

function envelope(code: ErrorPayload['code'], message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

function serveStatic(
  ctx: HostContext,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
): void {
  const file = resolveStaticFile(ctx.rendererDir, pathname);
  if (!file) {
    sendText(ctx, res, 404, 'Not found');
    return;
  }
  res.writeHead(200, { ...ctx.securityHeaders, 'Content-Type': mimeTypeOf(file) });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}

function sendJson(ctx: HostContext, res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...ctx.securityHeaders,
    'Content-Type': 'application/json; charset=utf-8',
  });
  res.end(text);
}

function sendText(ctx: HostContext, res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { ...ctx.securityHeaders, 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}
