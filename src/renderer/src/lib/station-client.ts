import {
  API_METHODS,
  BRIDGE_KEY,
  type ApiMethod,
  type StationApi,
  type StationEvents,
} from '../../../shared/api-methods';
import { BINARY_BODY_CONTENT_TYPE, encodeBinaryBody, hasBytes } from '../../../shared/binary-body';
import type { Channel } from '../../../shared/contract';
import type { ErrorPayload, Result } from '../../../shared/errors';
import { SECRET_HEADER } from '../../../shared/loopback-headers';
import { SESSION_HEADER } from '../../../shared/operator-roles';
import { SessionHolder } from '../../../shared/session-token';
import { connectEvents } from './door-events';
import { t } from './i18n';

const SECRET_STORAGE_KEY = 'station.secret';

function failure(code: ErrorPayload['code'], message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

function isResult(body: unknown): body is Result<unknown> {
  if (typeof body !== 'object' || body === null || !('ok' in body)) return false;
  if (body.ok === true) return 'value' in body;
  return (
    body.ok === false && 'error' in body && typeof body.error === 'object' && body.error !== null
  );
}

/**
 * The loopback host puts its per-run secret in the URL fragment (never sent over the wire).
 * We take it once and strip it from the address bar and history so it does not linger in
 * screenshots or bookmarks. sessionStorage keeps it for a reload of this tab only; any script
 * able to read it could read it from memory too, so this adds no exposure.
 */
export function takeSecretFromLocation(
  loc: Location = location,
  hist: History = history,
): string | null {
  const match = /(?:^#|&)secret=([^&]+)/.exec(loc.hash);
  if (match?.[1]) {
    const secret = decodeURIComponent(match[1]);
    hist.replaceState(null, '', loc.pathname + loc.search);
    sessionStorage.setItem(SECRET_STORAGE_KEY, secret);
    return secret;
  }
  return sessionStorage.getItem(SECRET_STORAGE_KEY);
}

/**
 * Browser-mode client: the same named methods as the preload, each a POST /api/<channel>
 * answered with the same Result envelope. Transport failures become envelopes too, so callers
 * handle one shape.
 */
export function createHttpClient(
  secret: string,
  fetchFn: typeof fetch = fetch.bind(globalThis),
): StationApi {
  // The operator session token lives only here (memory): a reload means logging in again.
  const session = new SessionHolder();
  async function call(channel: Channel, request: unknown): Promise<Result<unknown>> {
    const result = await send(channel, request);
    session.observe(channel, result);
    return result;
  }
  async function send(channel: Channel, request: unknown): Promise<Result<unknown>> {
    // Requests with raw bytes (frame regions) go as one binary body, the rest as JSON.
    const binary = hasBytes(request);
    const headers: Record<string, string> = {
      'content-type': binary ? BINARY_BODY_CONTENT_TYPE : 'application/json',
      [SECRET_HEADER]: secret,
    };
    if (session.current !== null) headers[SESSION_HEADER] = session.current;
    let response: Response;
    try {
      response = await fetchFn(`./api/${channel}`, {
        method: 'POST',
        headers,
        body: binary
          ? (encodeBinaryBody(request) as Uint8Array<ArrayBuffer>)
          : JSON.stringify(request),
        cache: 'no-store',
      });
    } catch {
      return failure('INTERNAL', t('client.unreachable'));
    }
    const body: unknown = await response.json().catch(() => null);
    if (isResult(body)) return body;
    if (response.status === 401) return failure('UNAUTHORIZED', t('client.notAuthorised'));
    return failure('INTERNAL', t('client.http', { status: String(response.status) }));
  }
  const api: Partial<Record<ApiMethod, (request: unknown) => Promise<Result<unknown>>>> = {};
  for (const method of Object.keys(API_METHODS) as ApiMethod[]) {
    api[method] = (request) => call(API_METHODS[method], request);
  }
  // Each entry wraps exactly the channel API_METHODS names for it, which is what StationApi says.
  return api as StationApi;
}

/** A client whose every call explains why there is no station (start-up failure screen). */
function missingClient(): StationApi {
  const api: Partial<Record<ApiMethod, () => Promise<Result<never>>>> = {};
  for (const method of Object.keys(API_METHODS) as ApiMethod[]) {
    api[method] = () => Promise.resolve(failure('UNAUTHORIZED', t('client.noConnection')));
  }
  return api as StationApi;
}

/** The door screen's pushes: the preload's bridge in Electron, else the loopback host's stream. */
export function connectStationEvents(): StationEvents | null {
  return connectEvents(sessionStorage.getItem(SECRET_STORAGE_KEY));
}

/** Electron preload's bridge (window.station) when present, else the loopback HTTP client. */
export function connectStation(): StationApi {
  const bridged = (window as unknown as Record<string, StationApi | undefined>)[BRIDGE_KEY];
  if (bridged) return bridged;
  const secret = takeSecretFromLocation();
  return secret ? createHttpClient(secret) : missingClient();
}
