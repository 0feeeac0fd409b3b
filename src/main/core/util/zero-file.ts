import { closeSync, existsSync, fstatSync, fsyncSync, openSync, writeSync } from 'node:fs';

/**
 * Overwrites a file's bytes with zeros in place (then fsync). Replacing a file by rename alone
 * leaves its old content in freed disk blocks; for files that held face vectors (an index
 * before erasure, a pre-encryption index) the old blocks are zeroed first. A missing file is
 * nothing to do. (SSD wear levelling may still keep old copies; see README, data folder.)
 */
export function zeroFileInPlace(file: string): void {
  if (!existsSync(file)) return;
  const fd = openSync(file, 'r+');
  try {
    const size = fstatSync(fd).size;
    const zeros = Buffer.alloc(Math.min(size, 1 << 20));
    for (let at = 0; at < size; at += zeros.length) {
      writeSync(fd, zeros, 0, Math.min(zeros.length, size - at), at);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
