import type { IncomingMessage } from 'node:http';
import {
  BINARY_BODY_CONTENT_TYPE,
  BinaryBodyError,
  decodeBinaryBody,
} from '../../../shared/binary-body';

export type BodyOutcome =
  { ok: true; value: unknown } | { ok: false; status: 400 | 413 | 415 | 503; message: string };

/**
 * The host's budget of request bytes held at once (loopback-host.ts): false when `bytes` more
 * do not fit. A body with a declared length was reserved whole before it was read; one
 * without is reserved chunk by chunk as it arrives.
 */
export type ReserveBytes = (bytes: number) => boolean;

type RawOutcome = { ok: true; bytes: Buffer } | Extract<BodyOutcome, { ok: false }>;

/**
 * Reads a JSON or binary request body (src/shared/binary-body.ts) as an untrusted value for the
 * contract's schemas. The size cap is checked on Content-Length and again while streaming, so a
 * lying or absent length cannot exceed it.
 */
export async function readRequestBody(
  req: IncomingMessage,
  maxBytes: number,
  reserve: ReserveBytes = () => true,
): Promise<BodyOutcome> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json' && type !== BINARY_BODY_CONTENT_TYPE) {
    return {
      ok: false,
      status: 415,
      message: `Content-Type must be application/json or ${BINARY_BODY_CONTENT_TYPE}`,
    };
  }
  const raw = await readRawBody(req, maxBytes, reserve);
  if (!raw.ok) return raw;
  if (type === BINARY_BODY_CONTENT_TYPE) {
    try {
      return { ok: true, value: decodeBinaryBody(raw.bytes) };
    } catch (err) {
      const message = err instanceof BinaryBodyError ? err.message : 'Binary body is malformed';
      return { ok: false, status: 400, message };
    }
  }
  try {
    return { ok: true, value: JSON.parse(raw.bytes.toString('utf8')) as unknown };
  } catch {
    return { ok: false, status: 400, message: 'Body is not valid JSON' };
  }
}

/** What a request refused for the in-flight budget is told (503, with Retry-After). */
export const BUSY_MESSAGE =
  'The station is busy with other uploads (too many request bytes in flight); try again in a moment.';

function readRawBody(
  req: IncomingMessage,
  maxBytes: number,
  reserve: ReserveBytes,
): Promise<RawOutcome> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  const counted = !Number.isFinite(declared);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return Promise.resolve({
      ok: false,
      status: 413,
      message: `Body larger than ${maxBytes} bytes`,
    });
  }
  return new Promise((resolvePromise) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (outcome: RawOutcome): void => {
      if (done) return;
      done = true;
      resolvePromise(outcome);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBytes) {
        finish({ ok: false, status: 413, message: `Body larger than ${maxBytes} bytes` });
        // Stop buffering; the response closes the connection.
        req.pause();
        return;
      }
      if (counted && !reserve(chunk.length)) {
        finish({ ok: false, status: 503, message: BUSY_MESSAGE });
        req.pause();
        return;
      }
      if (!done) chunks.push(chunk);
    });
    // A fresh buffer per request: frame regions are used as views of it (no copy) and kept
    // by the liveness window, so it must never be shared with another request.
    req.on('end', () => finish({ ok: true, bytes: Buffer.concat(chunks) }));
    req.on('error', () =>
      finish({ ok: false, status: 400, message: 'Request body could not be read' }),
    );
  });
}
