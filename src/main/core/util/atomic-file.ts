import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

/**
 * Write-then-rename with fsync, so a crash leaves either the old file or the new one,
 * never a torn mix (the gallery index and key files depend on this).
 */
export function writeFileAtomic(file: string, data: Uint8Array | string, mode = 0o600): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', mode);
  try {
    try {
      writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (err) {
    // A failed write (disk full) must not leave a partial copy behind; a killed process
    // does, and removeStaleTempFiles (stale-temp-files.ts) clears that at the next start.
    rmSync(tmp, { force: true });
    throw err;
  }
}
