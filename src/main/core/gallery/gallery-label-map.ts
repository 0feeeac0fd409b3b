import { StationError } from '../../../shared/errors';

/**
 * The gallery's label map travels inside the sealed index file, in front of the index bytes:
 * label i of the index holds template id labels[i], or REMOVED_LABEL once erased. Saved with
 * the index because an erasure removes labels in place (no renumbering), so the labels no
 * longer follow the database's template order and cannot be recomputed from it.
 *
 * Layout: "GLM1", u32 count, count x f64 template ids (f64: SQLite ids exceed 32 bits in
 * principle, and stay exact in a double up to 2^53), then the index bytes.
 */
export const REMOVED_LABEL = -1;
const MAGIC = Buffer.from('GLM1');
const HEADER = MAGIC.length + 4;

export function encodeLabelMap(labels: readonly number[], index: Buffer): Buffer {
  const out = Buffer.alloc(HEADER + labels.length * 8 + index.length);
  MAGIC.copy(out, 0);
  out.writeUInt32LE(labels.length, MAGIC.length);
  labels.forEach((id, i) => out.writeDoubleLE(id, HEADER + i * 8));
  index.copy(out, HEADER + labels.length * 8);
  return out;
}

/** @throws StationError INDEX_STALE when the bytes are not a label map + index. */
export function decodeLabelMap(bytes: Buffer): { labels: number[]; index: Buffer } {
  if (bytes.length < HEADER || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new StationError('INDEX_STALE', 'index file has no label map');
  }
  const count = bytes.readUInt32LE(MAGIC.length);
  const end = HEADER + count * 8;
  if (end > bytes.length) throw new StationError('INDEX_STALE', 'index label map is truncated');
  const labels = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    const id = bytes.readDoubleLE(HEADER + i * 8);
    if (id !== REMOVED_LABEL && !(Number.isSafeInteger(id) && id > 0)) {
      throw new StationError('INDEX_STALE', `index label map holds an invalid template id at ${i}`);
    }
    labels[i] = id;
  }
  // A view, not a copy: the caller zeroes the decrypted bytes once the index is loaded.
  return { labels, index: bytes.subarray(end) };
}
