/**
 * Raw-byte requests travel to the loopback host as one binary body, because base64 in JSON cost
 * more than the station's own work per frame. Layout: [u32 LE header length][UTF-8 JSON header { v:
 * 1, blobs: [lengths], body }][blobs...], each Uint8Array replaced by `{ $bytes: index }`.
 */

export const BINARY_BODY_CONTENT_TYPE = 'application/octet-stream';
const VERSION = 1;
const PREFIX_BYTES = 4;
/** Placeholders may nest this deep; a request deeper than that is not one of ours. */
const MAX_DEPTH = 16;

/** A binary body that cannot be a request (the host answers 400 with this message). */
export class BinaryBodyError extends Error {
  override readonly name = 'BinaryBodyError';
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Uint8Array);
}

/** True when the request holds at least one Uint8Array (then it goes as a binary body). */
export function hasBytes(value: unknown, depth = 0): boolean {
  if (value instanceof Uint8Array) return true;
  if (depth > MAX_DEPTH) return false;
  if (Array.isArray(value)) return value.some((v) => hasBytes(v, depth + 1));
  if (isPlainObject(value)) return Object.values(value).some((v) => hasBytes(v, depth + 1));
  return false;
}

/** The request as one binary body (see the layout above). */
export function encodeBinaryBody(request: unknown): Uint8Array {
  const blobs: Uint8Array[] = [];
  const body = JSON.stringify(request, function (this: unknown, key: string, value: unknown) {
    // The holder's own value, before toJSON: a Node Buffer would otherwise arrive as
    // {type:'Buffer',data:[...]} here.
    const raw = (this as Record<string, unknown>)[key];
    if (raw instanceof Uint8Array) {
      blobs.push(raw);
      return { $bytes: blobs.length - 1 };
    }
    return value;
  });
  const header = new TextEncoder().encode(
    `{"v":${VERSION},"blobs":${JSON.stringify(blobs.map((b) => b.byteLength))},"body":${body}}`,
  );
  const total = PREFIX_BYTES + header.byteLength + blobs.reduce((n, b) => n + b.byteLength, 0);
  const out = new Uint8Array(total);
  new DataView(out.buffer).setUint32(0, header.byteLength, true);
  out.set(header, PREFIX_BYTES);
  let at = PREFIX_BYTES + header.byteLength;
  for (const b of blobs) {
    out.set(b, at);
    at += b.byteLength;
  }
  return out;
}

/**
 * The request back from a binary body, placeholders replaced by views of their blobs (no copy).
 * Throws BinaryBodyError naming what is malformed; the result is still untrusted and validated by
 * the contract's schema next.
 */
export function decodeBinaryBody(bytes: Uint8Array): unknown {
  if (bytes.byteLength < PREFIX_BYTES)
    throw new BinaryBodyError(`Binary body of ${bytes.byteLength} bytes has no header length`);
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(
    0,
    true,
  );
  const headerEnd = PREFIX_BYTES + headerLength;
  if (headerEnd > bytes.byteLength)
    throw new BinaryBodyError(
      `Binary body header of ${headerLength} bytes is longer than the ${bytes.byteLength - PREFIX_BYTES} bytes sent`,
    );
  let header: unknown;
  try {
    header = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREFIX_BYTES, headerEnd)),
    ) as unknown;
  } catch {
    throw new BinaryBodyError('Binary body header is not valid UTF-8 JSON');
  }
  if (!isPlainObject(header) || header.v !== VERSION || !('body' in header))
    throw new BinaryBodyError(
      `Binary body header must be {"v":${VERSION},"blobs":[...],"body":...}`,
    );
  const lengths = header.blobs;
  if (
    !Array.isArray(lengths) ||
    !lengths.every((n): n is number => Number.isSafeInteger(n) && (n as number) >= 0)
  )
    throw new BinaryBodyError('Binary body header "blobs" must list non-negative byte counts');
  const declared = lengths.reduce((a, n) => a + n, 0);
  const following = bytes.byteLength - headerEnd;
  if (declared !== following)
    throw new BinaryBodyError(
      `Binary body declares ${declared} blob bytes but ${following} follow the header`,
    );
  const blobs: Uint8Array[] = [];
  let at = headerEnd;
  for (const n of lengths) {
    blobs.push(bytes.subarray(at, at + n));
    at += n;
  }
  const used = new Set<number>();
  const value = revive(header.body, blobs, used, 0);
  if (used.size !== blobs.length)
    throw new BinaryBodyError(
      `Binary body carries ${blobs.length} blobs but the request uses ${used.size}`,
    );
  return value;
}

function revive(
  value: unknown,
  blobs: readonly Uint8Array[],
  used: Set<number>,
  depth: number,
): unknown {
  if (depth > MAX_DEPTH) throw new BinaryBodyError('Binary body request is nested too deeply');
  if (Array.isArray(value)) return value.map((v) => revive(v, blobs, used, depth + 1));
  if (!isPlainObject(value)) return value;
  if ('$bytes' in value) {
    const i = value.$bytes;
    if (Object.keys(value).length !== 1 || typeof i !== 'number' || !Number.isInteger(i))
      throw new BinaryBodyError('A "$bytes" placeholder must be {"$bytes": <blob index>}');
    const blob = blobs[i];
    if (!blob) throw new BinaryBodyError(`Placeholder names blob ${i}, which was not sent`);
    if (used.has(i)) throw new BinaryBodyError(`Blob ${i} is used twice`);
    used.add(i);
    return blob;
  }
  // fromEntries defines own properties: a "__proto__" key stays a plain key (zod refuses it).
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, revive(v, blobs, used, depth + 1)]),
  );
}
