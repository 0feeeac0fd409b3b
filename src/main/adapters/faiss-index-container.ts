import { StationError } from '../../shared/errors';
import { INDEX_KINDS, type IndexKind } from '../core/gallery/vector-index';

/**
 * The bytes of a persisted gallery index: our header, then faiss's own serialisation.
 *
 *   "STVX" | u32 LE format | u32 LE header length | header JSON (utf-8) | faiss bytes
 *
 * The header carries what faiss's format cannot: the index kind as the station names it and
 * the removed (tombstoned) labels, which must stay hidden after a restart. Labels only: no
 * person data lives here.
 */
export interface IndexContainerHeader {
  kind: IndexKind;
  dim: number;
  removed: number[];
}

const MAGIC = 'STVX';
const FORMAT = 1;
const PREFIX = 12;

export function encodeIndexContainer(
  header: IndexContainerHeader,
  faiss: Buffer | null | readonly Uint8Array[],
): Buffer {
  // Padded with spaces to a multiple of 4 (still JSON) so that the payload after it keeps
  // the 4-byte alignment a routed index needs to use its rows in place.
  const text = JSON.stringify(header);
  const json = Buffer.from(text + ' '.repeat((4 - (Buffer.byteLength(text) % 4)) % 4), 'utf8');
  const prefix = Buffer.alloc(PREFIX);
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(FORMAT, 4);
  prefix.writeUInt32LE(json.length, 8);
  // Parts (a routed payload's) are joined here, once, instead of into a payload first.
  const body = faiss === null ? [] : faiss instanceof Uint8Array ? [faiss] : faiss;
  return Buffer.concat([prefix, json, ...body]);
}

/** @throws StationError INDEX_STALE for anything that is not a container this build wrote. */
export function decodeIndexContainer(buf: Buffer): {
  header: IndexContainerHeader;
  faiss: Buffer | null;
} {
  if (buf.length < PREFIX || buf.toString('latin1', 0, 4) !== MAGIC) {
    throw new StationError('INDEX_STALE', 'not a station index file (bad magic)');
  }
  const format = buf.readUInt32LE(4);
  if (format !== FORMAT) {
    throw new StationError(
      'INDEX_STALE',
      `index file format ${format}, this build reads ${FORMAT}`,
    );
  }
  const headerLength = buf.readUInt32LE(8);
  if (PREFIX + headerLength > buf.length) {
    throw new StationError('INDEX_STALE', 'index file header is truncated');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(buf.toString('utf8', PREFIX, PREFIX + headerLength));
  } catch (err) {
    throw new StationError('INDEX_STALE', 'index file header is not JSON', { cause: err });
  }
  const header = checkHeader(parsed);
  const rest = buf.subarray(PREFIX + headerLength);
  return { header, faiss: rest.length > 0 ? rest : null };
}

function checkHeader(value: unknown): IndexContainerHeader {
  const h = value as Partial<IndexContainerHeader> | null;
  const ok =
    typeof h === 'object' &&
    h !== null &&
    typeof h.kind === 'string' &&
    (INDEX_KINDS as readonly string[]).includes(h.kind) &&
    Number.isInteger(h.dim) &&
    Array.isArray(h.removed) &&
    h.removed.every((l) => Number.isInteger(l) && l >= 0);
  if (!ok) throw new StationError('INDEX_STALE', 'index file header is malformed');
  return { kind: h.kind!, dim: h.dim!, removed: h.removed! };
}
