import { StationError } from '../../../shared/errors';

/**
 * The gallery's label map travels inside the sealed index file, before the index bytes: label i
 * holds template id labels[i] of person persons[i], or REMOVED_LABEL once erased. It is saved with
 * the index because erasure removes labels in place, and it seals each label's person so a swapped
 * `templates.person_id` no longer matches and the index is not served.
 *
 * Layout: "GLM2", u32 count, u32 persons, u32 person-table bytes, count x f64 template ids (exact
 * to 2^53), count x u32 person numbers (NO_PERSON when removed), the person table (u16 length +
 * UTF-8 each), zero padding to 8, then the index bytes (8-aligned: routed indexes read in place).
 */
export const REMOVED_LABEL = -1;
const MAGIC = Buffer.from('GLM2');
const HEADER = MAGIC.length + 12;
const NO_PERSON = 0xffffffff;

export interface LabelMap {
  labels: number[];
  /** The person of each label; undefined for a removed label. */
  persons: (string | undefined)[];
  index: Buffer;
}

const align8 = (n: number) => (n + 7) & ~7;

export function encodeLabelMap(
  labels: readonly number[],
  persons: readonly (string | undefined)[],
  index: Buffer,
): Buffer {
  const head = encodeLabelMapHead(labels, persons);
  const out = Buffer.concat([head, index]);
  head.fill(0);
  return out;
}

/**
 * The label map without the index bytes: the file is `head` then the index, sealed as two
 * parts (a 100k gallery's index is ~600 MB; one more whole copy of it cost seconds).
 */
export function encodeLabelMapHead(
  labels: readonly number[],
  persons: readonly (string | undefined)[],
): Buffer {
  const numberOf = new Map<string, number>();
  const numbers = new Uint32Array(labels.length);
  labels.forEach((_, i) => {
    const person = persons[i];
    let n = person === undefined ? NO_PERSON : numberOf.get(person);
    if (n === undefined) numberOf.set(person!, (n = numberOf.size));
    numbers[i] = n;
  });
  const names = [...numberOf.keys()].map((p) => Buffer.from(p, 'utf8'));
  const tableBytes = names.reduce((sum, b) => sum + 2 + b.length, 0);
  const ids = HEADER;
  const nums = ids + labels.length * 8;
  const table = nums + labels.length * 4;
  const start = align8(table + tableBytes);
  const out = Buffer.alloc(start);
  MAGIC.copy(out, 0);
  out.writeUInt32LE(labels.length, 4);
  out.writeUInt32LE(names.length, 8);
  out.writeUInt32LE(tableBytes, 12);
  labels.forEach((id, i) => out.writeDoubleLE(id, ids + i * 8));
  numbers.forEach((n, i) => out.writeUInt32LE(n, nums + i * 4));
  let at = table;
  for (const name of names) {
    out.writeUInt16LE(name.length, at);
    name.copy(out, at + 2);
    at += 2 + name.length;
  }
  return out;
}

/** @throws StationError INDEX_STALE when the bytes are not a label map + index. */
export function decodeLabelMap(bytes: Buffer): LabelMap {
  if (bytes.length < HEADER || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new StationError('INDEX_STALE', 'index file has no label map');
  }
  const count = bytes.readUInt32LE(4);
  const personCount = bytes.readUInt32LE(8);
  const tableBytes = bytes.readUInt32LE(12);
  const nums = HEADER + count * 8;
  const table = nums + count * 4;
  const start = align8(table + tableBytes);
  if (start > bytes.length) throw new StationError('INDEX_STALE', 'index label map is truncated');
  const names = readPersonTable(bytes, table, personCount, table + tableBytes);
  const labels = new Array<number>(count);
  const persons = new Array<string | undefined>(count);
  for (let i = 0; i < count; i++) {
    const id = bytes.readDoubleLE(HEADER + i * 8);
    const n = bytes.readUInt32LE(nums + i * 4);
    const removed = id === REMOVED_LABEL;
    if (!removed && !(Number.isSafeInteger(id) && id > 0)) {
      throw new StationError('INDEX_STALE', `index label map holds an invalid template id at ${i}`);
    }
    if (removed !== (n === NO_PERSON) || (!removed && n >= names.length)) {
      throw new StationError('INDEX_STALE', `index label map holds an invalid person at ${i}`);
    }
    labels[i] = id;
    persons[i] = removed ? undefined : names[n];
  }
  // A view, not a copy: the caller zeroes the decrypted bytes once the index is loaded.
  return { labels, persons, index: bytes.subarray(start) };
}

function readPersonTable(bytes: Buffer, from: number, count: number, end: number): string[] {
  const names: string[] = [];
  let at = from;
  for (let i = 0; i < count; i++) {
    if (at + 2 > end) throw new StationError('INDEX_STALE', 'index person table is truncated');
    const length = bytes.readUInt16LE(at);
    if (at + 2 + length > end)
      throw new StationError('INDEX_STALE', 'index person table is truncated');
    names.push(bytes.toString('utf8', at + 2, at + 2 + length));
    at += 2 + length;
  }
  return names;
}
