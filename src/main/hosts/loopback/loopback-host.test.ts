import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../../tests/support/temp-dir';
import { BINARY_BODY_CONTENT_TYPE, encodeBinaryBody } from '../../../shared/binary-body';
import type { DoorScreenState } from '../../../shared/door-contract';
import { contract, isPageChannel, type Channel, type PageChannel } from '../../../shared/contract';
import { StationError } from '../../../shared/errors';
import { SESSION_HEADER } from '../../../shared/operator-roles';
import type { Handlers, HandlersFor } from '../../core/ipc/dispatch';
import { createSiteHandlers } from '../../core/site/site-handlers';
import { DOOR_EVENTS_PATH, startLoopbackHost, type LoopbackHost } from './loopback-host';
import { SECRET_HEADER } from '../../../shared/loopback-headers';

const CSP = "default-src 'self'; connect-src 'self'";
const LOCKED = {
  state: 'locked',
  controller: 'simulated',
  unlockedUntil: null,
  lastError: null,
  decisionRef: null,
} as const;
const screenState = (seq: number): DoorScreenState => ({
  seq,
  at: '2026-12-07T10:00:00.000Z',
  banner: {
    kind: 'idle',
    decision: null,
    person: null,
    challenge: null,
    auditRef: null,
    trackId: null,
  },
  door: { ...LOCKED },
  camera: { label: 'USB camera', trusted: true, reason: null },
  lockout: null,
  display: { sound: false, icons: true },
});

/** A stand-in for the station's door screen: the host only forwards what it publishes. */
const screenListeners = new Set<(s: DoorScreenState) => void>();
let screenSeq = 1;
function publishScreen(): void {
  screenSeq += 1;
  for (const l of screenListeners) l(screenState(screenSeq));
}
const SECRET = 'unit-test-secret-0123456789';

const cliOnlyHandlers = Object.fromEntries(
  (Object.keys(contract) as Channel[])
    .filter((c) => !isPageChannel(c))
    .map((c) => [c, () => Promise.reject(new Error('served to the CLI only'))]),
) as unknown as HandlersFor<Exclude<Channel, PageChannel>>;

// A small but complete Handlers object: the host's job is transport and access control, so the
// station behind it does not matter here (the e2e tests run the real one).
const handlers: Handlers = {
  'station:status': () =>
    Promise.reject(new StationError('MODEL_MISSING', 'no models in this test')),
  'people:list': () =>
    Promise.resolve({
      people: [
        {
          id: 'p1',
          name: 'Ada',
          templates: 2,
          enrolledAt: '2026-01-01T00:00:00Z',
          employeeId: null,
          groups: [],
          schedule: null,
        },
      ],
    }),
  'enroll:create': (req) =>
    Promise.resolve({
      person: null,
      files: req.images.map((i) => ({ file: i.fileName, status: 'no_face' as const })),
    }),
  'access:frame': (req) =>
    Promise.resolve({
      frameId: req.frameId,
      // Echoes the region's first byte so the binary-body test sees the bytes arrived intact.
      faces: req.region
        ? [
            {
              box: [0, 0, 1, 1],
              person: null,
              similarity: req.region.rgb[0]!,
              decision: 'unknown_face',
            },
          ]
        : [],
      phase: 'idle',
      decision: 'no_face',
      person: null,
      liveness: null,
      challenge: null,
      door: { ...LOCKED },
      screen: null,
    }),
  'audit:recent': () => Promise.resolve({ events: [] }),
  'models:detector': () => Promise.reject(new Error('boom')),
  'people:erase': () => Promise.reject(new StationError('PERSON_NOT_FOUND', 'nobody here')),
  'audit:query': () => Promise.resolve({ events: [], nextCursor: null, people: [], revealed: {} }),
  'audit:export': () => Promise.resolve({ csv: '', rows: 0, nextCursor: null }),
  'audit:detail': () => Promise.reject(new StationError('BAD_REQUEST', 'no such event')),
  'audit:verify': () => Promise.resolve({ ok: true, rows: 0, firstBrokenRow: null, reason: null }),
  'audit:doors': () => Promise.resolve({ doors: [], current: { id: 'door-1', label: 'Door 1' } }),
  'camera:report': () => Promise.resolve({ trusted: true, reason: null }),
  'enroll:check': () =>
    Promise.resolve({ status: 'no_face', message: '', yaw: null, pitch: null, interEyePx: null }),
  'door:status': () => Promise.resolve({ ...LOCKED }),
  'door:state': () => Promise.resolve(screenState(screenSeq)),
  'door:admin': (req) =>
    Promise.resolve({ action: req.action, auditId: 1, state: screenState(screenSeq) }),
  'auth:login': (req) =>
    Promise.resolve({ token: 'a'.repeat(64), role: req.role, idleTimeoutMs: 1 }),
  'auth:logout': (_req, caller) => Promise.resolve({ loggedOut: caller.session !== null }),
  'calibration:upload': () => Promise.reject(new StationError('BAD_REQUEST', 'not here')),
  'calibration:run': () => Promise.reject(new StationError('BAD_REQUEST', 'not here')),
  'calibration:adopt': () => Promise.reject(new StationError('BAD_REQUEST', 'not here')),
  'people:update': () => Promise.reject(new StationError('PERSON_NOT_FOUND', 'nobody here')),
  'schedules:get': () => Promise.reject(new StationError('BAD_REQUEST', 'not here')),
  'schedules:set': () => Promise.reject(new StationError('BAD_REQUEST', 'not here')),
  'audit:since': () => Promise.resolve({ events: [], lastId: 0, revealed: {} }),
  'audit:attendance': () => Promise.reject(new StationError('BAD_REQUEST', 'not here')),
  ...createSiteHandlers(null),
  'calibration:pad-run': () => Promise.reject(new StationError('BAD_REQUEST', 'not here')),
  'calibration:pad-adopt': () => Promise.reject(new StationError('BAD_REQUEST', 'not here')),
  // The CLI's admin channels: the host must answer them as unknown (see the test below).
  ...cliOnlyHandlers,
};

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** node:http rather than fetch: tests need raw paths (no dot-segment cleanup) and forged Host headers. */
function raw(
  host: LoopbackHost,
  opts: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: string | Uint8Array;
  },
): Promise<RawResponse> {
  const { port } = new URL(host.origin);
  return new Promise((resolvePromise, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: Number(port),
        method: opts.method ?? 'GET',
        path: opts.path,
        headers: opts.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolvePromise({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

function api(
  host: LoopbackHost,
  channel: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return raw(host, {
    method: 'POST',
    path: `/api/${channel}`,
    headers: { 'content-type': 'application/json', [SECRET_HEADER]: SECRET, ...headers },
    body: JSON.stringify(body),
  });
}

describe('loopback host', () => {
  const temp = makeTempDir('loopback-host-');
  const rendererDir = join(temp.dir, 'renderer');
  let host: LoopbackHost;

  beforeAll(async () => {
    mkdirSync(join(rendererDir, 'mediapipe'), { recursive: true });
    writeFileSync(
      join(rendererDir, 'index.html'),
      `<html><head><meta http-equiv="Content-Security-Policy" content="${CSP}" /></head></html>`,
    );
    writeFileSync(join(rendererDir, 'mediapipe', 'runtime.wasm'), Buffer.from([0, 97, 115, 109]));
    writeFileSync(join(temp.dir, 'outside.txt'), 'must never be served');
    host = await startLoopbackHost({
      handlers,
      rendererDir,
      secret: SECRET,
      maxBodyBytes: 64 * 1024,
      doorEvents: (listener) => {
        screenListeners.add(listener);
        listener(screenState(screenSeq));
        return () => screenListeners.delete(listener);
      },
    });
  });
  afterAll(async () => {
    await host.close();
    temp.cleanup();
  });

  it('listens on 127.0.0.1 and puts the secret only in the fragment', () => {
    expect(host.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(host.url).toBe(`${host.origin}/#secret=${SECRET}`);
  });

  it('serves index.html with the same CSP as its meta tag, plus frame-ancestors', async () => {
    const res = await raw(host, { path: '/' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toBe(`${CSP}; frame-ancestors 'none'`);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves wasm as application/wasm', async () => {
    const res = await raw(host, { path: '/mediapipe/runtime.wasm' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/wasm');
  });

  it.each([
    '/../outside.txt',
    '/..%2foutside.txt',
    '/%2e%2e/outside.txt',
    '/mediapipe/..%2F..%2Foutside.txt',
    '/mediapipe',
    '/%00',
    '/..\\outside.txt',
    '/nope.js',
  ])('answers 404 for %s', async (path) => {
    const res = await raw(host, { path });
    expect(res.status).toBe(404);
    expect(res.body).not.toContain('must never be served');
  });

  it('refuses a request whose Host is not loopback (DNS rebinding)', async () => {
    const port = new URL(host.origin).port;
    expect((await raw(host, { path: '/', headers: { host: `evil.example:${port}` } })).status).toBe(
      421,
    );
    expect((await api(host, 'people:list', {}, { host: `evil.example:${port}` })).status).toBe(421);
  });

  it('answers 401 without the secret, or with a wrong one', async () => {
    const none = await raw(host, {
      method: 'POST',
      path: '/api/people:list',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect((await api(host, 'people:list', {}, { [SECRET_HEADER]: `${SECRET}x` })).status).toBe(
      401,
    );
  });

  it('refuses a cross-origin caller even with the secret', async () => {
    expect((await api(host, 'people:list', {}, { origin: 'http://evil.example' })).status).toBe(
      403,
    );
    expect((await api(host, 'people:list', {}, { origin: host.origin })).status).toBe(200);
  });

  it('runs a valid call through the contract', async () => {
    const res = await api(host, 'people:list', {});
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({
      ok: true,
      value: { people: [expect.objectContaining({ name: 'Ada' })] },
    });
  });

  it('answers BAD_REQUEST for a malformed payload or an unknown channel', async () => {
    const bad = await api(host, 'enroll:create', { name: 'Ada', consent: false, images: [] });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const unknown = await api(host, 'shell:exec', {});
    expect(JSON.parse(unknown.body)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it("answers the CLI's admin channels as unknown: the port serves the page's channels only", async () => {
    const purge = await api(host, 'audit:purge', {});
    expect(JSON.parse(purge.body)).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'Unknown channel: audit:purge' },
    });
  });

  it('streams the door screen as Server-Sent Events, only with the secret', async () => {
    expect((await raw(host, { path: DOOR_EVENTS_PATH })).status).toBe(401);
    const { port } = new URL(host.origin);
    const events: DoorScreenState[] = [];
    await new Promise<void>((done, fail) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: Number(port),
          path: DOOR_EVENTS_PATH,
          headers: { [SECRET_HEADER]: SECRET },
        },
        (res) => {
          expect(res.statusCode).toBe(200);
          expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
          let buffered = '';
          res.on('data', (chunk: Buffer) => {
            buffered += chunk.toString('utf8');
            const blocks = buffered.split('\n\n');
            buffered = blocks.pop() ?? '';
            for (const block of blocks) {
              const data = block.split('\n').find((l) => l.startsWith('data: '));
              if (data) events.push(JSON.parse(data.slice(6)) as DoorScreenState);
            }
            if (events.length === 1) publishScreen();
            if (events.length === 2) {
              req.destroy();
              done();
            }
          });
        },
      );
      req.on('error', fail);
      req.end();
    });
    expect(events.map((e) => e.seq)).toEqual([screenSeq - 1, screenSeq]);
    // The page went away: the host let go of its subscription.
    await expect.poll(() => screenListeners.size).toBe(0);
  });

  it('passes station errors through as envelopes and maps unexpected ones to INTERNAL', async () => {
    expect(JSON.parse((await api(host, 'station:status', {})).body)).toMatchObject({
      ok: false,
      error: { code: 'MODEL_MISSING' },
    });
    const internal = await api(host, 'models:detector', { variant: 'short_range' });
    expect(internal.status).toBe(500);
    expect(JSON.parse(internal.body)).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('takes a frame region as a binary body and refuses malformed ones with a reason', async () => {
    const frame = (rgb: unknown) => ({
      frameId: 7,
      frameWidth: 4,
      frameHeight: 2,
      faces: [],
      region: { x: 0, y: 0, width: 2, height: 2, rgb },
      capturedAtMs: 1,
    });
    const binary = (body: Uint8Array) =>
      raw(host, {
        method: 'POST',
        path: '/api/access:frame',
        headers: { 'content-type': BINARY_BODY_CONTENT_TYPE, [SECRET_HEADER]: SECRET },
        body,
      });
    const rgb = Uint8Array.from({ length: 12 }, (_, i) => 200 + i);
    const ok = await binary(encodeBinaryBody(frame(rgb)));
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({
      ok: true,
      value: { frameId: 7, faces: [{ similarity: 200 }] },
    });
    // Wrong byte count for 2 x 2 RGB (an RGBA region): refused by the contract, naming the field.
    const envelope = (r: RawResponse) =>
      JSON.parse(r.body) as { ok: boolean; error: { code: string; message: string } };
    const rgba = envelope(await binary(encodeBinaryBody(frame(new Uint8Array(16)))));
    expect(rgba).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(rgba.error.message).toMatch(/region\.rgb.*width \* height \* 3/);
    // Base64 in JSON is no longer a frame region.
    const json = envelope(await api(host, 'access:frame', frame('AAAA')));
    expect(json).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(json.error.message).toMatch(/region\.rgb.*binary/);
    // A truncated body: the transport refuses it before the contract sees anything.
    const whole = encodeBinaryBody(frame(rgb));
    const cut = await binary(whole.subarray(0, whole.length - 1));
    expect(cut.status).toBe(400);
    expect(envelope(cut).error.message).toMatch(/declares 12 blob bytes but 11 follow/);
  });

  it('takes JSON only, within the size cap, by POST only', async () => {
    const text = await raw(host, {
      method: 'POST',
      path: '/api/people:list',
      headers: { 'content-type': 'text/plain', [SECRET_HEADER]: SECRET },
      body: '{}',
    });
    expect(text.status).toBe(415);
    const broken = await raw(host, {
      method: 'POST',
      path: '/api/people:list',
      headers: { 'content-type': 'application/json', [SECRET_HEADER]: SECRET },
      body: '{',
    });
    expect(broken.status).toBe(400);
    const huge = await api(host, 'audit:recent', { limit: 1, pad: 'x'.repeat(100 * 1024) });
    expect(huge.status).toBe(413);
    expect(
      (await raw(host, { path: '/api/people:list', headers: { [SECRET_HEADER]: SECRET } })).status,
    ).toBe(405);
    expect((await raw(host, { method: 'POST', path: '/index.html' })).status).toBe(405);
  });
});

describe('loopback host operator session header', () => {
  const temp = makeTempDir('loopback-session-');
  let host: LoopbackHost;
  const GOOD = 'b'.repeat(64);

  beforeAll(async () => {
    writeFileSync(
      join(temp.dir, 'index.html'),
      `<html><head><meta http-equiv="Content-Security-Policy" content="${CSP}" /></head></html>`,
    );
    host = await startLoopbackHost({
      // Admin protected: only the GOOD session may use admin channels.
      handlers: {
        ...handlers,
        authorize: (roles, session) =>
          roles.length === 0 || session === GOOD ? null : 'Log in as admin first.',
      },
      rendererDir: temp.dir,
      secret: SECRET,
    });
  });
  afterAll(async () => {
    await host.close();
    temp.cleanup();
  });

  it('refuses a protected channel without the session header, serves it with one', async () => {
    const none = await api(host, 'people:list', {});
    expect(JSON.parse(none.body)).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORIZED', message: 'people:list: Log in as admin first.' },
    });
    const wrong = await api(host, 'people:list', {}, { [SESSION_HEADER]: 'c'.repeat(64) });
    expect(JSON.parse(wrong.body)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    const good = await api(host, 'people:list', {}, { [SESSION_HEADER]: GOOD });
    expect(JSON.parse(good.body)).toMatchObject({ ok: true });
  });

  it('passes the header to the handler and keeps terminal channels open', async () => {
    const out = await api(host, 'auth:logout', {}, { [SESSION_HEADER]: GOOD });
    expect(JSON.parse(out.body)).toEqual({ ok: true, value: { loggedOut: true } });
    const door = await api(host, 'door:status', {});
    expect(JSON.parse(door.body)).toMatchObject({ ok: true });
  });
});

describe('loopback host start-up', () => {
  it('refuses to serve a renderer without a CSP', async () => {
    const temp = makeTempDir('loopback-nocsp-');
    writeFileSync(join(temp.dir, 'index.html'), '<html></html>');
    await expect(startLoopbackHost({ handlers, rendererDir: temp.dir })).rejects.toThrow(
      /Content-Security-Policy/,
    );
    temp.cleanup();
  });
});
