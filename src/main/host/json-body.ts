import type { IncomingMessage } from 'node:http';

export type BodyOutcome =
  { ok: true; value: unknown } | { ok: false; status: 400 | 413 | 415; message: string };

/**
 * Reads a JSON request body with a hard size cap. The cap is checked against Content-Length
 * first (no bytes read) and again while streaming (a lying or absent length cannot exceed it).
 */
export function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<BodyOutcome> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    return Promise.resolve({
      ok: false,
      status: 415,
      message: 'Content-Type must be application/json',
    });
  }
  const declared = Number(req.headers['content-length'] ?? NaN);
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
    const finish = (outcome: BodyOutcome): void => {
      if (done) return;
      done = true;
      resolvePromise(outcome);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        finish({ ok: false, status: 413, message: `Body larger than ${maxBytes} bytes` });
        // Stop buffering; the response closes the connection.
        req.pause();
        return;
      }
      if (!done) chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        finish({ ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown });
      } catch {
        finish({ ok: false, status: 400, message: 'Body is not valid JSON' });
      }
    });
    req.on('error', () =>
      finish({ ok: false, status: 400, message: 'Request body could not be read' }),
    );
  });
}
