/**
 * A minimal reader for npm tarballs (gzip + ustar, with the pax and GNU long-name extensions
 * node-tar may emit). Our own, so model extraction needs no `tar` binary and never writes an
 * entry we did not ask for: nothing in the archive can choose a path on our disk.
 */
import { gunzipSync } from 'node:zlib';

const BLOCK = 512;

export interface TarEntry {
  path: string;
  /** '0' regular file, '5' directory, ... (ustar typeflag; NUL is read as '0'). */
  type: string;
  data: Buffer;
}

export class TarFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TarFormatError';
  }
}

function readString(block: Buffer, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? length : end).toString('utf8');
}

/** Numeric header fields are octal text, or base-256 when the top bit is set (files > 8 GiB). */
function readNumber(block: Buffer, offset: number, length: number): number {
  const field = block.subarray(offset, offset + length);
  if ((field[0] ?? 0) & 0x80) {
    let value = (field[0] ?? 0) & 0x7f;
    for (let i = 1; i < length; i++) value = value * 256 + (field[i] ?? 0);
    return value;
  }
  const text = readString(block, offset, length).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new TarFormatError(`bad octal field "${text}"`);
  return parseInt(text, 8);
}

/** The checksum counts the checksum field itself as eight spaces. */
function checksumOk(block: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
  return sum === readNumber(block, 148, 8);
}

/** pax records: "<len> <key>=<value>\n"; only `path` matters to us. */
function paxPath(data: Buffer): string | undefined {
  let pos = 0;
  let path: string | undefined;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space === -1) break;
    const len = parseInt(data.subarray(pos, space).toString('ascii'), 10);
    if (!Number.isFinite(len) || len <= 0) throw new TarFormatError('bad pax record length');
    const record = data.subarray(space + 1, pos + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0 && record.slice(0, eq) === 'path') path = record.slice(eq + 1);
    pos += len;
  }
  return path;
}

function isZeroBlock(block: Buffer): boolean {
  for (const byte of block) if (byte !== 0) return false;
  return true;
}

/** Iterates the entries of an uncompressed tar archive. */
export function* readTar(tar: Buffer): Generator<TarEntry> {
  let pos = 0;
  let nextPath: string | undefined;
  while (pos + BLOCK <= tar.length) {
    const header = tar.subarray(pos, pos + BLOCK);
    if (isZeroBlock(header)) return;
    if (!checksumOk(header)) throw new TarFormatError(`header checksum mismatch at offset ${pos}`);
    const size = readNumber(header, 124, 12);
    const type = readString(header, 156, 1) || '0';
    const dataStart = pos + BLOCK;
    if (dataStart + size > tar.length)
      throw new TarFormatError(`entry at offset ${pos} runs past the end`);
    const data = tar.subarray(dataStart, dataStart + size);
    pos = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x' || type === 'L') {
      // Extension headers describe the entry that follows them.
      nextPath = type === 'x' ? paxPath(data) : readString(data, 0, data.length);
      continue;
    }
    if (type === 'g') continue;
    const prefix = readString(header, 345, 155);
    const name = readString(header, 0, 100);
    const path = nextPath ?? (prefix ? `${prefix}/${name}` : name);
    nextPath = undefined;
    yield { path, type: type === '\0' ? '0' : type, data };
  }
  throw new TarFormatError('archive ended without its end-of-archive blocks');
}

/**
 * Gunzips a .tgz and returns the regular files whose paths are in `wanted` (exact match).
 * @throws TarFormatError if the archive is malformed or a wanted file is absent.
 */
export function extractFromTgz(tgz: Buffer, wanted: readonly string[]): Map<string, Buffer> {
  const want = new Set(wanted);
  const found = new Map<string, Buffer>();
  for (const entry of readTar(gunzipSync(tgz))) {
    if ((entry.type === '0' || entry.type === '7') && want.has(entry.path)) {
      // Copy: the entry is a view into the whole decompressed archive, which we let go.
      found.set(entry.path, Buffer.from(entry.data));
    }
  }
  const missing = wanted.filter((p) => !found.has(p));
  if (missing.length > 0) throw new TarFormatError(`not in the archive: ${missing.join(', ')}`);
  return found;
}
