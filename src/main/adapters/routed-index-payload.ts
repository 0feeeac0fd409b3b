import { StationError } from '../../shared/errors';
import { VectorRows } from './vector-rows';

/**
 * Bytes of a routed index (routed-index.ts) (inside the station's index container, which is sealed):
 *
 *   "RHN2" | u32 dim | u32 routes | u32 rows | f64 coarse bytes
 *   | i32 offsets[routes + 1] | i32 members[offsets[routes]] | coarse (faiss) | 0-3 zero bytes
 *   | rows (f32)
 *
 * The padding puts the rows at a multiple of 4 from the payload's start, so that a payload
 * at an aligned offset (the container and label map keep it so) can be read without copying
 * the rows (VectorRows.fromBytes).
 *
 * Routes are the coarse's labels; offsets/members list each route's rows (empty = scrubbed).
 */
export interface RoutedPayload {
  dim: number;
  coarse: Buffer | null;
  members: Int32Array[];
  rows: VectorRows;
}

const MAGIC = 'RHN2';
const HEAD = 24;

export function encodeRoutedPayload(p: RoutedPayload): Buffer {
  return Buffer.concat(routedPayloadParts(p));
}

/** The payload's bytes in order, the rows as views (joined once by whoever stores them). */
export function routedPayloadParts(p: RoutedPayload): Uint8Array[] {
  const head = Buffer.alloc(HEAD);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(p.dim, 4);
  head.writeUInt32LE(p.members.length, 8);
  head.writeUInt32LE(p.rows.count, 12);
  head.writeDoubleLE(p.coarse?.length ?? 0, 16);
  const offsets = new Int32Array(p.members.length + 1);
  p.members.forEach((m, i) => (offsets[i + 1] = offsets[i]! + m.length));
  const members = new Int32Array(offsets[p.members.length]!);
  p.members.forEach((m, i) => members.set(m, offsets[i]));
  const bytes = (a: Int32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  return [
    head,
    bytes(offsets),
    bytes(members),
    p.coarse ?? Buffer.alloc(0),
    Buffer.alloc(pad4(p.coarse?.length ?? 0)),
    ...p.rows.byteChunks(),
  ];
}

/** Zero bytes that bring `n` to a multiple of 4. */
const pad4 = (n: number): number => (4 - (n % 4)) % 4;

function stale(why: string): StationError {
  return new StationError('INDEX_STALE', `routed index file: ${why}`);
}

/** Copies `count` int32 from any byte offset (the container gives no alignment). */
function int32s(buf: Buffer, at: number, count: number): Int32Array {
  const out = new Int32Array(count);
  new Uint8Array(out.buffer).set(buf.subarray(at, at + count * 4));
  return out;
}

/**
 * @throws StationError INDEX_STALE when the bytes are not a consistent routed payload. The
 * rows may stay views of `buf` (see VectorRows.fromBytes): the caller hands `buf` over.
 */
export function decodeRoutedPayload(buf: Buffer, dim: number): RoutedPayload {
  if (buf.length < HEAD || buf.toString('latin1', 0, 4) !== MAGIC) throw stale('bad magic');
  if (buf.readUInt32LE(4) !== dim) throw stale(`dim ${buf.readUInt32LE(4)} != ${dim}`);
  const routes = buf.readUInt32LE(8);
  const rows = buf.readUInt32LE(12);
  const coarseBytes = buf.readDoubleLE(16);
  let at = HEAD;
  if (at + (routes + 1) * 4 > buf.length) throw stale('truncated route table');
  const offsets = int32s(buf, at, routes + 1);
  at += (routes + 1) * 4;
  const total = offsets[routes]!;
  for (let i = 0; i < routes; i++) {
    if (offsets[i]! > offsets[i + 1]! || offsets[0] !== 0) throw stale('route table out of order');
  }
  const expected = at + total * 4 + coarseBytes + pad4(coarseBytes) + rows * dim * 4;
  if (!Number.isInteger(coarseBytes) || total < 0 || expected !== buf.length) {
    throw stale(`${buf.length} bytes where the header implies ${expected}`);
  }
  const flat = int32s(buf, at, total);
  at += total * 4;
  const members = Array.from({ length: routes }, (_, i) => flat.slice(offsets[i], offsets[i + 1]));
  const coarse = coarseBytes > 0 ? buf.subarray(at, at + coarseBytes) : null;
  at += coarseBytes + pad4(coarseBytes);
  return { dim, coarse, members, rows: VectorRows.fromBytes(buf.subarray(at), dim) };
}
