import { existsSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { zeroFileInPlace } from './zero-file';

/**
 * The writers' temp names: writeFileAtomic's `<file>.<pid>.tmp`, and the key writer's
 * `<file>.<pid>.<8 hex>.tmp`. The file part is matched shortest first, so a random part of
 * digits only is never read as the pid.
 */
const TEMP_NAME = /^(.+?)\.(\d+)(?:\.[0-9a-f]{8})?\.tmp$/;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temp files that writers killed mid-write left in `dirs`, zeroed first (an index temp
 * file is a sealed copy of every vector); returns the paths removed. Call it holding the database
 * write lock: writers of `lockedFiles` hold it from creating a temp file to renaming it, so any of
 * theirs seen under the lock is stale. Other temp files (key files, written once without the lock)
 * go only when the process that wrote them is gone.
 */
export function removeStaleTempFiles(dirs: readonly string[], lockedFiles: readonly string[]) {
  const locked = new Set(lockedFiles);
  const removed: string[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const m = TEMP_NAME.exec(name);
      if (!m) continue;
      const target = join(dir, m[1]!);
      const pid = Number(m[2]);
      if (!locked.has(target) && pid !== process.pid && processAlive(pid)) continue;
      const file = join(dir, name);
      zeroFileInPlace(file);
      unlinkSync(file);
      removed.push(file);
    }
  }
  return removed;
}
