import { closeSync, existsSync, lstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';

const CHUNK = 1 << 20;

/**
 * Which of the needles occur anywhere in the file's bytes (indices into `needles`). Streams the
 * file in 1 MiB chunks, each overlapping the previous by the longest needle minus one byte, so a
 * match straddling a chunk boundary is still found and a multi-GB database never sits in memory.
 * A missing file contains nothing.
 */
export function findNeedlesInFile(file: string, needles: readonly Buffer[]): Set<number> {
  const found = new Set<number>();
  if (needles.length === 0 || !existsSync(file)) return found;
  const overlap = Math.max(...needles.map((n) => n.length)) - 1;
  const buf = Buffer.alloc(CHUNK + overlap);
  const fd = openSync(file, 'r');
  try {
    let carried = 0;
    for (;;) {
      const read = readSync(fd, buf, carried, CHUNK, null);
      if (read === 0) break;
      const view = buf.subarray(0, carried + read);
      needles.forEach((needle, i) => {
        if (!found.has(i) && view.indexOf(needle) !== -1) found.add(i);
      });
      if (found.size === needles.length) break;
      carried = Math.min(overlap, view.length);
      view.copy(buf, 0, view.length - carried);
    }
  } finally {
    closeSync(fd);
  }
  return found;
}

/** Byte patterns that identify a stored float32 vector: its first and last 64 bytes. */
export function vectorNeedles(vector: Float32Array, bytes = 64): Buffer[] {
  return byteNeedles(Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength), bytes);
}

/** Byte patterns that identify any stored blob (e.g. a sealed template): first and last bytes. */
export function byteNeedles(raw: Buffer, bytes = 64): Buffer[] {
  if (raw.length <= bytes) return [Buffer.from(raw)];
  return [Buffer.from(raw.subarray(0, bytes)), Buffer.from(raw.subarray(raw.length - bytes))];
}

/**
 * Every regular file under `dir`, recursively (symbolic links are not followed: what they point
 * to is not in the data folder). What an erasure checks: a copy anywhere in the folder counts.
 */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    const s = lstatSync(full);
    if (s.isDirectory()) return filesUnder(full);
    return s.isFile() ? [full] : [];
  });
}
